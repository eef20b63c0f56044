"""Password recovery: self-service by e-mail without account enumeration, and a coordinator's
one-time reset for a worker (the night-time case). Phones keep their data and sign in again."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.test import Client

from outreach.models import Device, JournalEntry
from outreach.services.devices import enrol_device
from tests.factories import (
    AdminFactory,
    CoordinatorFactory,
    FunderUserFactory,
    TeamFactory,
    UserFactory,
    sign_in,
)

pytestmark = pytest.mark.django_db
OLD, NEW = "correct horse battery", "Nuit-de-maraude-2026!"


def ask_reset(client: Client, email: str):
    return client.post("/accounts/password/reset/", {"email": email})


def reset_link(body: str) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", body).group(1)


def set_new_password(client: Client, path: str, password: str = NEW):
    form = client.get(path)
    assert form.status_code == 302  # the token leaves the address bar first
    return client.post(form["Location"], {"new_password1": password, "new_password2": password})


def test_self_service_reset_answers_the_same_for_every_address_and_mails_only_staff():
    funder = FunderUserFactory(email="agent@nord.gouv.fr")
    UserFactory(email="worker@asso.fr")  # workers recover through their coordinator
    pages = {}
    for email in ["Agent@Nord.gouv.fr", "nobody@nowhere.fr", "worker@asso.fr"]:
        response = ask_reset(Client(), email)
        assert response.status_code == 200
        pages[email] = re.sub(r'value="[A-Za-z0-9]{64}"', "", response.content.decode())
    assert len(set(pages.values())) == 1
    assert [m.to for m in mail.outbox] == [["agent@nord.gouv.fr"]]
    assert mail.outbox[0].subject == "Réinitialiser votre mot de passe Maraude"
    requested = JournalEntry.objects.filter(event="password_reset_requested").order_by("id")
    assert [e.target for e in requested] == [funder.username, "-", "-"]
    assert not any("nobody@nowhere.fr" in str(e.detail) + e.target for e in requested)


def test_the_reset_link_sets_a_password_once_and_signs_out_other_sessions():
    coordinator = CoordinatorFactory(email="cheffe@asso.fr")
    elsewhere = sign_in(Client(), coordinator)
    assert elsewhere.get("/planning/").status_code == 200
    ask_reset(Client(), "cheffe@asso.fr")
    path = reset_link(mail.outbox[0].body)

    done = set_new_password(Client(), path)

    assert done.status_code == 200 and "Mot de passe changé" in done.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.check_password(NEW)
    assert elsewhere.get("/planning/").status_code == 302
    assert Client().get(path).status_code == 404  # used
    assert JournalEntry.objects.get(event="password_reset_done").actor == coordinator


def test_reset_requests_are_throttled_silently(settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    FunderUserFactory(email="agent@nord.gouv.fr")
    for _ in range(4):
        assert ask_reset(Client(), "agent@nord.gouv.fr").status_code == 200
    assert len(mail.outbox) == 2


def test_an_expired_reset_link_is_refused(monkeypatch):
    coordinator = CoordinatorFactory(email="cheffe@asso.fr")
    ask_reset(Client(), "cheffe@asso.fr")
    path = reset_link(mail.outbox[0].body)
    later = PasswordResetTokenGenerator._now
    monkeypatch.setattr(
        PasswordResetTokenGenerator,
        "_now",
        lambda self: later(self) + __import__("datetime").timedelta(hours=2),
    )
    assert Client().get(path).status_code == 404
    coordinator.refresh_from_db()
    assert coordinator.check_password(OLD)


def test_a_coordinator_issues_a_one_time_reset_and_the_phone_signs_in_again_keeping_its_data():
    team = TeamFactory()
    worker = UserFactory(team=team)
    device, token = enrol_device(user=worker, label="Téléphone Nord 2")
    coordinator = sign_in(Client(), CoordinatorFactory(organisation=team.organisation))
    page = coordinator.get("/accounts/team/").content.decode()
    assert f"Réinitialisation à usage unique pour {worker.username}" in page

    handover = coordinator.post(f"/accounts/team/{worker.pk}/reset-password/")

    assert handover.status_code == 200
    path = re.search(
        r'value="https?://[^/]+(/accounts/password/reset/[^"]+)"', handover.content.decode()
    ).group(1)
    issued = JournalEntry.objects.get(event="password_reset_issued")
    assert issued.target == worker.username and issued.actor.role == "coordinator"

    done = set_new_password(Client(), path)
    assert "Vos saisies restent sur le téléphone" in done.content.decode()

    # The phone's token now answers 401 "sign in again" — not 410, which would wipe its data.
    pull = Client().get("/api/v1/sync/pull", HTTP_AUTHORIZATION=f"Device {token}")
    assert pull.status_code == 401 and pull.json()["code"] == "signed_out"
    device.refresh_from_db()
    assert device.signed_out_at is not None and device.revoked_at is None
    again = Client().post(
        "/api/v1/devices/enrol",
        json.dumps({"username": worker.username, "password": NEW, "label": "Téléphone Nord 2"}),
        content_type="application/json",
    )
    assert again.status_code == 201
    assert (
        Client().get("/api/v1/sync/pull", HTTP_AUTHORIZATION=f"Device {again.json()['token']}").status_code
        == 200
    )
    assert JournalEntry.objects.get(event="password_reset_done").detail == {"phones_signed_out": 1}


def test_a_coordinator_resets_only_workers_of_their_organisation():
    coordinator = CoordinatorFactory()
    colleague = CoordinatorFactory(organisation=coordinator.organisation)
    stranger = UserFactory()
    client = sign_in(Client(), coordinator)
    for target in (colleague, stranger, coordinator):
        assert client.post(f"/accounts/team/{target.pk}/reset-password/").status_code == 404
    assert client.get(f"/accounts/team/{stranger.pk}/reset-password/").status_code == 405
    worker_client = sign_in(Client(), UserFactory(team=TeamFactory(organisation=coordinator.organisation)))
    assert worker_client.get("/accounts/team/").status_code == 403
    assert not JournalEntry.objects.filter(event="password_reset_issued").exists()


def test_an_administrator_issues_a_reset_link_from_the_admin():
    admin = sign_in(Client(), AdminFactory())
    funder = FunderUserFactory()

    response = admin.post(
        "/admin/outreach/user/",
        {"action": "issue_password_reset", "_selected_action": [funder.pk]},
        follow=True,
    )

    assert "/accounts/password/reset/" in response.content.decode()
    assert JournalEntry.objects.get(event="password_reset_issued").target == funder.username


def test_the_reset_page_in_english(client):
    client.cookies["django_language"] = "en"
    page = client.get("/accounts/password/reset/").content.decode()
    assert "Forgot your password?" in page and "ask your coordinator" in page


def test_the_devices_of_other_accounts_are_not_signed_out():
    worker, other = UserFactory(), UserFactory()
    enrol_device(user=other, label="x")
    ask_reset(Client(), "none@example.org")
    from outreach.services import passwords

    passwords.complete_reset(user=worker, password=NEW)
    assert Device.objects.get(owner=other).signed_out_at is None
