"""Team keys (ADR 010): the server moves wrapped keys between a team's devices, never reads one,
and refuses plain notes and codes once the team has a key."""

from __future__ import annotations

import base64
import os

import pytest

from outreach.models import JournalEntry, Team, TeamKey, WrappedTeamKey
from outreach.services.devices import revoke_device
from tests.api.sync_helpers import contact_create, device_client, now, push, statuses
from tests.factories import CoordinatorFactory, SessionFactory, TeamFactory, UserFactory

KEYS = "/api/v1/keys"
LEGACY = "/api/v1/keys/legacy"
pytestmark = pytest.mark.django_db


def b64u(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def public_key() -> str:
    return b64u(b"\x04" + os.urandom(64))


def wrapped() -> str:
    return f"wk1.{public_key()}.{b64u(os.urandom(12))}.{b64u(os.urandom(48))}"


def envelope(kid: int = 1, size: int = 40) -> str:
    return f"enc1.{kid}.{b64u(os.urandom(12))}.{b64u(os.urandom(size))}"


def pseudonym() -> str:
    return f"pc1.{b64u(os.urandom(32))}"


def first_key(client, team):
    """The team's first key, made by this device (public key published in the same request)."""
    answer = client.post(
        KEYS,
        {"public_key": public_key(), "new_keys": [{"team": team.pk, "kid": 1, "wrapped": wrapped()}]},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    return answer.json()


def test_first_device_makes_the_key_and_a_teammate_waits_until_it_is_shared():
    worker = UserFactory()
    mate = UserFactory(team=worker.team)
    phone, _device = device_client(worker)
    other, other_device = device_client(mate)
    assert other.get(KEYS).json()["teams"] == [
        {
            "team": worker.team_id,
            "current_kid": None,
            "pseudonym_kid": None,
            "kids": [],
            "kept": [],
            "keys": [],
        }
    ]

    state = first_key(phone, worker.team)
    assert state["teams"][0]["current_kid"] == 1
    assert state["teams"][0]["keys"][0]["kid"] == 1
    assert Team.objects.get(pk=worker.team_id).sealed_since is not None

    # The teammate publishes its public key and waits; the first phone sees it waiting.
    mine = public_key()
    assert other.post(KEYS, {"public_key": mine}, format="json").json()["teams"][0]["keys"] == []
    waiting = phone.get(KEYS).json()["waiting"]
    assert waiting == [{"device": str(other_device.pk), "team": worker.team_id, "kid": 1, "public_key": mine}]
    # Another device may not make a second key while one is in use.
    refused = other.post(
        KEYS, {"new_keys": [{"team": worker.team_id, "kid": 2, "wrapped": wrapped()}]}, format="json"
    )
    assert refused.status_code == 409

    blob = wrapped()
    shared = phone.post(
        KEYS,
        {"wraps": [{"device": str(other_device.pk), "team": worker.team_id, "kid": 1, "wrapped": blob}]},
        format="json",
    )
    assert shared.status_code == 200, shared.content
    assert shared.json()["waiting"] == []
    assert other.get(KEYS).json()["teams"][0]["keys"] == [{"kid": 1, "wrapped": blob}]
    events = list(JournalEntry.objects.filter(event__startswith="team_key").values_list("event", flat=True))
    assert sorted(events) == ["team_key_created", "team_key_shared"]
    assert blob not in str(list(JournalEntry.objects.values_list("detail", flat=True)))


def test_keys_never_go_to_another_team_or_organisation():
    worker = UserFactory()
    phone, _ = device_client(worker)
    first_key(phone, worker.team)
    stranger = UserFactory()  # another organisation
    neighbour = UserFactory(team=TeamFactory(organisation=worker.team.organisation))  # another team
    for user in (stranger, neighbour):
        client, device = device_client(user)
        client.post(KEYS, {"public_key": public_key()}, format="json")
        wrap = {"device": str(device.pk), "team": worker.team_id, "kid": 1, "wrapped": wrapped()}
        answer = phone.post(KEYS, {"wraps": [wrap]}, format="json")
        assert answer.status_code == 400
        assert "wraps.0.device" in answer.json()["errors"]
        # Nor can they make or read keys for a team that is not theirs.
        made = client.post(
            KEYS, {"new_keys": [{"team": worker.team_id, "kid": 2, "wrapped": wrapped()}]}, format="json"
        )
        assert made.status_code == 400
        assert worker.team_id not in [t["team"] for t in client.get(KEYS).json()["teams"]]
    assert WrappedTeamKey.objects.count() == 1


def test_the_coordinator_browser_waits_for_every_team_of_the_organisation():
    worker = UserFactory()
    coordinator = CoordinatorFactory(organisation=worker.team.organisation)
    phone, _ = device_client(worker)
    first_key(phone, worker.team)
    desk, desk_device = device_client(coordinator)
    desk.post(KEYS, {"public_key": public_key()}, format="json")
    assert [w["device"] for w in phone.get(KEYS).json()["waiting"]] == [str(desk_device.pk)]


def test_strict_shapes():
    worker = UserFactory()
    phone, _ = device_client(worker)
    for body in (
        {"public_key": "A" * 87},  # not an uncompressed point
        {"public_key": public_key(), "extra": 1},
        {"new_keys": [{"team": worker.team_id, "kid": 1, "wrapped": "wk1.short"}]},
        {"wraps": [{"device": "not-a-uuid", "team": 1, "kid": 1, "wrapped": wrapped()}]},
    ):
        assert phone.post(KEYS, body, format="json").status_code == 400, body
    # A device's public key never changes (a new sign-in makes a new device).
    assert phone.post(KEYS, {"public_key": public_key()}, format="json").status_code == 200
    assert phone.post(KEYS, {"public_key": public_key()}, format="json").status_code == 400


def test_revoking_a_device_retires_the_key_and_the_next_key_skips_it():
    worker = UserFactory()
    mate = UserFactory(team=worker.team)
    coordinator = CoordinatorFactory(organisation=worker.team.organisation)
    phone, _device = device_client(worker)
    lost, lost_device = device_client(mate)
    first_key(phone, worker.team)
    lost.post(KEYS, {"public_key": public_key()}, format="json")
    phone.post(
        KEYS,
        {"wraps": [{"device": str(lost_device.pk), "team": worker.team_id, "kid": 1, "wrapped": wrapped()}]},
        format="json",
    )

    revoke_device(actor=coordinator, device=lost_device)
    state = phone.get(KEYS).json()["teams"][0]
    assert state["current_kid"] is None and state["kids"] == [1]
    made = phone.post(
        KEYS, {"new_keys": [{"team": worker.team_id, "kid": 2, "wrapped": wrapped()}]}, format="json"
    )
    assert made.status_code == 200, made.content
    assert made.json()["teams"][0]["current_kid"] == 2
    # The revoked phone is nobody's to wrap for any more.
    assert made.json()["waiting"] == []
    assert not WrappedTeamKey.objects.filter(device=lost_device, team_key__kid=2).exists()


def test_a_member_leaving_retires_the_key():
    worker = UserFactory()
    mate = UserFactory(team=worker.team)
    phone, _ = device_client(worker)
    first_key(phone, worker.team)
    mate.team = TeamFactory(organisation=worker.team.organisation)
    mate.save()
    assert TeamKey.objects.get(team=worker.team).retired_at is not None


def test_a_sealed_team_refuses_plain_notes_and_codes_and_keeps_the_sealed_ones():
    worker = UserFactory()
    session = SessionFactory(team=worker.team, status="under_way", started_at=now())
    phone, _ = device_client(worker)
    # Before the team's first key: plain text, checked for identifiers as before.
    assert statuses(
        push(phone, [contact_create(session, note="Revue près de la gare", person_code="LUNE-7")])
    ) == ["created"]
    first_key(phone, worker.team)
    plain = push(phone, [contact_create(session, note="Revue près de la gare", person_code="LUNE-7")]).json()[
        "results"
    ][0]
    assert plain["status"] == "rejected" and set(plain["errors"]) == {"note", "person_code"}
    note, code = envelope(size=300), pseudonym()
    assert statuses(push(phone, [contact_create(session, note=note, person_code=code)])) == ["created"]
    contact = session.contacts.get(note=note)
    assert contact.person_code == code
    # A malformed envelope is refused, even before the team's key.
    bad = push(phone, [contact_create(session, note="enc1.1.short.x")]).json()["results"][0]
    assert bad["status"] == "rejected" and "note" in bad["errors"]
    # The debrief too.
    end = {
        "op": "session.update",
        "uuid": str(session.uuid),
        "base_version": session.version,
        "client_updated_at": now().isoformat(),
        "data": {"debrief_notes": "Calme"},
    }
    assert push(phone, [end]).json()["results"][0]["status"] == "rejected"
    end["data"]["debrief_notes"] = envelope(size=900)
    assert statuses(push(phone, [end])) == ["updated"]


def test_when_every_holder_is_gone_a_new_device_starts_a_new_key():
    """A team's only phone lost (forgotten PIN, wiped): its new sign-in is not stuck waiting."""
    worker = UserFactory()
    phone, device = device_client(worker)
    first_key(phone, worker.team)
    revoke_device(actor=worker, device=device)
    fresh, _ = device_client(worker)
    state = fresh.post(KEYS, {"public_key": public_key()}, format="json").json()["teams"][0]
    assert state["current_kid"] is None and state["pseudonym_kid"] == 1
    made = fresh.post(
        KEYS, {"new_keys": [{"team": worker.team_id, "kid": 2, "wrapped": wrapped()}]}, format="json"
    )
    assert made.status_code == 200, made.content
    assert made.json()["teams"][0]["current_kid"] == 2
    assert made.json()["teams"][0]["pseudonym_kid"] == 2  # the first key is lost with its last holder


def test_a_device_signed_in_again_may_store_a_copy_of_the_keys_it_kept():
    worker = UserFactory()
    phone, device = device_client(worker)
    first_key(phone, worker.team)
    again, again_device = device_client(worker)
    again.post(KEYS, {"public_key": public_key()}, format="json")
    mine = {"device": str(again_device.pk), "team": worker.team_id, "kid": 1, "wrapped": wrapped()}
    assert again.post(KEYS, {"wraps": [mine]}, format="json").status_code == 200
    other = {**mine, "device": str(device.pk)}  # but not for another device: it holds no copy
    other_phone, _ = device_client(UserFactory(team=worker.team))
    assert other_phone.post(KEYS, {"wraps": [other]}, format="json").status_code == 400


def test_notes_and_codes_typed_before_the_key_are_converted_by_a_device_holding_it(
    django_capture_on_commit_callbacks,
):
    from outreach.models import PersonRollup

    worker = UserFactory()
    session = SessionFactory(team=worker.team, status="under_way", started_at=now())
    phone, _ = device_client(worker)
    push(phone, [contact_create(session, note="Revue près de la gare", person_code="LUNE-7")])
    push(phone, [contact_create(session, person_code="LUNE-7")])
    contact = session.contacts.get(note="Revue près de la gare")
    assert phone.get(LEGACY).json() == {"contacts": [], "sessions": []}  # no key: nothing to do
    first_key(phone, worker.team)
    todo = phone.get(LEGACY).json()["contacts"]
    assert {(c["note"], c["person_code"]) for c in todo} == {
        ("Revue près de la gare", "LUNE-7"),
        ("", "LUNE-7"),
    }

    code = pseudonym()
    sealed = [{"uuid": c["uuid"], "person_code": code} for c in todo]
    sealed[[c["uuid"] for c in todo].index(str(contact.uuid))]["note"] = envelope()
    with django_capture_on_commit_callbacks(execute=True):  # the roll-ups refresh after commit
        answer = phone.post(LEGACY, {"contacts": sealed}, format="json")
    assert answer.json() == {"converted": 2}
    assert phone.get(LEGACY).json() == {"contacts": [], "sessions": []}
    contact.refresh_from_db()
    assert contact.note.startswith("enc1.") and contact.person_code == code
    # Distinct persons recounted with the pseudonym: still one person.
    assert set(PersonRollup.objects.values_list("person_code", flat=True)) == {code}
    # One-way: a sealed value is never replaced again, and another team's device cannot.
    again = phone.post(LEGACY, {"contacts": [{"uuid": str(contact.uuid), "note": envelope()}]}, format="json")
    assert again.status_code == 400
    stranger, _ = device_client(UserFactory())
    other = stranger.post(
        LEGACY, {"contacts": [{"uuid": str(contact.uuid), "note": envelope()}]}, format="json"
    )
    assert other.status_code == 400
    assert JournalEntry.objects.filter(event="legacy_notes_sealed").count() == 1
