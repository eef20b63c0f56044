"""What phones push reaches the reports at once: roll-ups follow every sync write."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from outreach.models.rollups import ActivityRollup
from outreach.reporting import rollups
from tests.api.sync_helpers import contact_create, contact_update, device_client, iso, now, push, statuses
from tests.factories import SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def rollup_snapshot() -> set[tuple]:
    return set(
        ActivityRollup.objects.values_list(
            "team_id", "service_date", "territory_id", "dimension", "value", "count"
        )
    )


def concern_count(code: str) -> int:
    rows = ActivityRollup.objects.filter(dimension="concern", value=code)
    return rows.aggregate(n=Sum("count"))["n"] or 0


def test_pushed_contacts_and_their_corrections_are_counted_and_match_a_rebuild(
    django_capture_on_commit_callbacks,
):
    worker = UserFactory()
    session = SessionFactory(team=worker.team, status="under_way", started_at=now())
    client, _device = device_client(worker)
    ops = [contact_create(session, concerns=["running_away"]) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        assert statuses(push(client, ops)) == ["created"] * 3
    assert concern_count("running_away") == 3

    # A correction moves one contact from one concern to another.
    with django_capture_on_commit_callbacks(execute=True):
        assert statuses(push(client, [contact_update(ops[0]["uuid"], 1, concerns=["violence"])])) == [
            "updated"
        ]
    assert concern_count("running_away") == 2
    assert concern_count("violence") == 1

    # A replay changes nothing, and the incremental roll-up equals a full recomputation.
    with django_capture_on_commit_callbacks(execute=True):
        assert statuses(push(client, ops)) == ["duplicate"] * 3
    incremental = rollup_snapshot()
    rollups.rebuild_all()
    assert rollup_snapshot() == incremental


def test_ending_a_session_from_the_phone_counts_its_hours(django_capture_on_commit_callbacks):
    worker = UserFactory()
    session = SessionFactory(team=worker.team, status="under_way", started_at=now())
    client, _device = device_client(worker)
    end = {
        "op": "session.end",
        "uuid": str(session.uuid),
        "base_version": session.version,
        "client_updated_at": iso(now()),
        "data": {"ended_at": iso(now())},
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert statuses(push(client, [end])) == ["updated"]
    assert (
        ActivityRollup.objects.filter(dimension="sessions", team=worker.team).aggregate(n=Sum("count"))["n"]
        == 1
    )


def test_a_failing_refresh_never_fails_a_committed_push(
    django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken(ids):
        raise RuntimeError("reporting database unavailable")

    monkeypatch.setattr(rollups, "contacts_changed", broken)
    worker = UserFactory()
    session = SessionFactory(team=worker.team, status="under_way", started_at=now())
    client, _device = device_client(worker)
    with django_capture_on_commit_callbacks(execute=True):
        assert statuses(push(client, [contact_create(session)])) == ["created"]
    assert "reporting database unavailable" in caplog.text
