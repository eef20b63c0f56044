"""The printed recovery key (ADR 010), as a hostile client would try it: only an organisation's
coordinators make or use a team's sheet, only keys they hold go on it, only keys on it come
back, and the server, its journal and its answers never hold the secret or a key."""

from __future__ import annotations

import os

import pytest

from outreach.models import Device, JournalEntry, RecoveryCopy, TeamKey, WrappedTeamKey
from outreach.services.devices import revoke_device
from tests.api.sync_helpers import device_client
from tests.api.test_team_keys import KEYS, b64u, first_key, public_key, wrapped
from tests.factories import CoordinatorFactory, TeamFactory, UserFactory

RECOVERY = "/api/v1/keys/recovery"
RESTORE = "/api/v1/keys/recovery/restore"
pytestmark = pytest.mark.django_db


def copy() -> str:
    return f"rk1.{b64u(os.urandom(16))}.{b64u(os.urandom(12))}.{b64u(os.urandom(48))}"


def coordinator_holding_key_1(team):
    """A coordinator's browser holding the team's first key (made by a worker, shared with it)."""
    worker = UserFactory(team=team)
    phone, _ = device_client(worker)
    first_key(phone, team)
    coordinator = CoordinatorFactory(organisation=team.organisation)
    desk, desk_device = device_client(coordinator, label="Bureau")
    desk.post(KEYS, {"public_key": public_key()}, format="json")
    shared = phone.post(
        KEYS,
        {"wraps": [{"device": str(desk_device.pk), "team": team.pk, "kid": 1, "wrapped": wrapped()}]},
        format="json",
    )
    assert shared.status_code == 200, shared.content
    return desk, desk_device


def test_a_coordinator_makes_the_sheet_and_recovers_the_keys_after_every_device_is_lost():
    team = TeamFactory()
    desk, desk_device = coordinator_holding_key_1(team)
    sheet = {"team": team.pk, "copies": [{"kid": 1, "wrapped": copy()}]}
    made = desk.post(RECOVERY, sheet, format="json")
    assert made.status_code == 200, made.content
    assert made.json()["kids"] == [1] and made.json()["missing"] == []
    state = desk.get(RECOVERY).json()["teams"]
    assert state[0]["copies"] == sheet["copies"]

    # Every device of the team is lost: the keys are no longer kept by anyone.
    coordinator = desk_device.owner
    for device in WrappedTeamKey.objects.filter(team_key__team=team).values_list("device", flat=True):
        revoke_device(actor=coordinator, device=Device.objects.get(pk=device))
    again, new_device = device_client(coordinator, label="Bureau, de nouveau")
    assert again.post(KEYS, {"public_key": public_key()}, format="json").json()["teams"][0]["kept"] == []
    restored = again.post(
        RESTORE, {"team": team.pk, "keys": [{"kid": 1, "wrapped": wrapped()}]}, format="json"
    )
    assert restored.status_code == 200, restored.content
    assert restored.json() == {"restored": 1}
    assert WrappedTeamKey.objects.filter(device=new_device, team_key__kid=1).exists()
    assert again.get(KEYS).json()["teams"][0]["kept"] == [1]

    events = list(JournalEntry.objects.filter(event__in=["team_recovery_made", "team_keys_recovered"]))
    assert sorted(e.event for e in events) == ["team_keys_recovered", "team_recovery_made"]
    for entry in events:
        assert "rk1." not in str(entry.__dict__) and "wk1." not in str(entry.__dict__)


def test_a_key_made_after_the_sheet_shows_it_out_of_date():
    team = TeamFactory()
    desk, _ = coordinator_holding_key_1(team)
    desk.post(RECOVERY, {"team": team.pk, "copies": [{"kid": 1, "wrapped": copy()}]}, format="json")
    TeamKey.objects.filter(team=team).update(retired_at="2026-01-01T00:00Z")
    made = desk.post(KEYS, {"new_keys": [{"team": team.pk, "kid": 2, "wrapped": wrapped()}]}, format="json")
    assert made.status_code == 200, made.content
    assert desk.get(RECOVERY).json()["teams"][0]["missing"] == [2]
    # A new sheet replaces the old one.
    copies = [{"kid": 1, "wrapped": copy()}, {"kid": 2, "wrapped": copy()}]
    assert desk.post(RECOVERY, {"team": team.pk, "copies": copies}, format="json").json()["missing"] == []
    assert RecoveryCopy.objects.filter(team_key__team=team).count() == len(copies)


def test_only_coordinators_of_the_organisation_and_only_keys_they_hold():
    team = TeamFactory()
    desk, _ = coordinator_holding_key_1(team)
    worker, _ = device_client(UserFactory(team=team))
    sheet = {"team": team.pk, "copies": [{"kid": 1, "wrapped": copy()}]}
    for path, body in [
        (RECOVERY, sheet),
        (RESTORE, {"team": team.pk, "keys": [{"kid": 1, "wrapped": wrapped()}]}),
    ]:
        answer = worker.post(path, body, format="json")
        assert answer.status_code == 403 and answer.json()["code"] == "not_coordinator"
    assert worker.get(RECOVERY).status_code == 403

    stranger, _ = device_client(CoordinatorFactory(), label="Ailleurs")
    assert team.pk not in [t["team"] for t in stranger.get(RECOVERY).json()["teams"]]
    assert stranger.post(RECOVERY, sheet, format="json").status_code == 404
    restore = {"team": team.pk, "keys": [{"kid": 1, "wrapped": wrapped()}]}
    assert stranger.post(RESTORE, restore, format="json").status_code == 404

    # A key this browser does not hold cannot go on the sheet; a key not on the sheet cannot come back.
    bad = desk.post(RECOVERY, {"team": team.pk, "copies": [{"kid": 2, "wrapped": copy()}]}, format="json")
    assert bad.status_code == 400 and "copies.0.kid" in str(bad.json())
    assert desk.post(RESTORE, restore, format="json").status_code == 400
    assert not RecoveryCopy.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"team": 1, "copies": []},
        {"team": 1, "copies": [{"kid": 1, "wrapped": "rk1.short"}]},
        {"team": 1, "copies": [{"kid": 1, "wrapped": copy(), "secret": "x"}]},
        {"team": "1", "copies": [{"kid": 1, "wrapped": copy()}]},
        {"team": 1, "copies": [{"kid": 1, "wrapped": wrapped()}]},
        {"team": 1, "copies": [{"kid": 1, "wrapped": copy()}], "recovery_key": "ABCD"},
    ],
)
def test_malformed_sheets_are_refused(body):
    team = TeamFactory()
    desk, _ = coordinator_holding_key_1(team)
    body = {**body, "team": team.pk if body["team"] == 1 else str(team.pk)}
    answer = desk.post(RECOVERY, body, format="json")
    assert answer.status_code == 400, answer.content
    assert not RecoveryCopy.objects.exists()


def test_two_copies_of_one_key_are_refused():
    team = TeamFactory()
    desk, _ = coordinator_holding_key_1(team)
    copies = [{"kid": 1, "wrapped": copy()}, {"kid": 1, "wrapped": copy()}]
    assert desk.post(RECOVERY, {"team": team.pk, "copies": copies}, format="json").status_code == 400
