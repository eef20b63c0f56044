"""What phones push reaches the reports at once: roll-ups follow every sync write."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db.models import Sum

from outreach.models.rollups import ActivityRollup
from outreach.reporting import rollup_delta, rollups
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
    def broken(ids, in_hand=()):
        raise RuntimeError("reporting database unavailable")

    monkeypatch.setattr(rollup_delta, "contacts_changed", broken)
    worker = UserFactory()
    session = SessionFactory(team=worker.team, status="under_way", started_at=now())
    client, _device = device_client(worker)
    with django_capture_on_commit_callbacks(execute=True):
        assert statuses(push(client, [contact_create(session)])) == ["created"]
    assert "reporting database unavailable" in caplog.text


def every_rollup() -> dict[str, set[tuple]]:
    from outreach.models import MonthlyPersonRollup, MonthlyRollup, PersonRollup

    fields = ("team_id", "territory_id", "kind")
    return {
        "daily": set(
            ActivityRollup.objects.values_list(*fields, "service_date", "dimension", "value", "count")
        ),
        "monthly": set(MonthlyRollup.objects.values_list(*fields, "month", "dimension", "value", "count")),
        "persons": set(PersonRollup.objects.values_list(*fields, "service_date", "person_code", "contacts")),
        "monthly persons": set(
            MonthlyPersonRollup.objects.values_list(*fields, "month", "person_code", "contacts")
        ),
    }


def test_new_contacts_are_counted_from_the_rows_the_push_holds_without_reading_them_back(
    field, django_capture_on_commit_callbacks
):
    """Every breakdown of new street and digital contacts (places, partners of two categories,
    person codes, first contacts, platforms, conversations, requests, the organisation's own
    reportable fields) is counted from the push's rows in hand, and equals a rebuild."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from outreach.models import Contact, Orientation
    from outreach.reporting.custom_fields import dimension
    from tests.custom_field_builders import one_of_each
    from tests.factories import CoordinatorFactory, HotspotFactory, PartnerServiceFactory

    worker, street, client = field
    digital = SessionFactory(team=worker.team, kind="digital", status="under_way", started_at=now())
    custom = one_of_each(CoordinatorFactory(organisation=worker.organisation))
    welfare, health = PartnerServiceFactory(), PartnerServiceFactory(category="health")
    hotspot = HotspotFactory(organisation=worker.organisation)
    ops = [
        contact_create(
            street,
            hotspot=hotspot.pk,
            orientations=[welfare.pk, health.pk],
            person_code="NR-12",
            is_first_contact=True,
            custom_values={custom["choice"].key: "foyer", custom["multi_choice"].key: ["sante", "juridique"]},
        ),
        contact_create(
            street, orientations=[welfare.pk], person_code="NR-12", concerns=[], is_first_contact=False
        ),
        contact_create(street, level="seen", actions=[], known_to_child_welfare="yes", age_band="18_21"),
        contact_create(
            digital,
            platform="messaging",
            conversation_established=True,
            request_category="housing",
            custom_values={custom["yes_no"].key: True, custom["number"].key: 4},
        ),
        contact_create(
            digital,
            platform="dating_app",
            conversation_established=False,
            gender="boy",
            is_first_contact=False,
        ),
    ]
    links = {Contact.concerns.through._meta.db_table, Orientation._meta.db_table}
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        assert statuses(push(client, ops)) == ["created"] * 5
    read_back = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and any(t in q["sql"] for t in links)
    ]
    assert read_back == []

    counted = every_rollup()
    totals: Counter = Counter()
    for *_, dim, value, n in counted["daily"]:
        totals[(dim, value)] += n
    assert totals[("contacts", "")] == 5 and totals[("concern", "running_away")] == 4
    assert (totals[("orientation", "child_welfare")], totals[("orientation", "health")]) == (2, 1)
    assert totals[("oriented", "")] == 2 and totals[("first_contact", "")] == 2
    assert (
        totals[("platform", "messaging")],
        totals[("conversation", "")],
        totals[("request", "housing")],
    ) == (1, 1, 1)
    assert {key for key in totals if key[0].startswith("cf:")} == {
        (dimension(custom["choice"].key), "foyer"),
        (dimension(custom["multi_choice"].key), "sante"),
        (dimension(custom["multi_choice"].key), "juridique"),
        (dimension(custom["yes_no"].key), "yes"),
    }
    assert {(code, n) for *_, code, n in counted["persons"]} == {("NR-12", 2)}
    rollups.rebuild_all()
    assert every_rollup() == counted


def test_a_contact_created_and_corrected_in_one_push_is_counted_as_corrected(
    field, django_capture_on_commit_callbacks
):
    _worker, session, client = field
    create = contact_create(session, age_band="15_17")
    update = contact_update(create["uuid"], 1, age_band="18_21")
    with django_capture_on_commit_callbacks(execute=True):
        assert statuses(push(client, [create, update])) == ["created", "updated"]
    counted = rollup_snapshot()
    assert {(dim, value) for *_, dim, value, _n in counted if dim == "age_band"} == {("age_band", "18_21")}
    rollups.rebuild_all()
    assert rollup_snapshot() == counted
