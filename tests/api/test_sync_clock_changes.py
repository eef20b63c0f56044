"""Replays recognised in the hour Paris's clocks repeat (25 October 2026, 02:00-03:00 twice).

Python compares a Paris time in that hour unequal to the same instant in UTC (PEP 495), so times
read from the wire are kept in UTC: a night debriefed and ended in that hour, sent again, is
answered `duplicate`, not a conflict with itself.
"""

from __future__ import annotations

import datetime as dt

import pytest

from outreach.models import Contact
from tests.api.sync_helpers import contact_create, contact_update, push, statuses
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

EVENING = dt.datetime(2026, 10, 24, 19, 0, tzinfo=dt.UTC)  # 21:00 in Paris, summer time
# 02:30 summer time, 02:30 winter time, 02:45 summer time: all in the repeated hour.
REPEATED_HOUR = ["2026-10-25T00:30:00Z", "2026-10-25T02:30:00+01:00", "2026-10-25T02:45:00+02:00"]


@pytest.mark.parametrize("stamped", REPEATED_HOUR)
def test_a_night_debriefed_and_ended_in_the_repeated_hour_is_recognised_when_sent_again(field, stamped):
    worker, _session, client = field
    night = SessionFactory(team=worker.team, planned_start=EVENING)
    ops = [
        {
            "op": "session.start",
            "uuid": str(night.uuid),
            "client_updated_at": "2026-10-24T19:05:00Z",
            "data": {"started_at": "2026-10-24T19:05:00Z"},
        },
        {
            "op": "session.update",
            "uuid": str(night.uuid),
            "base_version": 1,
            "client_updated_at": stamped,
            "data": {"young_people_seen": 6},
        },
        {
            "op": "session.end",
            "uuid": str(night.uuid),
            "client_updated_at": stamped,
            "data": {"ended_at": stamped},
        },
    ]
    assert statuses(push(client, ops)) == ["updated", "updated", "updated"]
    assert statuses(push(client, ops)) == ["duplicate", "duplicate", "duplicate"]


@pytest.mark.parametrize("stamped", REPEATED_HOUR)
def test_a_replayed_contact_update_stamped_in_the_repeated_hour_is_a_duplicate(field, stamped):
    _worker, session, client = field
    create = contact_create(session)
    assert statuses(push(client, [create])) == ["created"]
    update = contact_update(create["uuid"], 1, age_band="18_21")
    update["client_updated_at"] = stamped
    assert statuses(push(client, [update])) == ["updated"]
    assert statuses(push(client, [update])) == ["duplicate"]
    assert Contact.objects.get(uuid=create["uuid"]).version == 2
