"""Push: sessions started, debriefed and ended from the field; their conflicts and scope."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from outreach.models import OutreachSession
from tests.api.sync_helpers import (
    contact_create,
    device_client,
    iso,
    now,
    push,
    statuses,
)
from tests.factories import (
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_sessions_start_update_and_end_from_the_field(field):
    worker, _session, client = field
    planned = SessionFactory(team=worker.team)
    start = {
        "op": "session.start",
        "uuid": str(planned.uuid),
        "client_updated_at": iso(now() - dt.timedelta(minutes=30)),
        "data": {"started_at": iso(now() - dt.timedelta(minutes=30))},
    }
    update = {
        "op": "session.update",
        "uuid": str(planned.uuid),
        "base_version": 1,
        "client_updated_at": iso(now() - dt.timedelta(minutes=5)),
        "data": {
            "young_people_seen": 6,
            "atmosphere": "tense",
            "tallies": [{"age_band": "15_17", "gender": "girl", "count": 4}],
        },
    }
    end = {
        "op": "session.end",
        "uuid": str(planned.uuid),
        "client_updated_at": iso(now()),
        "data": {"ended_at": iso(now()), "police_present": "yes"},
    }
    response = push(client, [start, contact_create(planned), update, end])
    assert statuses(response) == ["updated", "created", "updated", "updated"]
    planned.refresh_from_db()
    assert planned.status == "done"
    assert planned.version == 3  # starting does not count as a change of content
    assert planned.young_people_seen == 6
    assert planned.police_present == "yes"
    assert list(planned.tallies.values_list("count", flat=True)) == [4]
    assert worker in planned.members.all()
    again = push(client, [start, update, end])
    assert statuses(again) == ["duplicate", "duplicate", "duplicate"]
    planned.refresh_from_db()
    assert planned.version == 3


def test_an_unplanned_session_is_created_in_the_teams_territory(field):
    worker, session, client = field
    started = now() - dt.timedelta(minutes=20)
    new_uuid = str(uuid.uuid4())
    start = {
        "op": "session.start",
        "uuid": new_uuid,
        "client_updated_at": iso(started),
        "data": {"kind": "street", "territory": session.territory_id, "started_at": iso(started)},
    }
    contact = contact_create(OutreachSession(uuid=new_uuid))
    assert statuses(push(client, [start, contact])) == ["created", "created"]
    created = OutreachSession.objects.get(uuid=new_uuid)
    assert (created.team, created.status, created.created_by) == (worker.team, "under_way", worker)
    assert statuses(push(client, [start])) == ["duplicate"]


def test_an_unplanned_session_outside_the_teams_territories_is_rejected(field):
    _worker, _session, client = field
    from tests.factories import departement

    start = {
        "op": "session.start",
        "uuid": str(uuid.uuid4()),
        "client_updated_at": iso(now()),
        "data": {"kind": "street", "territory": departement("13").pk},
    }
    result = push(client, [start]).json()["results"][0]
    assert result["status"] == "rejected"
    assert "territory" in result["errors"]


def test_another_teams_session_cannot_be_started_or_ended(field):
    _worker, _session, client = field
    other = SessionFactory()
    ops = [
        {"op": "session.start", "uuid": str(other.uuid), "client_updated_at": iso(now()), "data": {}},
        {
            "op": "session.end",
            "uuid": str(other.uuid),
            "client_updated_at": iso(now()),
            "data": {"ended_at": iso(now())},
        },
    ]
    results = push(client, ops).json()["results"]
    assert [(r["status"], r["reason"]) for r in results] == [("rejected", "forbidden")] * 2
    other.refresh_from_db()
    assert other.status == "planned"


def test_ending_a_session_a_colleague_already_ended_is_a_conflict(field):
    worker, session, client = field
    colleague_client, _ = device_client(UserFactory(team=worker.team))
    end = {
        "op": "session.end",
        "uuid": str(session.uuid),
        "client_updated_at": iso(now() - dt.timedelta(seconds=1)),
        "data": {"ended_at": iso(now())},
    }
    assert statuses(push(colleague_client, [end])) == ["updated"]
    mine = {**end, "client_updated_at": iso(now())}
    result = push(client, [mine]).json()["results"][0]
    assert result["status"] == "conflict"
    assert result["current"]["status"] == "done"


def test_a_stale_debrief_update_is_a_conflict(field):
    _worker, session, client = field
    update = {
        "op": "session.update",
        "uuid": str(session.uuid),
        "base_version": 7,
        "client_updated_at": iso(now()),
        "data": {"young_people_seen": 2},
    }
    result = push(client, [update]).json()["results"][0]
    assert (result["status"], result["version"]) == ("conflict", 1)


def test_a_debrief_and_the_end_queued_together_do_not_conflict(field):
    _worker, session, client = field
    update = {
        "op": "session.update",
        "uuid": str(session.uuid),
        "base_version": 1,
        "client_updated_at": iso(now() - dt.timedelta(minutes=1)),
        "data": {"young_people_seen": 3},
    }
    end = {
        "op": "session.end",
        "uuid": str(session.uuid),
        "base_version": 1,
        "client_updated_at": iso(now()),
        "data": {"ended_at": iso(now()), "atmosphere": "calm"},
    }
    assert statuses(push(client, [update, end])) == ["updated", "updated"]


def test_null_optional_fields_of_an_unplanned_start_read_as_absent(field):
    _worker, session, client = field
    start = {
        "op": "session.start",
        "uuid": str(uuid.uuid4()),
        "client_updated_at": iso(now()),
        "data": {"kind": "street", "territory": session.territory_id, "title": None, "started_at": None},
    }
    assert statuses(push(client, [start])) == ["created"]


def test_a_cancelled_session_takes_no_contacts_and_cannot_start(field):
    worker, _session, client = field
    cancelled = SessionFactory(team=worker.team, status="cancelled")
    start = {
        "op": "session.start",
        "uuid": str(cancelled.uuid),
        "client_updated_at": iso(now()),
        "data": {},
    }
    results = push(client, [start, contact_create(cancelled)]).json()["results"]
    assert [(r["status"], r["reason"]) for r in results] == [("rejected", "invalid")] * 2


def test_digital_slot_counts_are_updated_from_the_field(field):
    worker, _session, client = field
    from outreach.models import DigitalSlot, PlatformCategory

    digital = SessionFactory(team=worker.team, kind="digital")
    slot = DigitalSlot.objects.create(
        session=digital,
        platform=PlatformCategory.objects.get(code="messaging"),
        starts_at=digital.planned_start,
        ends_at=digital.planned_end,
    )
    update = {
        "op": "session.update",
        "uuid": str(digital.uuid),
        "base_version": 1,
        "client_updated_at": iso(now()),
        "data": {"digital_slots": [{"id": slot.pk, "profiles_spotted": 7, "conversations": 2}]},
    }
    assert statuses(push(client, [update])) == ["updated"]
    slot.refresh_from_db()
    assert (slot.profiles_spotted, slot.messages_sent, slot.conversations) == (7, 0, 2)
    other_slot = {**update, "client_updated_at": iso(now() + dt.timedelta(seconds=1))}
    other_slot["data"] = {"digital_slots": [{"id": slot.pk + 999, "conversations": 1}]}
    other_slot["base_version"] = 2
    result = push(client, [other_slot]).json()["results"][0]
    assert result["status"] == "rejected"
    assert "digital_slots" in result["errors"]
