from unittest import mock

import pytest
from django.db import OperationalError, connections
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from frontend_pwa.middleware import ServiceWorkerHeadersMiddleware
from maraude.middleware import RealIPMiddleware


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_does_not(client):
    with mock.patch.object(connections["default"], "cursor", side_effect=OperationalError("server closed")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable"}


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["maraude.example.org"])
def test_healthz_answers_probes_by_address_whatever_the_host_header(client):
    # Load balancers and container engines probe by IP, which no ALLOWED_HOSTS entry matches.
    assert client.get("/healthz", HTTP_HOST="10.0.0.7:8000").status_code == 200
    assert client.get("/login/", HTTP_HOST="10.0.0.7:8000").status_code == 400


def _through(middleware_class, path: str, response: HttpResponse) -> HttpResponse:
    return middleware_class(lambda request: response)(RequestFactory().get(path))


def test_service_worker_is_revalidated_on_every_load_and_may_control_the_whole_site():
    response = _through(ServiceWorkerHeadersMiddleware, "/serviceworker.js", HttpResponse("self.x = 1;"))

    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/"


def test_manifest_is_revalidated_and_other_pages_untouched():
    manifest = _through(ServiceWorkerHeadersMiddleware, "/manifest.json", HttpResponse("{}"))
    page = _through(ServiceWorkerHeadersMiddleware, "/login/", HttpResponse("<html>"))

    assert manifest["Cache-Control"] == "no-cache"
    assert "Service-Worker-Allowed" not in manifest
    assert not page.has_header("Cache-Control")


def _client_address(headers: dict[str, str]) -> str:
    seen = {}

    def view(request):
        seen["ip"] = request.META["REMOTE_ADDR"]
        return HttpResponse()

    RealIPMiddleware(view)(RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", headers=headers))
    return seen["ip"]


@override_settings(REAL_IP_HEADER="X-Real-IP")
def test_client_address_comes_from_the_proxy_header_when_configured():
    assert _client_address({"X-Real-IP": "203.0.113.9"}) == "203.0.113.9"
    assert _client_address({"X-Real-IP": "2001:db8::1"}) == "2001:db8::1"
    # Garbage in the header is ignored rather than trusted.
    assert _client_address({"X-Real-IP": "evil, 1.2.3.4"}) == "127.0.0.1"


@override_settings(REAL_IP_HEADER="")
def test_proxy_header_is_ignored_unless_configured():
    assert _client_address({"X-Real-IP": "203.0.113.9"}) == "127.0.0.1"
