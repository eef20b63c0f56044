"""A database outage answers 503 with Retry-After — on the API, on pages, and outside views —
never a 500; any other error is still a real 500."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.test import Client

from tests.api.sync_helpers import PUSH, device_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _down(*args, **kwargs):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_push_while_the_database_is_down_is_503_with_retry_after(monkeypatch, error):
    client, _device = device_client(UserFactory())

    def down(**kwargs):
        raise error("the connection is lost")

    monkeypatch.setattr("api.views.sync.push", down)
    answer = client.post(PUSH, {"operations": []}, format="json", HTTP_ACCEPT_LANGUAGE="fr")

    assert answer.status_code == 503
    assert answer["Retry-After"] == str(settings.DB_RETRY_AFTER_SECONDS)
    assert answer["Cache-Control"] == "no-store"
    body = answer.json()
    assert body["code"] == "unavailable"
    assert body["retry_after"] == settings.DB_RETRY_AFTER_SECONDS
    assert "Rien n'a été perdu" in body["detail"]


def test_the_device_lookup_failing_is_503_too(monkeypatch):
    client, _device = device_client(UserFactory())
    monkeypatch.setattr("api.authentication.devices.device_for_token", _down)

    answer = client.get("/api/v1/sync/pull", HTTP_ACCEPT_LANGUAGE="en")

    assert answer.status_code == 503
    assert "Nothing was lost" in answer.json()["detail"]


def test_a_page_while_the_database_is_down_is_a_503_page(monkeypatch):
    monkeypatch.setattr("django.contrib.auth.views.LoginView.get", _down)

    answer = Client().get("/login/", HTTP_ACCEPT_LANGUAGE="en")

    assert answer.status_code == 503
    assert answer["Retry-After"] == str(settings.DB_RETRY_AFTER_SECONDS)
    assert answer["Content-Type"].startswith("text/html")
    assert "Briefly unavailable" in answer.content.decode()


def test_an_outage_outside_any_view_is_still_a_503(monkeypatch):
    """The session middleware saving a session after the view, for instance."""
    monkeypatch.setattr("django.contrib.sessions.middleware.SessionMiddleware.process_response", _down)

    answer = Client(raise_request_exception=False).get("/login/")

    assert answer.status_code == 503
    assert answer["Retry-After"] == str(settings.DB_RETRY_AFTER_SECONDS)


def test_any_other_error_is_still_a_500(monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("django.contrib.auth.views.LoginView.get", broken)

    answer = Client(raise_request_exception=False).get("/login/")

    assert answer.status_code == 500
    assert "Retry-After" not in answer
