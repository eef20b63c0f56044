"""Passkeys over HTTP, as a hostile client would try them: wrong origin, replay, someone else's key."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from outreach.models import JournalEntry, PasskeyDevice
from tests.accounts.soft_authenticator import SoftAuthenticator
from tests.factories import CoordinatorFactory, authenticator

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def post(client: Client, path: str, body: dict | None = None):
    return client.post(path, json.dumps(body or {}), content_type="application/json")


def password_step(client: Client, user) -> None:
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def enrol_passkey(client: Client, key: SoftAuthenticator, **kwargs):
    options = post(client, "/accounts/two-factor/passkeys/register/options").json()["options"]
    return post(
        client,
        "/accounts/two-factor/passkeys/register",
        {"credential": key.create(options, **kwargs), "name": "Ordinateur"},
    )


def passkey_sign_in(client: Client, key: SoftAuthenticator, **kwargs):
    options = post(client, "/accounts/two-factor/passkeys/sign-in/options").json()["options"]
    return post(
        client,
        "/accounts/two-factor/passkeys/sign-in?next=/planning/",
        {"credential": key.get(options, **kwargs)},
    )


def test_a_passkey_is_enrolled_at_first_sign_in_and_then_signs_in(client):
    coordinator = CoordinatorFactory()
    key = SoftAuthenticator()
    password_step(client, coordinator)

    enrolled = enrol_passkey(client, key)

    assert enrolled.status_code == 200
    assert enrolled.json()["redirect"].startswith("/accounts/two-factor/recovery-codes/")
    assert PasskeyDevice.objects.get(user=coordinator).name == "Ordinateur"
    assert client.get("/planning/").status_code == 200
    client.post("/logout/")

    password_step(client, coordinator)
    assert client.get("/planning/").status_code == 302
    answer = passkey_sign_in(client, key)

    assert answer.status_code == 200 and answer.json() == {"redirect": "/planning/"}
    assert client.get("/planning/").status_code == 200
    logins = JournalEntry.objects.filter(event="login", actor=coordinator).order_by("id")
    assert [e.detail for e in logins] == [{"door": "web", "second_factor": "passkey"}] * 2
    assert JournalEntry.objects.filter(event="second_factor_added", target="passkey").count() == 1
    assert PasskeyDevice.objects.get(user=coordinator).sign_count == 1


def test_a_passkey_made_for_another_origin_is_refused(client):
    coordinator = CoordinatorFactory()
    password_step(client, coordinator)

    response = enrol_passkey(client, SoftAuthenticator(), origin="https://phishing.example")

    assert response.status_code == 400
    assert not PasskeyDevice.objects.exists()
    assert client.get("/planning/").status_code == 302


def test_a_replayed_assertion_is_refused_and_counted(client):
    coordinator = CoordinatorFactory()
    key = SoftAuthenticator()
    password_step(client, coordinator)
    enrol_passkey(client, key)
    client.post("/logout/")
    password_step(client, coordinator)
    options = post(client, "/accounts/two-factor/passkeys/sign-in/options").json()["options"]
    assertion = key.get(options)
    assert post(client, "/accounts/two-factor/passkeys/sign-in", {"credential": assertion}).status_code == 200
    client.post("/logout/")
    password_step(client, coordinator)
    post(client, "/accounts/two-factor/passkeys/sign-in/options")

    replay = post(client, "/accounts/two-factor/passkeys/sign-in", {"credential": assertion})

    assert replay.status_code == 400
    assert client.get("/planning/").status_code == 302
    assert JournalEntry.objects.filter(event="second_factor_failed", detail__reason="passkey").count() == 1


def test_someone_elses_passkey_does_not_open_an_account(client):
    owner, other = CoordinatorFactory(), CoordinatorFactory()
    key = SoftAuthenticator()
    owner_client = Client()
    password_step(owner_client, owner)
    enrol_passkey(owner_client, key)
    authenticator(other)  # the other account has a factor too, so its pending session may verify
    PasskeyDevice.objects.create(
        user=other, name="x", confirmed=True, credential_id="another", public_key=b"\x00", sign_count=0
    )
    password_step(client, other)

    response = passkey_sign_in(client, key)

    assert response.status_code == 400
    assert client.get("/planning/").status_code == 302


def test_a_pending_session_cannot_add_a_passkey_to_an_account_that_already_has_a_factor(client):
    coordinator = CoordinatorFactory()
    authenticator(coordinator)
    password_step(client, coordinator)

    response = post(client, "/accounts/two-factor/passkeys/register/options")

    assert response.status_code == 403
    assert client.get("/accounts/two-factor/setup/").status_code == 302


def test_passkey_endpoints_need_a_post_with_a_csrf_token():
    coordinator = CoordinatorFactory()
    client = Client(enforce_csrf_checks=True)
    page = client.get("/login/")
    token = page.cookies["csrftoken"].value
    client.post(
        "/login/", {"username": coordinator.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )

    assert client.get("/accounts/two-factor/passkeys/register/options").status_code == 405
    assert (
        client.post(
            "/accounts/two-factor/passkeys/register/options", content_type="application/json"
        ).status_code
        == 403
    )


GARBAGE = [
    b"null",
    b"[]",
    b"\xff\xfe",
    b'{"credential": null}',
    b'{"credential": "x"}',
    b'{"credential": {"id": 5}}',
    b'{"credential": {"response": []}}',
    b'{"credential": {"id": "a", "rawId": "a", "type": "public-key", '
    b'"response": {"clientDataJSON": "!!", "attestationObject": "@@"}}}',
]


@pytest.mark.parametrize("body", GARBAGE)
def test_malformed_ceremony_answers_are_refused_with_400(body):
    newcomer = Client()
    password_step(newcomer, CoordinatorFactory())
    post(newcomer, "/accounts/two-factor/passkeys/register/options")
    response = newcomer.post("/accounts/two-factor/passkeys/register", body, content_type="application/json")
    assert response.status_code == 400

    enrolled, key = Client(), SoftAuthenticator()
    owner = CoordinatorFactory()
    password_step(enrolled, owner)
    enrol_passkey(enrolled, key)
    enrolled.post("/logout/")
    password_step(enrolled, owner)
    post(enrolled, "/accounts/two-factor/passkeys/sign-in/options")
    response = enrolled.post("/accounts/two-factor/passkeys/sign-in", body, content_type="application/json")
    assert response.status_code == 400
    assert enrolled.get("/planning/").status_code == 302
