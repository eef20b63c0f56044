"""Run Maraude as production does — gunicorn with deploy/gunicorn.conf.py — and talk HTTP to it."""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from tests.deploy.support import PYTHON, ROOT, clean_env, manage

STARTUP_TIMEOUT = 45.0
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


def _static_sources_key() -> str:
    """A key that changes whenever a static file or the settings that collect them change."""
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256((ROOT / "maraude" / "settings.py").read_bytes())
    entries = []
    for finder in get_finders():
        for path, storage in finder.list(ignore_patterns=[]):
            stat = os.stat(storage.path(path))
            entries.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    digest.update("\n".join(sorted(entries)).encode())
    return digest.hexdigest()[:16]


def collected_static(env: dict[str, str]) -> Path:
    """STATIC_ROOT after a production `collectstatic` (hashed names, gzip and brotli copies).

    Compressing the API documentation bundles takes half a minute, so the result is kept under
    var/ keyed by the static sources and reused while they do not change.
    """
    cache_root = ROOT / "var" / "test-static"
    target = cache_root / _static_sources_key()
    if (target / "staticfiles.json").exists():
        return target
    cache_root.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="collect-", dir=cache_root))
    manage("collectstatic", "--no-input", "-v0", env={**env, "STATIC_ROOT": str(scratch)})
    for old in cache_root.iterdir():
        if old not in (scratch, target) and not old.name.startswith("collect-"):
            shutil.rmtree(old, ignore_errors=True)
    try:
        scratch.rename(target)
    except OSError:  # collected meanwhile by a concurrent run: use theirs
        shutil.rmtree(scratch, ignore_errors=True)
    return target


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()


@dataclass
class Browser:
    """A minimal HTTPS-behind-a-proxy client: keeps cookies, never follows redirects."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        https: bool = True,
    ) -> Response:
        sent = {"Host": "127.0.0.1", "X-Real-IP": "203.0.113.7"}
        if https:
            sent["X-Forwarded-Proto"] = "https"  # what nginx adds after terminating TLS
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=sent)
            raw = conn.getresponse()
            payload = raw.read()
            for header in raw.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, payload)
        finally:
            conn.close()

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post_json(self, path: str, payload: dict, headers: dict[str, str] | None = None):
        return self.request(
            "POST",
            path,
            body=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", **(headers or {})},
        )


class GunicornServer:
    """gunicorn maraude.wsgi in its own process group, on a port the kernel picks."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.port = 0

    def start(self) -> GunicornServer:
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "--config",
                "deploy/gunicorn.conf.py",
                # Port 0: the kernel picks a free one, read back from the log (no race).
                "--bind",
                "127.0.0.1:0",
                "--workers",
                "2",
                "maraude.wsgi",
            ],
            cwd=ROOT,
            env=clean_env(**self.env),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_until_healthy()
        return self

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            # Waiting on the process doubles as the poll interval and notices a crash at once.
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=0.1)
                raise AssertionError(f"gunicorn exited at startup:\n{self.output()}")
            if not self.port:
                found = LISTENING.search(self.output())
                self.port = int(found.group(1)) if found else 0
                continue
            with contextlib.suppress(OSError):
                if Browser(self.port).get("/healthz").status == 200:
                    return
        self.stop()
        raise AssertionError(f"gunicorn not healthy after {STARTUP_TIMEOUT}s:\n{self.output()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        if getattr(self, "log", None):
            self.log.close()
