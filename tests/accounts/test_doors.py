"""One sign-in rule on every door: the same lockout, the same journal, the same answers.

Doors: /login/, /admin/login/, the phone's enrolment (/api/v1/devices/enrol), the second-factor
step, ProConnect (tests/accounts/test_proconnect.py) and invitation/reset links (by address).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from outreach.models import JournalEntry
from tests.factories import AdminFactory, CoordinatorFactory, UserFactory, authenticator

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"
LIMIT = 3


@dataclass
class Door:
    name: str
    attempt: Callable[[Client, str, str], object]
    accepted: Callable[[Client, object], bool]
    refusal: Callable[[object], str]


def _form(path):
    def attempt(client, username, password):
        return client.post(path, {"username": username, "password": password})

    return attempt


def _enrol(client, username, password):
    return client.post(
        "/api/v1/devices/enrol",
        json.dumps({"username": username, "password": password, "label": "Téléphone"}),
        content_type="application/json",
    )


DOORS = [
    Door(
        "web",
        _form("/login/"),
        lambda client, response: response.status_code == 302 and "_auth_user_id" in client.session,
        lambda response: response.content.decode(),
    ),
    Door(
        "admin",
        _form("/admin/login/"),
        lambda client, response: response.status_code == 302 and "_auth_user_id" in client.session,
        lambda response: response.content.decode(),
    ),
    Door(
        "device",
        _enrol,
        lambda client, response: response.status_code == 201,
        lambda response: json.dumps(response.json(), ensure_ascii=False),
    ),
]


def _same(page: str, username: str) -> str:
    """The answer with what legitimately differs taken out: the name typed, the CSRF token."""
    return re.sub(r'value="[A-Za-z0-9]{64}"', "", page.replace(username, "X"))


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.LOGIN_FAILURE_LIMIT = LIMIT


@pytest.mark.parametrize("door", DOORS, ids=lambda d: d.name)
def test_every_door_locks_an_account_after_the_same_failures_even_with_the_right_password(client, door):
    worker = UserFactory()
    for _ in range(LIMIT):
        assert not door.accepted(client, door.attempt(client, worker.username, "guess"))

    response = door.attempt(client, worker.username, PASSWORD)

    assert not door.accepted(client, response)
    assert "Trop de tentatives" in door.refusal(response)
    failed = JournalEntry.objects.filter(event="login_failed", actor_username=worker.username)
    assert [e.detail for e in failed] == [{"door": door.name, "reason": "password"}] * LIMIT
    assert JournalEntry.objects.get(event="login_locked").detail == {"door": door.name}


@pytest.mark.parametrize("door", DOORS, ids=lambda d: d.name)
def test_every_door_answers_the_same_for_an_unknown_account(client, door):
    worker = UserFactory()
    known = door.attempt(Client(), worker.username, "guess")
    unknown = door.attempt(Client(), "nobody-here", "guess")

    assert known.status_code == unknown.status_code
    assert _same(door.refusal(known), worker.username) == _same(door.refusal(unknown), "nobody-here")
    # An unknown name is locked too, so locking says nothing about existence.
    for _ in range(LIMIT):
        door.attempt(client, "nobody-here", "guess")
    assert "Trop de tentatives" in door.refusal(door.attempt(client, "nobody-here", "guess"))


def test_the_admin_door_is_locked_after_eight_wrong_passwords(client, settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    admin = AdminFactory()
    for _ in range(8):
        client.post("/admin/login/", {"username": admin.username, "password": "guess"})

    response = client.post("/admin/login/", {"username": admin.username, "password": PASSWORD})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
    assert JournalEntry.objects.filter(event="login_locked", detail__door="admin").exists()


def test_failures_on_one_door_lock_the_others(client):
    coordinator = CoordinatorFactory()
    for _ in range(LIMIT):
        client.post("/login/", {"username": coordinator.username, "password": "guess"})

    assert _enrol(Client(), coordinator.username, PASSWORD).status_code == 429
    response = Client().post("/admin/login/", {"username": coordinator.username, "password": PASSWORD})
    assert "Trop de tentatives" in response.content.decode()


def test_an_address_spraying_many_accounts_is_locked(client):
    workers = [UserFactory() for _ in range(LIMIT * 4)]
    for worker in workers:
        client.post("/login/", {"username": worker.username, "password": "guess"})
    fresh = UserFactory()

    response = client.post("/login/", {"username": fresh.username, "password": PASSWORD})

    assert "_auth_user_id" not in client.session
    assert "Trop de tentatives" in response.content.decode()
    # Another address is not affected.
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert other.post("/login/", {"username": fresh.username, "password": PASSWORD}).status_code == 302


def test_wrong_second_factor_codes_count_in_the_same_lock(client):
    coordinator = CoordinatorFactory()
    authenticator(coordinator)
    client.post("/login/", {"username": coordinator.username, "password": PASSWORD})
    for _ in range(LIMIT):
        response = client.post("/accounts/two-factor/", {"code": "000000"})
        assert "Ce code n’est pas valide" in response.content.decode()

    from tests.factories import totp_code

    response = client.post("/accounts/two-factor/", {"code": totp_code(authenticator(coordinator))})

    assert "Trop de tentatives" in response.content.decode()
    assert client.get("/planning/").status_code == 302
    events = list(JournalEntry.objects.order_by("id").values_list("event", flat=True))
    assert events == ["password_ok", *["second_factor_failed"] * LIMIT, "login_locked"]
    # ...and the password door is locked for that account as well.
    again = Client().post("/login/", {"username": coordinator.username, "password": PASSWORD})
    assert "Trop de tentatives" in again.content.decode()


def test_bad_links_lock_the_address(client):
    for n in range(LIMIT * 4):
        assert client.get(f"/accounts/invitation/not-a-token-{n}/").status_code == 404
    assert client.get("/accounts/invitation/another/").status_code == 429
    assert client.get("/accounts/password/reset/MQ/set-password/").status_code == 429
    assert JournalEntry.objects.filter(event="login_failed", detail__reason="bad_link").count() == LIMIT * 4


def test_a_success_resets_the_account_count(client):
    worker = UserFactory()
    for _ in range(LIMIT - 1):
        client.post("/login/", {"username": worker.username, "password": "guess"})
    assert client.post("/login/", {"username": worker.username, "password": PASSWORD}).status_code == 302
    client.post("/logout/")
    for _ in range(LIMIT - 1):
        client.post("/login/", {"username": worker.username, "password": "guess"})
    assert client.post("/login/", {"username": worker.username, "password": PASSWORD}).status_code == 302
