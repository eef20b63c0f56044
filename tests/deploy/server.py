"""Run Maraude as production does — gunicorn with deploy/gunicorn.conf.py, nginx with the real
site file in front — and talk HTTP to it. Shared by the deployment tests and bench/load.py."""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
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


def configured_workers() -> int:
    """The worker count deploy/gunicorn.conf.py picks on this machine."""
    config: dict = {}
    exec((ROOT / "deploy" / "gunicorn.conf.py").read_text(), config)  # noqa: S102
    return config["workers"]


class GunicornServer:
    """gunicorn maraude.wsgi in its own process group, on a port the kernel picks."""

    def __init__(self, env: dict[str, str], log_path: Path, *, workers: int | None = 2) -> None:
        """`workers=None`: as many as deploy/gunicorn.conf.py gives this machine."""
        self.env = env
        self.log_path = log_path
        self.workers = workers or configured_workers()
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
                str(self.workers),
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

    def worker_pids(self) -> list[int]:
        """The gunicorn workers now running (the master's children)."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(child) for child in children]

    def wait_for_workers(self, count: int | None = None, timeout: float = STARTUP_TIMEOUT) -> list[int]:
        """Waits (polling) until `count` workers (default: all) run and answer; returns their pids."""
        count = count or self.workers
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.worker_pids()
            if len(pids) >= count:
                with contextlib.suppress(OSError):
                    if Browser(self.port).get("/healthz").status == 200:
                        return pids
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=0.05)
                raise AssertionError(f"gunicorn exited:\n{self.output()}")
        raise AssertionError(f"{count} gunicorn workers not up after {timeout}s:\n{self.output()}")

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


# --- nginx in front ----------------------------------------------------------------------------

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
SITE = ROOT / "deploy" / "nginx" / "maraude.conf"
UPSTREAM = ROOT / "deploy" / "nginx" / "maraude-upstream.conf"
UPSTREAM_LINE = "server 127.0.0.1:8000 max_fails=3 fail_timeout=10s;"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def self_signed_certificate(directory: Path) -> None:
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=maraude.example.org",
            "-keyout",
            str(directory / "privkey.pem"),
            "-out",
            str(directory / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
    )


def nginx_conf(
    tmp: Path,
    *,
    upstreams: list[str] | None = None,
    ports: tuple[int, int] | None = None,
    connections: int = 64,
) -> Path:
    """A self-contained nginx.conf in `tmp` including the real site and upstream files.

    `upstreams` ("127.0.0.1:PORT" each) replace the one app server of the upstream file;
    `ports` (http, https) replace ports 80 and 443 on the loopback address.
    """
    self_signed_certificate(tmp)
    site = SITE.read_text().replace("/etc/maraude/tls/", f"{tmp}/")
    if ports:
        http_port, https_port = ports
        site = re.sub(r"listen \[::\]:\d+[^;]*;\n", "", site)
        site = site.replace("listen 80 ", f"listen 127.0.0.1:{http_port} ")
        site = site.replace("listen 443 ", f"listen 127.0.0.1:{https_port} ")
    (tmp / "site.conf").write_text(site)
    upstream_conf = UPSTREAM.read_text()
    assert UPSTREAM_LINE in upstream_conf, "deploy/nginx/maraude-upstream.conf changed: adapt this helper"
    if upstreams:
        lines = "\n    ".join(UPSTREAM_LINE.replace("127.0.0.1:8000", u) for u in upstreams)
        upstream_conf = upstream_conf.replace(UPSTREAM_LINE, lines)
    (tmp / "upstream.conf").write_text(upstream_conf)
    temp_paths = "\n".join(
        f"    {kind}_temp_path {tmp}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"""
daemon off;
master_process off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections {connections}; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
{temp_paths}
    include {tmp}/upstream.conf;
    include {tmp}/site.conf;
}}
"""
    )
    return conf


class NginxServer:
    """nginx with the real site file on free loopback ports, proxying to the given app servers."""

    def __init__(self, tmp: Path, upstreams: list[str], *, connections: int = 64) -> None:
        self.tmp = tmp
        self.ports = (free_port(), free_port())
        self.conf = nginx_conf(tmp, upstreams=upstreams, ports=self.ports, connections=connections)
        self.process: subprocess.Popen | None = None

    @property
    def https_port(self) -> int:
        return self.ports[1]

    def start(self) -> NginxServer:
        assert NGINX, "nginx is not installed (make nginx)"
        log = self.tmp / "nginx.out"
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [NGINX, "-p", str(self.tmp), "-c", str(self.conf)],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 15
        while True:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=0.05)
                raise AssertionError(f"nginx exited: {log.read_text()}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.https_port), 1):
                return self
            assert time.monotonic() < deadline, "nginx did not listen within 15 s"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
