"""Roll-ups: the incremental path (contacts_changed / sessions_changed) equals a full rebuild."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from outreach.choices import AgeBand, Gender, SessionKind, SessionStatus
from outreach.models import (
    Action,
    ActivityRollup,
    Concern,
    Contact,
    MonthlyPersonRollup,
    MonthlyRollup,
    OutreachSession,
    PersonRollup,
    PlatformCategory,
)
from outreach.reporting.rollup_delta import contacts_changed
from outreach.reporting.rollups import rebuild_all, sessions_changed
from outreach.timebands import HourBand
from tests.factories import (
    ContactFactory,
    PartnerServiceFactory,
    SessionFactory,
    TeamFactory,
    departement,
)

# Four service dates across a month boundary, so moves also change the monthly roll-up.
DAYS = [dt.date(2026, 3, 30) + dt.timedelta(days=n) for n in range(4)]


def snapshot() -> tuple[set, ...]:
    cells = set(
        ActivityRollup.objects.values_list(
            "team_id",
            "organisation_id",
            "service_date",
            "territory_id",
            "kind",
            "dimension",
            "value",
            "count",
        )
    )
    persons = set(
        PersonRollup.objects.values_list(
            "team_id", "service_date", "territory_id", "kind", "person_code", "contacts"
        )
    )
    monthly = set(
        MonthlyRollup.objects.values_list(
            "team_id", "month", "territory_id", "kind", "dimension", "value", "count"
        )
    )
    monthly_persons = set(
        MonthlyPersonRollup.objects.values_list(
            "team_id", "month", "territory_id", "kind", "person_code", "contacts"
        )
    )
    return cells, persons, monthly, monthly_persons


contact_spec = st.fixed_dictionaries(
    {
        "team": st.integers(0, 1),
        "day": st.integers(0, len(DAYS) - 1),
        "digital": st.booleans(),
        "age": st.sampled_from(AgeBand.values),
        "gender": st.sampled_from(Gender.values),
        "band": st.sampled_from(HourBand.values),
        "code": st.sampled_from(["", "AB1", "CD2", "EF3"]),
        "concerns": st.sets(st.integers(0, 4), max_size=3),
        "actions": st.sets(st.integers(0, 4), max_size=3),
        "oriented": st.booleans(),
    }
)
operation = st.one_of(
    st.tuples(st.just("create"), contact_spec),
    st.tuples(st.just("move"), st.integers(0, 30), st.integers(0, 1), st.integers(0, len(DAYS) - 1)),
    st.tuples(st.just("concerns"), st.integers(0, 30), st.sets(st.integers(0, 4), max_size=3)),
    st.tuples(st.just("delete"), st.integers(0, 30)),
)


class IncrementalRollupTests(TestCase):
    def setUp(self):
        self.teams = [TeamFactory(), TeamFactory()]
        self.territories = [departement("59"), departement("62")]
        self.concerns = list(Concern.objects.order_by("position")[:5])
        self.actions = list(Action.objects.order_by("position")[:5])
        self.platform = PlatformCategory.objects.first()
        self.partner = PartnerServiceFactory()

    def _session(self, team_index: int, day_index: int, digital: bool) -> OutreachSession:
        day = DAYS[day_index]
        start = dt.datetime(day.year, day.month, day.day, 20, tzinfo=dt.UTC)
        return SessionFactory(
            team=self.teams[team_index],
            kind=SessionKind.DIGITAL if digital else SessionKind.STREET,
            territory=self.territories[team_index],
            planned_start=start,
            service_date=day,
            status=SessionStatus.DONE,
            started_at=start,
            ended_at=start + dt.timedelta(hours=3),
        )

    def _create(self, spec) -> Contact:
        session = self._session(spec["team"], spec["day"], spec["digital"])
        sessions_changed([session.pk])
        contact = ContactFactory(
            session=session,
            service_date=session.service_date,
            hour_band=spec["band"],
            age_band=spec["age"],
            gender=spec["gender"],
            person_code=spec["code"],
            platform=self.platform if spec["digital"] else None,
            conversation_established=True if spec["digital"] else None,
        )
        contact.concerns.set([self.concerns[i] for i in spec["concerns"]])
        contact.actions.set([self.actions[i] for i in spec["actions"]])
        if spec["oriented"]:
            contact.orientation_links.create(partner=self.partner)
        return contact

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(operation, min_size=1, max_size=12))
    def test_incremental_rollup_equals_full_rebuild(self, operations):
        for op in operations:
            existing = list(Contact.objects.order_by("pk"))
            if op[0] == "create":
                contacts_changed([self._create(op[1]).pk])
            elif not existing:
                continue
            elif op[0] == "move":
                contact = existing[op[1] % len(existing)]
                session = self._session(op[2], op[3], contact.kind == SessionKind.DIGITAL)
                sessions_changed([session.pk])
                Contact.objects.filter(pk=contact.pk).update(
                    session=session,
                    team=session.team,
                    service_date=session.service_date,
                    territory=session.territory,
                )
                contacts_changed([contact.pk])
            elif op[0] == "concerns":
                contact = existing[op[1] % len(existing)]
                contact.concerns.set([self.concerns[i] for i in op[2]])
                contacts_changed([contact.pk])
            elif op[0] == "delete":
                contact = existing[op[1] % len(existing)]
                pk = contact.pk
                contact.delete()
                contacts_changed([pk])
        incremental = snapshot()
        # Replaying every notification changes nothing.
        contacts_changed(Contact.objects.values_list("pk", flat=True))
        self.assertEqual(snapshot(), incremental)
        rebuild_all(chunk_days=2)
        self.assertEqual(snapshot(), incremental)


class RollupContentTests(TestCase):
    def test_rollup_counts_match_the_contact_rows(self):
        team = TeamFactory()
        session = SessionFactory(team=team)
        concern = Concern.objects.get(code="running_away")
        for age, code in (("15_17", "AB1"), ("15_17", "AB1"), ("13_14", "")):
            contact = ContactFactory(session=session, age_band=age, person_code=code)
            contact.concerns.add(concern)
        contacts_changed(Contact.objects.values_list("pk", flat=True))

        def count(dimension, value=""):
            return sum(
                ActivityRollup.objects.filter(dimension=dimension, value=value).values_list(
                    "count", flat=True
                )
            )

        self.assertEqual(count("contacts"), 3)
        self.assertEqual(count("age_band", "15_17"), 2)
        self.assertEqual(count("age_band", "13_14"), 1)
        self.assertEqual(count("concern", "running_away"), 3)
        self.assertEqual(PersonRollup.objects.get().contacts, 2)
        self.assertEqual(count("sessions"), 0)  # the session is still planned

    def test_a_session_moved_to_another_date_leaves_its_old_bucket(self):
        start = dt.datetime(2026, 3, 2, 20, tzinfo=dt.UTC)
        session = SessionFactory(
            planned_start=start,
            service_date=start.date(),
            status=SessionStatus.DONE,
            started_at=start,
            ended_at=start + dt.timedelta(hours=2),
        )
        sessions_changed([session.pk])
        OutreachSession.objects.filter(pk=session.pk).update(service_date=dt.date(2026, 3, 9))
        sessions_changed([session.pk])
        rows = ActivityRollup.objects.filter(dimension__in=["sessions", "minutes"])
        self.assertEqual(
            sorted(rows.values_list("service_date", "dimension", "count")),
            [(dt.date(2026, 3, 9), "minutes", 120), (dt.date(2026, 3, 9), "sessions", 1)],
        )

    def test_rebuild_since_keeps_the_aggregates_of_purged_contacts(self):
        old = ContactFactory(service_date=dt.date(2025, 1, 10))
        ContactFactory(service_date=dt.date(2026, 3, 10))
        contacts_changed(Contact.objects.values_list("pk", flat=True))
        Contact.objects.filter(pk=old.pk).delete()  # retention purge: no notification
        rebuild_all(since=dt.date(2026, 3, 20))
        contacts = ActivityRollup.objects.filter(dimension="contacts")
        self.assertEqual(
            sorted(contacts.values_list("service_date", "count")),
            [(dt.date(2025, 1, 10), 1), (dt.date(2026, 3, 10), 1)],
        )
        self.assertEqual(MonthlyRollup.objects.filter(dimension="contacts").count(), 2)

    def test_rebuild_rollups_command_reports_what_it_did(self):
        ContactFactory()
        call_command("rebuild_rollups", stdout=(out := _Buffer()))
        self.assertIn("roll-up rows", out.text)
        self.assertEqual(
            sum(ActivityRollup.objects.filter(dimension="contacts").values_list("count", flat=True)), 1
        )


class _Buffer:
    text = ""

    def write(self, value):
        self.text += value

    def flush(self):
        pass
