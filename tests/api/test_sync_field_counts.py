"""Push: head count taps (add, undo, turned into a contact) and a digital slot's funnel."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from outreach.models import DigitalSlot, PlatformCategory, SlotRequest, TallyMark
from tests.api.sync_helpers import PULL, contact_create, device_client, iso, now, push, statuses
from tests.factories import SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def tap(session, *, uuid_=None, **data) -> dict:
    moment = now() - dt.timedelta(minutes=3)
    return {
        "op": "tally.add",
        "uuid": str(uuid_ or uuid.uuid4()),
        "client_updated_at": iso(moment),
        "data": {"session": str(session.uuid), "age_band": "15_17", "gender": "girl", **data},
    }


def untap(mark_uuid, reason="undo", **data) -> dict:
    return {
        "op": "tally.remove",
        "uuid": str(mark_uuid),
        "client_updated_at": iso(now() - dt.timedelta(minutes=1)),
        "data": {"reason": reason, **data},
    }


def counting(session) -> int:
    return TallyMark.objects.filter(session=session, removal="").count()


def test_taps_count_once_and_undo_takes_the_last_back(field):
    worker, session, client = field
    taps = [tap(session), tap(session, age_band="13_14", gender="boy"), tap(session)]
    assert statuses(push(client, taps)) == ["created"] * 3
    assert statuses(push(client, taps)) == ["duplicate"] * 3
    # The same tap twice in one batch (a phone resending while the first answer was lost).
    again = tap(session)
    assert statuses(push(client, [again, again])) == ["created", "duplicate"]
    assert statuses(push(client, [untap(again["uuid"])])) == ["updated"]
    assert counting(session) == 3
    assert statuses(push(client, [untap(taps[2]["uuid"])])) == ["updated"]
    assert statuses(push(client, [untap(taps[2]["uuid"])])) == ["duplicate"]
    assert counting(session) == 2
    mark = TallyMark.objects.get(uuid=taps[1]["uuid"])
    assert (mark.age_band, mark.gender, mark.level, mark.recorded_by) == ("13_14", "boy", "seen", worker)


def test_a_tap_turned_into_a_contact_is_counted_once_as_the_contact(field):
    _worker, session, client = field
    first = tap(session)
    contact = contact_create(session, level="exchange")
    promote = untap(first["uuid"], "promoted", contact=contact["uuid"])
    # Queued by the phone in one step: the contact, then the tap it came from.
    assert statuses(push(client, [first, contact, promote])) == ["created", "created", "updated"]
    mark = TallyMark.objects.get(uuid=first["uuid"])
    assert mark.removal == "promoted"
    assert str(mark.contact.uuid) == contact["uuid"]
    assert counting(session) == 0
    # Undoing it now, or turning it into another contact, is refused: it is counted already.
    other = contact_create(session)
    results = push(
        client, [other, untap(first["uuid"]), untap(first["uuid"], "promoted", contact=other["uuid"])]
    )
    assert statuses(results) == ["created", "rejected", "rejected"]
    assert "reason" in results.json()["results"][1]["errors"]


def test_hostile_taps_are_refused_one_by_one_and_the_good_ones_kept(field):
    _worker, session, client = field
    stranger_session = SessionFactory(team=UserFactory().team, status="under_way", started_at=now())
    other_session_contact = contact_create(SessionFactory(team=session.team, status="under_way"))
    good = tap(session)
    operations = [
        tap(stranger_session),
        tap(session, age_band="teen"),
        tap(session, person_code="NR-12"),  # a tap never carries a person code
        good,
        untap(uuid.uuid4()),
        untap(good["uuid"], "promoted"),
        other_session_contact,
        untap(good["uuid"], "promoted", contact=other_session_contact["uuid"]),
        untap(good["uuid"], "forgotten"),
    ]
    results = push(client, operations).json()["results"]
    assert [r["status"] for r in results] == [
        "rejected",
        "rejected",
        "rejected",
        "created",
        "rejected",
        "rejected",
        "created",
        "rejected",
        "rejected",
    ]
    assert results[0]["reason"] == "forbidden"
    assert "age_band" in results[1]["errors"]
    assert "person_code" in results[2]["errors"]
    assert results[4]["reason"] == "not_found"
    assert "contact" in results[5]["errors"]
    assert "contact" in results[7]["errors"]
    assert "reason" in results[8]["errors"]
    assert counting(session) == 1
    assert not TallyMark.objects.filter(session=stranger_session).exists()
    # Another team cannot undo this team's tap, even knowing its UUID.
    stranger_client, _device = device_client(UserFactory(team=stranger_session.team))
    answer = push(stranger_client, [untap(good["uuid"])]).json()["results"][0]
    assert (answer["status"], answer["reason"]) == ("rejected", "forbidden")
    assert counting(session) == 1


def digital_session(worker):
    return SessionFactory(team=worker.team, kind="digital", status="under_way", started_at=now())


def slot(session, *, uuid_=None, at=None, **counts) -> dict:
    start = now() - dt.timedelta(hours=1)
    return {
        "op": "slot.save",
        "uuid": str(uuid_ or uuid.uuid4()),
        "client_updated_at": iso(at or now() - dt.timedelta(minutes=2)),
        "data": {
            "session": str(session.uuid),
            "platform": "social_network",
            "starts_at": iso(start),
            "ends_at": iso(start + dt.timedelta(hours=1)),
            **counts,
        },
    }


def test_a_slot_made_on_the_phone_keeps_its_latest_funnel(field):
    worker, _street, client = field
    session = digital_session(worker)
    first = slot(
        session, profiles_spotted=9, messages_sent=5, conversations=3, at=now() - dt.timedelta(minutes=9)
    )
    later = slot(
        session,
        uuid_=first["uuid"],
        profiles_spotted=12,
        messages_sent=6,
        conversations=4,
        requests={"housing": 2, "safety": 1},
        orientations=2,
        at=now() - dt.timedelta(minutes=4),
    )
    assert statuses(push(client, [first, later])) == ["created", "updated"]
    # The older change arriving late (another sync) does not win, and a replay changes nothing.
    assert statuses(push(client, [first, later])) == ["duplicate", "duplicate"]
    saved = DigitalSlot.objects.get(uuid=first["uuid"])
    assert (saved.profiles_spotted, saved.messages_sent, saved.conversations, saved.orientations) == (
        12,
        6,
        4,
        2,
    )
    assert dict(SlotRequest.objects.filter(slot=saved).values_list("category", "count")) == {
        "housing": 2,
        "safety": 1,
    }
    assert saved.platform == PlatformCategory.objects.get(code="social_network")
    pulled = client.get(PULL).json()["items"]
    data = next(i["data"] for i in pulled if i["type"] == "session" and i["id"] == str(session.uuid))
    assert data["digital_slots"][0]["uuid"] == first["uuid"]
    assert data["digital_slots"][0]["requests"] == {"housing": 2, "safety": 1}
    assert data["digital_slots"][0]["orientations"] == 2


def test_a_funnel_that_does_not_add_up_is_refused_with_field_messages(field):
    worker, street, client = field
    session = digital_session(worker)
    operations = [
        slot(session, conversations=1, requests={"housing": 2}),
        slot(session, conversations=1, orientations=3),
        slot(session, conversations=2, requests={"handle": 1}),
        slot(session, conversations=2, requests={"none": 1}),
        slot(street, conversations=1),
        slot(session, platform="carrier_pigeon"),
        slot(session, messages_sent=-1),
        slot(session, conversations=2, requests={"health": 1}, orientations=1),
    ]
    results = push(client, operations, headers={"Accept-Language": "fr"}).json()["results"]
    assert [r["status"] for r in results] == ["rejected"] * 7 + ["created"]
    assert "requests" in results[0]["errors"]
    assert "orientations" in results[1]["errors"]
    assert "handle" in results[2]["errors"]["requests"][0]
    assert "requests" in results[3]["errors"]
    assert "session" in results[4]["errors"]
    assert "platform" in results[5]["errors"]
    assert "messages_sent" in results[6]["errors"]
    assert DigitalSlot.objects.filter(session=session).count() == 1
    english = push(client, operations[:1], headers={"Accept-Language": "en"}).json()["results"][0]
    french = results[0]["errors"]["requests"][0]
    assert english["errors"]["requests"][0] != french


def test_a_batch_of_taps_costs_the_same_queries_whatever_its_size(field):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _worker, session, client = field

    def cost(n: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert statuses(push(client, [tap(session) for _ in range(n)])) == ["created"] * n
        return len(queries)

    # Taps in a row are checked one by one and inserted together (one statement).
    assert cost(10) == cost(30)


def test_taps_and_slots_of_a_done_night_reach_the_reports_with_one_recount_per_batch(
    django_capture_on_commit_callbacks,
):
    from django.db.models import Sum

    from outreach.models.rollups import ActivityRollup

    worker = UserFactory()
    street = SessionFactory(
        team=worker.team, status="done", started_at=now() - dt.timedelta(hours=2), ended_at=now()
    )
    digital = SessionFactory(
        team=worker.team,
        kind="digital",
        status="done",
        started_at=now() - dt.timedelta(hours=2),
        ended_at=now(),
    )
    client, _device = device_client(worker)
    taps = [tap(street) for _ in range(6)]
    operations = [
        *taps,
        untap(taps[0]["uuid"]),
        slot(digital, conversations=3, requests={"legal": 2}, orientations=1),
    ]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert statuses(push(client, operations)) == ["created"] * 6 + ["updated", "created"]
    recounts = [c for c in callbacks if c.__module__ == "outreach.services.session_recounts"]
    assert len(recounts) == 1

    def rolled(dimension: str) -> int:
        return ActivityRollup.objects.filter(dimension=dimension).aggregate(n=Sum("count"))["n"] or 0

    assert rolled("tally") == 5
    assert rolled("slot_requests") == 2
    assert rolled("slot_orientations") == 1
