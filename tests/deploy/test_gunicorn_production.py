"""The production path over real HTTP: gunicorn, production settings, PostgreSQL, collected static.

One gunicorn server (tests/deploy/conftest.py) is started for the session against a fresh
PostgreSQL database (created, migrated, dropped after). Requests carry
`X-Forwarded-Proto: https` as nginx would add.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
import uuid

import pytest
from django.urls import Resolver404, resolve

from tests.deploy.server import Browser, GunicornServer
from tests.deploy.support import PASSWORD, ROOT, USERNAME, manage

pytestmark = pytest.mark.slow


def _browser(production) -> Browser:
    return Browser(production.server.port)


def _sign_in(browser: Browser) -> None:
    page = browser.get("/login/")
    assert page.status == 200, page.text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    assert "csrftoken" in browser.cookies

    response = browser.request(
        "POST",
        "/login/",
        body=urllib.parse.urlencode(
            {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": "https://127.0.0.1",
            "Referer": "https://127.0.0.1/login/",
        },
    )

    assert response.status == 302, response.text
    assert response.headers["location"] == "/"
    assert "sessionid" in browser.cookies


def test_health_endpoint_reports_the_database(production):
    response = _browser(production).get("/healthz")

    assert response.status == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"


def test_health_endpoint_answers_plain_http_probes_without_redirecting(production):
    response = _browser(production).get("/healthz", https=False, headers={"Host": "10.1.2.3"})

    assert response.status == 200


def test_pages_redirect_plain_http_to_https_and_send_security_headers(production):
    browser = _browser(production)

    plain = browser.get("/login/", https=False)
    secure = browser.get("/login/")

    assert plain.status == 301
    assert plain.headers["location"] == "https://127.0.0.1/login/"
    assert secure.headers["strict-transport-security"].startswith("max-age=31536000")
    assert "script-src 'self'" in secure.headers["content-security-policy"]
    assert secure.headers["x-frame-options"] == "DENY"


def test_manifest_is_served_fresh(production):
    response = _browser(production).get("/manifest.json")

    assert response.status == 200
    manifest = response.json()
    assert manifest["name"] == "Maraude"
    assert manifest["scope"] == "/"
    assert response.headers["cache-control"] == "no-cache"


def test_service_worker_is_never_long_cached_and_controls_the_whole_site(production):
    from django.conf import settings

    if not settings.PWA_SERVICE_WORKER_PATH.exists():
        pytest.skip("service worker not merged yet (frontend_pwa/static/…/serviceworker.js)")

    response = _browser(production).get("/serviceworker.js")

    assert response.status == 200
    assert "javascript" in response.headers["content-type"]
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["service-worker-allowed"] == "/"


def test_static_files_are_compressed_and_cached_for_a_year(production):
    browser = _browser(production)
    page = browser.get("/login/")
    stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page.text).group(1)

    plain = browser.get(stylesheet)
    compressed = browser.get(stylesheet, headers={"Accept-Encoding": "gzip"})

    assert plain.status == 200
    assert "immutable" in plain.headers["cache-control"]
    assert "max-age=315360000" in plain.headers["cache-control"]
    assert compressed.headers.get("content-encoding") == "gzip"


def test_a_worker_signs_in_with_a_csrf_token(production):
    browser = _browser(production)

    _sign_in(browser)
    home = browser.get("/")

    assert home.status == 200
    assert USERNAME in home.text


def test_a_second_app_server_serves_the_same_session(production):
    """Stateless app servers: a session opened on one is valid on another (shared DB and cache)."""
    second = GunicornServer(production.env, production.logs / "b.log").start()
    try:
        on_first = _browser(production)
        _sign_in(on_first)
        on_second = Browser(second.port, cookies=dict(on_first.cookies))

        home = on_second.get("/")

        assert home.status == 200
        assert USERNAME in home.text
    finally:
        second.stop()


def _sync_api_merged() -> bool:
    try:
        resolve("/api/v1/devices/enrol")
    except Resolver404:
        return False
    return True


@pytest.mark.skipif(not _sync_api_merged(), reason="sync API not merged yet")
def test_a_device_enrols_and_pushes_a_contact(production):
    device = _browser(production)
    enrolled = device.post_json(
        "/api/v1/devices/enrol",
        {"username": USERNAME, "password": PASSWORD, "label": "Téléphone de test"},
    )
    assert enrolled.status == 201, enrolled.text
    auth = {"Authorization": f"Device {enrolled.json()['token']}"}
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    session_uuid, contact_uuid = str(uuid.uuid4()), str(uuid.uuid4())
    batch = {
        "sent_at": now.isoformat(),
        "operations": [
            {
                "op": "session.start",
                "uuid": session_uuid,
                "client_created_at": now.isoformat(),
                "client_updated_at": now.isoformat(),
                "data": {
                    "kind": "street",
                    "territory": production.territory,
                    "started_at": (now - dt.timedelta(minutes=30)).isoformat(),
                },
            },
            {
                "op": "contact.create",
                "uuid": contact_uuid,
                "client_created_at": now.isoformat(),
                "client_updated_at": now.isoformat(),
                "data": {
                    "session": session_uuid,
                    "occurred_at": (now - dt.timedelta(minutes=5)).isoformat(),
                    "age_band": "15_17",
                    "gender": "girl",
                },
            },
        ],
    }

    pushed = device.post_json("/api/v1/sync/push", batch, headers=auth)
    replayed = device.post_json("/api/v1/sync/push", batch, headers=auth)

    assert pushed.status == 200, pushed.text
    assert [r["status"] for r in pushed.json()["results"]] == ["created", "created"]
    assert [r["status"] for r in replayed.json()["results"]] == ["duplicate", "duplicate"]
    count = manage(
        "shell",
        "-v0",
        "-c",
        f"from outreach.models import Contact; print(Contact.objects.filter(uuid={contact_uuid!r}).count())",
        env=production.env,
    )
    assert count.stdout.strip() == "1"


def test_gunicorn_config_sizes_workers_from_the_cpus():
    config: dict = {}
    exec(compile((ROOT / "deploy" / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), config)  # noqa: S102

    assert 3 <= config["workers"] <= 8
    assert config["timeout"] == 60
    assert config["accesslog"] == "-"
