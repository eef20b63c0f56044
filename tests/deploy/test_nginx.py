"""deploy/nginx: the site file passes `nginx -t`, and nginx in front of gunicorn does its job.

nginx comes from Debian (`make nginx`, run by `make test`). The certificate is a self-signed one
made for the test; ports are rewritten to free local ones.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.deploy.server import Browser
from tests.deploy.support import ROOT

pytestmark = pytest.mark.slow

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
SITE = ROOT / "deploy" / "nginx" / "maraude.conf"
UPSTREAM = ROOT / "deploy" / "nginx" / "maraude-upstream.conf"
UNITS = {"k": 1024, "m": 1024 * 1024, "g": 1024**3}

needs_nginx = pytest.mark.skipif(NGINX is None, reason="nginx not installed (run `make nginx`)")


def _self_signed_certificate(directory: Path) -> None:
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


def _configure(tmp: Path, *, upstream: str = "", ports: tuple[int, int] | None = None) -> Path:
    """A self-contained nginx.conf in `tmp` including the real site and upstream files."""
    _self_signed_certificate(tmp)
    site = SITE.read_text().replace("/etc/maraude/tls/", f"{tmp}/")
    if ports:
        http_port, https_port = ports
        site = re.sub(r"listen \[::\]:\d+[^;]*;\n", "", site)
        site = site.replace("listen 80 ", f"listen 127.0.0.1:{http_port} ")
        site = site.replace("listen 443 ", f"listen 127.0.0.1:{https_port} ")
    (tmp / "site.conf").write_text(site)
    upstream_conf = UPSTREAM.read_text()
    if upstream:
        upstream_conf = upstream_conf.replace("127.0.0.1:8000", upstream)
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
events {{ worker_connections 64; }}
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


def _size_in_bytes(value: str) -> int:
    value = value.strip().lower()
    return int(value[:-1]) * UNITS[value[-1]] if value[-1] in UNITS else int(value)


@needs_nginx
def test_site_file_passes_nginx_config_test(tmp_path):
    conf = _configure(tmp_path)

    checked = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True
    )

    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr
    assert "[warn]" not in checked.stderr


@needs_nginx
def test_compose_layout_passes_nginx_config_test(tmp_path):
    """compose.yaml mounts the site as conf.d/default.conf and the compose upstream beside it."""
    _self_signed_certificate(tmp_path)
    conf_d = tmp_path / "conf.d"
    conf_d.mkdir()
    site = SITE.read_text().replace("/etc/maraude/tls/", f"{tmp_path}/")
    (conf_d / "default.conf").write_text(site)
    upstream = (ROOT / "deploy" / "nginx" / "maraude-upstream-compose.conf").read_text()
    # `app` resolves on the compose network only; nginx -t resolves upstream names.
    (conf_d / "maraude-upstream.conf").write_text(upstream.replace("app:8000", "127.0.0.1:8000"))
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ include /etc/nginx/mime.types; access_log off; include {conf_d}/*.conf; }}\n"
    )

    checked = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True
    )

    assert checked.returncode == 0, checked.stderr
    assert "server app:8000" in upstream


def test_upload_limit_matches_the_app_and_proxy_waits_longer_than_gunicorn():
    site = SITE.read_text()
    gunicorn: dict = {}
    exec((ROOT / "deploy" / "gunicorn.conf.py").read_text(), gunicorn)  # noqa: S102

    body_limit = re.search(r"client_max_body_size\s+(\w+);", site).group(1)
    read_timeout = re.search(r"proxy_read_timeout\s+(\d+)s;", site).group(1)

    assert _size_in_bytes(body_limit) == settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 5 * 1024 * 1024
    assert int(read_timeout) > gunicorn["timeout"]
    assert "return 301 https://$host$request_uri;" in site


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def nginx_in_front(production, tmp_path):
    """nginx with the real site file, proxying to the session's gunicorn server."""
    ports = (_free_port(), _free_port())
    conf = _configure(tmp_path, upstream=f"127.0.0.1:{production.server.port}", ports=ports)
    log = tmp_path / "nginx.out"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [NGINX, "-p", str(tmp_path), "-c", str(conf)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 15
        while True:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.05)
                pytest.fail(f"nginx exited: {log.read_text()}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", ports[1]), 1):
                break
            assert time.monotonic() < deadline, "nginx did not listen within 15 s"
        yield ports
    finally:
        process.terminate()
        process.wait(timeout=10)


def _https(port: int, method: str, path: str, *, body: bytes | None = None, headers=None):
    import http.client

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
    conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=30, context=context)
    try:
        conn.request(method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@needs_nginx
def test_nginx_terminates_tls_and_forwards_to_the_app(nginx_in_front):
    http_port, https_port = nginx_in_front

    redirected = Browser(http_port).get("/login/", https=False)
    health_status, _, health = _https(https_port, "GET", "/healthz")
    status, headers, _ = _https(https_port, "GET", "/login/", headers={"Accept-Encoding": "gzip"})

    assert redirected.status == 301
    assert redirected.headers["location"] == "https://127.0.0.1/login/"
    assert health_status == 200 and b'"database": "ok"' in health
    # The app saw HTTPS (X-Forwarded-Proto): it answers instead of redirecting, with HSTS.
    assert status == 200
    assert headers["strict-transport-security"].startswith("max-age=")
    assert headers["content-encoding"] == "gzip"
    assert "server" not in headers or "nginx/" not in headers["server"]


@needs_nginx
def test_nginx_refuses_bodies_over_the_upload_limit(nginx_in_front):
    _, https_port = nginx_in_front
    too_big = b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    status, _, _ = _https(https_port, "POST", "/login/", body=too_big, headers={"Content-Type": "text/plain"})

    assert status == 413
