"""A device's life: signing in again on the same phone replaces it; each push says what the phone
still holds; a replaced token answers 401, never the 410 that would wipe the phone."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from rest_framework.test import APIClient

from outreach.models import Contact, Device, JournalEntry
from outreach.services.devices import revoke_device
from tests.api.sync_helpers import PULL, contact_create, iso, now, push, statuses
from tests.factories import CoordinatorFactory, SessionFactory, UserFactory

ENROL = "/api/v1/devices/enrol"
PASSWORD = "correct horse battery"  # the factories' password
pytestmark = pytest.mark.django_db


def enrol(user, *, install_id=None, label="Téléphone 1", **extra):
    body = {"username": user.username, "password": PASSWORD, "label": label, **extra}
    if install_id is not None:
        body["install_id"] = str(install_id)
    return APIClient().post(ENROL, body, format="json")


def device_of(answer) -> tuple[APIClient, Device]:
    assert answer.status_code == 201, answer.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Device {answer.json()['token']}")
    return client, Device.objects.get(pk=answer.json()["device"]["id"])


def test_signing_in_again_on_the_same_phone_replaces_its_previous_device():
    worker = UserFactory()
    install = uuid.uuid4()
    first_client, first = device_of(enrol(worker, install_id=install))
    statuses(push(first_client, [], device={"outbox": 3, "last_sync_at": None}))

    answer = enrol(worker, install_id=install, label="Téléphone 1 (bis)")
    second_client, second = device_of(answer)

    first.refresh_from_db()
    assert first.replaced_by == second
    assert first.revoked_at is not None and first.revoked_by == worker
    assert list(Device.objects.filter(owner=worker, revoked_at=None)) == [second]
    assert answer.json()["replaced"] == [
        {"id": str(first.pk), "label": "Téléphone 1", "outbox_count": 3, "last_sync_at": None}
    ]
    entry = JournalEntry.objects.get(event="device_revoked")
    assert entry.actor == worker
    assert entry.detail["reason"] == "replaced"
    assert entry.detail["replaced_by"] == str(second.pk)
    assert second_client.get(PULL).status_code == 200


def test_the_replaced_token_answers_401_so_the_phone_keeps_its_data():
    worker = UserFactory()
    install = uuid.uuid4()
    old_client, _ = device_of(enrol(worker, install_id=install))
    device_of(enrol(worker, install_id=install))

    answer = old_client.get(PULL)

    assert answer.status_code == 401
    assert answer.json()["code"] == "device_replaced"


def test_another_install_or_no_install_id_adds_a_device_without_replacing():
    worker = UserFactory()
    device_of(enrol(worker, install_id=uuid.uuid4()))
    device_of(enrol(worker, install_id=uuid.uuid4(), label="Tablette"))
    device_of(enrol(worker, label="Ancienne version de l'app"))

    assert Device.objects.filter(owner=worker, revoked_at=None).count() == 3


def test_an_install_id_can_only_ever_replace_the_same_users_devices():
    """A hostile client sending a colleague's install id revokes nothing of theirs."""
    victim, attacker = UserFactory(), UserFactory()
    install = uuid.uuid4()
    victim_client, victim_device = device_of(enrol(victim, install_id=install))

    device_of(enrol(attacker, install_id=install))

    victim_device.refresh_from_db()
    assert victim_device.revoked_at is None and victim_device.replaced_by is None
    assert victim_client.get(PULL).status_code == 200
    # The digest binds the install to its owner: the same UUID never matches across users.
    digests = set(Device.objects.values_list("install_digest", flat=True))
    assert len(digests) == 2 and str(install) not in "".join(digests)


def test_a_revoked_device_stays_revoked_by_its_coordinator_when_the_phone_signs_in_again():
    worker = UserFactory()
    coordinator = CoordinatorFactory(organisation=worker.organisation)
    install = uuid.uuid4()
    old_client, old = device_of(enrol(worker, install_id=install))
    revoke_device(actor=coordinator, device=old)

    device_of(enrol(worker, install_id=install))

    old.refresh_from_db()
    assert old.revoked_by == coordinator and old.replaced_by is None
    assert old_client.get(PULL).status_code == 410


