"""deploy/nginx: the site file passes `nginx -t`, and nginx in front of gunicorn does its job.

nginx comes from Debian (`make nginx`, run by `make test`). The certificate is a self-signed one
made for the test; ports are rewritten to free local ones.
"""

from __future__ import annotations

import re
import ssl
import subprocess

import pytest
from django.conf import settings

from tests.deploy.server import NGINX, SITE, Browser, NginxServer, nginx_conf, self_signed_certificate
from tests.deploy.support import ROOT

pytestmark = pytest.mark.slow

UNITS = {"k": 1024, "m": 1024 * 1024, "g": 1024**3}

needs_nginx = pytest.mark.skipif(NGINX is None, reason="nginx not installed (run `make nginx`)")


def _size_in_bytes(value: str) -> int:
    value = value.strip().lower()
    return int(value[:-1]) * UNITS[value[-1]] if value[-1] in UNITS else int(value)


@needs_nginx
def test_site_file_passes_nginx_config_test(tmp_path):
    conf = nginx_conf(tmp_path)

    checked = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True
    )

    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr
    assert "[warn]" not in checked.stderr


@needs_nginx
def test_compose_layout_passes_nginx_config_test(tmp_path):
    """compose.yaml mounts the site as conf.d/default.conf and the compose upstream beside it."""
    self_signed_certificate(tmp_path)
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


@pytest.fixture
def nginx_in_front(production, tmp_path):
    """nginx with the real site file, proxying to the session's gunicorn server."""
    nginx = NginxServer(tmp_path, [f"127.0.0.1:{production.server.port}"]).start()
    try:
        yield nginx.ports
    finally:
        nginx.stop()


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
