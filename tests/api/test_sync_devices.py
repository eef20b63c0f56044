"""Enrolment, device tokens, revocation."""

from __future__ import annotations

import hashlib

import pytest
from rest_framework.test import APIClient

from outreach.models import Device, JournalEntry
from tests.api.sync_helpers import PULL, PUSH, device_client, push
from tests.factories import CoordinatorFactory, FunderUserFactory, TeamFactory, UserFactory, sign_in

ENROL = "/api/v1/devices/enrol"
pytestmark = pytest.mark.django_db


PASSWORD = "correct horse battery"  # the factories' password


def enrol(username, password=PASSWORD, label="Téléphone 1"):
    return APIClient().post(
        ENROL, {"username": username, "password": password, "label": label}, format="json"
    )


def test_enrol_returns_a_token_the_server_keeps_only_as_its_digest():
    worker = UserFactory()
    response = enrol(worker.username)
    assert response.status_code == 201, response.content
    body = response.json()
    device = Device.objects.get(pk=body["device"]["id"])
    assert device.owner == worker
    assert device.token_hash == hashlib.sha256(body["token"].encode()).hexdigest()
    assert body["token"] not in device.token_hash
    assert body["user"] == {
        "username": worker.username,
        "role": "worker",
        "team": {"id": worker.team_id, "name": worker.team.name},
        "language": "",
    }
    assert body["edit_window_hours"] == 72
    assert JournalEntry.objects.filter(event="device_enrolled", actor=worker).exists()
    assert JournalEntry.objects.filter(event="login", actor=worker).exists()


def test_enrol_tells_the_team_edit_window():
    worker = UserFactory(team=TeamFactory(edit_window_hours=24))
    assert enrol(worker.username).json()["edit_window_hours"] == 24


def test_the_token_authenticates_push_and_pull():
    worker = UserFactory()
    token = enrol(worker.username).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Device {token}")
    assert client.get(PULL).status_code == 200
    assert client.post(PUSH, {"operations": []}, format="json").status_code == 200
    assert Device.objects.get(owner=worker).last_seen_at is not None


def test_wrong_password_is_401_and_audited():
    worker = UserFactory()
    response = enrol(worker.username, password="nope")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    assert JournalEntry.objects.filter(event="login_failed", actor_username=worker.username).exists()
    assert not Device.objects.exists()


def test_sign_in_is_locked_after_repeated_failures_even_with_the_right_password(settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    worker = UserFactory()
    enrol(worker.username, password="bad")
    enrol(worker.username, password="bad")
    response = enrol(worker.username)
    assert response.status_code == 429
    assert response.json()["code"] == "login_locked"


def test_funders_cannot_enrol_a_phone():
    funder = FunderUserFactory()
    response = enrol(funder.username)
    assert response.status_code == 403
    assert response.json()["code"] == "role_not_allowed"


def test_missing_enrol_fields_are_a_400_naming_them():
    response = APIClient().post(ENROL, {"username": "x"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"password", "label"}


def test_unknown_token_is_401_invalid_token():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Device not-a-real-token")
    response = client.get(PULL)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"
    assert response["WWW-Authenticate"] == "Device"


def test_no_token_is_401_not_authenticated():
    response = APIClient().get(PULL)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_revoked_device_is_told_to_wipe_its_data_on_push_and_pull():
    worker = UserFactory()
    client, device = device_client(worker)
    coordinator = CoordinatorFactory(organisation=worker.organisation)
    web = APIClient()
    sign_in(web, coordinator)
    response = web.post(f"/api/v1/devices/{device.pk}/revoke")
    assert response.status_code == 200
    assert response.json()["revoked_at"]
    for answer in (client.get(PULL), push(client, [])):
        assert answer.status_code == 410
        assert answer.json() == {
            "code": "device_revoked",
            "wipe": True,
            "detail": answer.json()["detail"],
        }
    entry = JournalEntry.objects.get(event="device_revoked")
    assert entry.actor == coordinator
    assert entry.target == str(device.pk)


def test_a_deactivated_account_revokes_its_devices():
    worker = UserFactory()
    client, _device = device_client(worker)
    worker.is_active = False
    worker.save()
    assert client.get(PULL).status_code == 410


def test_coordinators_list_only_their_organisations_devices():
    worker = UserFactory()
    _, mine = device_client(worker)
    _, other = device_client(UserFactory())
    coordinator = CoordinatorFactory(organisation=worker.organisation)
    web = APIClient()
    sign_in(web, coordinator)
    listed = web.get("/api/v1/devices/").json()
    assert [d["id"] for d in listed] == [str(mine.pk)]
    assert listed[0]["owner"] == {"username": worker.username}
    assert web.post(f"/api/v1/devices/{other.pk}/revoke").status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_workers_cannot_manage_devices():
    worker = UserFactory()
    _, device = device_client(worker)
    web = APIClient()
    sign_in(web, worker)
    assert web.get("/api/v1/devices/").status_code == 403
    assert web.post(f"/api/v1/devices/{device.pk}/revoke").status_code == 403