@pytest.mark.parametrize("install_id", ["not-a-uuid", 12, ["x"], "0" * 300])
def test_a_malformed_install_id_is_a_400_with_the_field_named(install_id):
    worker = UserFactory()

    answer = APIClient().post(
        ENROL,
        {"username": worker.username, "password": PASSWORD, "label": "x", "install_id": install_id},
        format="json",
    )

    assert answer.status_code == 400
    assert "install_id" in answer.json()["errors"]
    assert not Device.objects.exists()


def _session_for(worker):
    return SessionFactory(team=worker.team, planned_start=now() - dt.timedelta(hours=2))


def test_each_push_records_what_the_phone_still_holds_once_answered():
    worker = UserFactory()
    client, device = device_of(enrol(worker, install_id=uuid.uuid4()))
    session = _session_for(worker)
    good = [contact_create(session) for _ in range(3)]
    bad = contact_create(session, age_band="teen")
    last_sync = now() - dt.timedelta(hours=5)

    # 4 operations sent out of 10 in the outbox: 3 acknowledged, 1 refused (it stays on the phone).
    answer = push(client, [*good, bad], device={"outbox": 10, "last_sync_at": iso(last_sync)})

    assert statuses(answer) == ["created", "created", "created", "rejected"]
    device.refresh_from_db()
    assert device.outbox_count == 7
    assert device.last_sync_at == last_sync
    assert device.state_reported_at is not None


def test_a_replayed_push_counts_its_duplicates_as_delivered():
    worker = UserFactory()
    client, device = device_of(enrol(worker))
    batch = [contact_create(_session_for(worker))]
    push(client, batch, device={"outbox": 1, "last_sync_at": None})

    push(client, batch, device={"outbox": 1, "last_sync_at": None})

    device.refresh_from_db()
    assert device.outbox_count == 0


def test_the_phones_last_sync_is_corrected_by_its_clock_offset():
    worker = UserFactory()
    client, device = device_of(enrol(worker))
    ahead = dt.timedelta(days=2)
    real_last_sync = now() - dt.timedelta(hours=1)

    push(
        client,
        [],
        sent_at=iso(now() + ahead),
        device={"outbox": 0, "last_sync_at": iso(real_last_sync + ahead)},
    )

    device.refresh_from_db()
    assert abs(device.last_sync_at - real_last_sync) < dt.timedelta(seconds=30)


def test_a_push_without_device_state_changes_nothing_recorded():
    worker = UserFactory()
    client, device = device_of(enrol(worker))
    push(client, [], device={"outbox": 4, "last_sync_at": None})

    statuses(push(client, []))

    device.refresh_from_db()
    assert device.outbox_count == 4


@pytest.mark.parametrize(
    ("state", "field"),
    [
        ({"outbox": "12", "last_sync_at": None}, "device.outbox"),
        ({"outbox": -1, "last_sync_at": None}, "device.outbox"),
        ({"outbox": 1.5, "last_sync_at": None}, "device.outbox"),
        ({"outbox": True, "last_sync_at": None}, "device.outbox"),
        ({"last_sync_at": None}, "device.outbox"),
        ({"outbox": 1, "last_sync_at": "yesterday"}, "device.last_sync_at"),
        ({"outbox": 1, "last_sync_at": "1900-01-01T00:00:00Z"}, "device.last_sync_at"),
        ("full", "device.non_field_errors"),
    ],
)
def test_a_malformed_device_state_refuses_the_batch_with_the_field_named(state, field):
    worker = UserFactory()
    client, device = device_of(enrol(worker))
    batch = [contact_create(_session_for(worker))]

    answer = push(client, batch, device=state)

    assert answer.status_code == 400, answer.content
    assert answer.json()["code"] == "invalid"
    assert field in answer.json()["errors"]
    device.refresh_from_db()
    assert device.outbox_count is None
    assert not Contact.objects.exists()


def test_signing_in_tells_of_records_still_waiting_on_the_users_other_phones():
    worker = UserFactory()
    other_client, _other = device_of(enrol(worker, install_id=uuid.uuid4(), label="Téléphone perdu"))
    push(other_client, [], device={"outbox": 6, "last_sync_at": None})
    device_of(enrol(worker, install_id=uuid.uuid4(), label="Tablette à jour"))

    answer = enrol(worker, install_id=uuid.uuid4(), label="Nouveau téléphone")

    assert answer.status_code == 201
    assert answer.json()["replaced"] == []
    assert [(d["label"], d["outbox_count"]) for d in answer.json()["unsent_elsewhere"]] == [
        ("Téléphone perdu", 6)
    ]
