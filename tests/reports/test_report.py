"""Reports built from the roll-ups: counts, percentages and disclosure on real data."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from outreach.choices import AgeBand, Gender, SessionKind
from outreach.models import Territory
from outreach.reporting.aggregate import ReportScope
from outreach.reporting.disclosure import percent
from outreach.reporting.periods import period_containing
from outreach.reporting.report import build_report
from tests.factories import TeamFactory, departement
from tests.reports.builders import contacts, night
from tests.reports.test_disclosure import check_protected

MARCH = period_containing("month", dt.date(2026, 3, 10))


class ReportFigureTests(TestCase):
    def setUp(self):
        self.team = TeamFactory()
        self.nord = departement("59")
        self.scope = ReportScope(frozenset({self.team.organisation_id}), self.nord.id, MARCH)

    def test_counts_and_percentages_follow_the_contacts(self):
        session = night(self.team, dt.date(2026, 3, 3), territory=self.nord)
        contacts(session, 6, age_band="15_17", concerns=("running_away",))
        contacts(session, 4, age_band="18_21", person_code="AB12")
        report = build_report(self.scope, disclose=False)
        self.assertEqual(report.figure("contacts").value, 10)
        self.assertEqual(report.figure("minors").value, 6)
        self.assertEqual(report.figure("minors").percent, 60)
        self.assertEqual(report.figure("concern:running_away").value, 6)
        self.assertEqual(report.figure("persons").value, 1)
        self.assertEqual(report.figure("persons_again").value, 1)
        self.assertEqual(report.figure("sessions:street").value, 1)
        self.assertEqual(report.figure("hours:street").value, 4)

    def test_a_month_starting_mid_week_keeps_its_first_days_in_the_series(self):
        september = period_containing("month", dt.date(2026, 9, 1))  # a Tuesday
        scope = ReportScope(frozenset({self.team.organisation_id}), self.nord.id, september)
        contacts(night(self.team, dt.date(2026, 9, 1), territory=self.nord), 7)
        report = build_report(scope)
        series = next(g for g in report.grids if g.code == "series")
        self.assertEqual(series.rows[0].total.value, 7)
        self.assertEqual(series.totals.total.value, 7)

    def test_small_counts_are_hidden_with_a_partner_cell(self):
        session = night(self.team, dt.date(2026, 3, 3), territory=self.nord)
        contacts(session, 12, age_band="15_17")
        contacts(session, 2, age_band="13_14")
        report = build_report(self.scope)
        self.assertTrue(report.figure("age:13_14").suppressed)
        self.assertIsNone(report.figure("age:13_14").percent)
        # 14 - 12 would give the hidden 2 back: another age cell is hidden as well.
        hidden_ages = [f for f in report.breakdowns[2].figures if f.suppressed]
        self.assertGreaterEqual(len(hidden_ages), 2)
        check_protected(report.system, report.hidden)

    def test_sparse_territories_are_pooled_into_their_parent(self):
        national = Territory.objects.get(level="national")
        scope = ReportScope(frozenset({self.team.organisation_id}), national.id, MARCH)
        contacts(night(self.team, dt.date(2026, 3, 3), territory=self.nord), 9)
        contacts(night(self.team, dt.date(2026, 3, 4), territory=departement("75")), 2)
        contacts(night(self.team, dt.date(2026, 3, 5), territory=departement("13")), 2)
        report = build_report(scope)
        labels = [row.label for row in report.grids[0].rows]
        self.assertIn("Hauts-de-France", labels)
        self.assertNotIn("Île-de-France", labels)
        self.assertEqual(report.grids[0].rows[-1].total.value, None)  # 4 pooled: still small
        self.assertIn("Île-de-France", report.pooled_territories)


person = st.fixed_dictionaries(
    {
        "day": st.integers(0, 40),
        "dep": st.sampled_from(["59", "62", "75"]),
        "digital": st.booleans(),
        "age": st.sampled_from(AgeBand.values),
        "gender": st.sampled_from(Gender.values),
        "n": st.integers(1, 7),
    }
)


class ReportPropertyTests(TestCase):
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(person, min_size=1, max_size=8))
    def test_published_report_reveals_no_hidden_cell_and_percentages_match(self, groups):
        team = TeamFactory()
        national = Territory.objects.get(level="national")
        for group in groups:
            day = dt.date(2026, 3, 1) + dt.timedelta(days=group["day"])
            kind = SessionKind.DIGITAL if group["digital"] else SessionKind.STREET
            session = night(team, day, territory=departement(group["dep"]), kind=kind)
            contacts(session, group["n"], age_band=group["age"], gender=group["gender"])
        scope = ReportScope(
            frozenset({team.organisation_id}), national.id, period_containing("quarter", dt.date(2026, 3, 1))
        )
        report = build_report(scope)
        check_protected(report.system, report.hidden)
        contacts_total = report.figure("contacts").value
        for breakdown in report.breakdowns:
            for figure in breakdown.figures:
                if figure.key.startswith(("age:", "gender:")):
                    self.assertEqual(figure.percent, percent(figure.value, contacts_total))
                if not figure.suppressed:
                    self.assertEqual(figure.value, report.system.values[figure.key])
