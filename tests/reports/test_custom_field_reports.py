"""The organisation's own fields in the reports: equal to a plain recount of the records, all of
them for the coordinator, only reportable choice fields for funders, under disclosure control."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from outreach.models import Contact
from outreach.reporting.aggregate import ReportScope
from outreach.reporting.exports import report_csv
from outreach.reporting.periods import period_containing
from outreach.reporting.report import build_report
from outreach.reporting.rollups import rebuild_all, sessions_changed
from outreach.services.custom_fields import Definition, edit_field, set_active
from tests.custom_field_builders import one_of_each
from tests.factories import CoordinatorFactory, TeamFactory, departement
from tests.reports.builders import contacts, night
from tests.reports.test_disclosure import check_protected

pytestmark = pytest.mark.django_db
MARCH = period_containing("month", dt.date(2026, 3, 10))


@pytest.fixture
def recorded():
    team = TeamFactory()
    nord = departement("59")
    coordinator = CoordinatorFactory(organisation=team.organisation)
    fields = one_of_each(coordinator)
    yes_no, choice, multi = fields["yes_no"].key, fields["choice"].key, fields["multi_choice"].key
    session = night(team, dt.date(2026, 3, 3), territory=nord)
    contacts(session, 7, custom_values={yes_no: True, choice: "famille", multi: ["sante", "juridique"]})
    contacts(session, 6, custom_values={yes_no: False, choice: "foyer", multi: ["sante"]})
    contacts(session, 2, custom_values={choice: "rue", fields["number"].key: 3})
    contacts(session, 5)
    scope = ReportScope(frozenset({team.organisation_id}), nord.id, MARCH)
    return fields, scope, coordinator


def recount(field) -> Counter:
    counted: Counter = Counter()
    for values in Contact.objects.values_list("custom_values", flat=True):
        value = values.get(field.key)
        if value is None:
            counted["_none"] += 1
        elif isinstance(value, bool):
            counted["yes" if value else "no"] += 1
        else:
            counted.update(value if isinstance(value, list) else [value])
    return counted


def shown(report, field) -> dict[str, int | None]:
    breakdown = next(b for b in report.breakdowns if b.code == f"cf{field.pk}")
    return {figure.key.split(":", 1)[1]: figure.value for figure in breakdown.figures}


def test_the_coordinators_report_equals_a_plain_recount(recorded):
    fields, scope, _coordinator = recorded
    report = build_report(scope, disclose=False, all_custom_fields=True)
    for kind in ("yes_no", "choice", "multi_choice"):
        expected = recount(fields[kind])
        got = {code: n for code, n in shown(report, fields[kind]).items() if n}
        if kind == "multi_choice":
            expected.pop("_none", None)
        assert got == dict(expected), kind
    # Numbers and dates are not aggregated.
    assert not any(b.code == f"cf{fields['number'].pk}" for b in report.breakdowns)


def test_a_rebuild_gives_the_same_figures(recorded):
    fields, scope, _coordinator = recorded
    before = shown(build_report(scope, disclose=False, all_custom_fields=True), fields["choice"])
    rebuild_all()
    assert shown(build_report(scope, disclose=False, all_custom_fields=True), fields["choice"]) == before


def test_funders_see_only_reportable_fields_under_disclosure_control(recorded):
    fields, scope, _coordinator = recorded
    report = build_report(scope)  # what a funder's report is built with
    codes = [b.code for b in report.breakdowns if b.code.startswith("cf")]
    assert codes == [f"cf{fields['choice'].pk}"]
    figures = shown(report, fields["choice"])
    assert figures["famille"] == 7 and figures["foyer"] == 6
    # 2 on the street is under the threshold; the other small or derivable cells hide with it.
    assert figures["rue"] is None
    assert figures["_none"] is None
    check_protected(report.system, report.hidden)
    text = report_csv(report)
    assert "Living place" in text or "Lieu de vie" in text


def test_renamed_and_retired_fields_stay_readable_with_their_values(recorded):
    fields, scope, coordinator = recorded
    choice = fields["choice"]
    edit_field(
        actor=coordinator,
        custom=choice,
        definition=Definition(label_fr="Hébergement", label_en="Housing", reportable=True),
    )
    set_active(actor=coordinator, custom=choice, active=False)
    set_active(actor=coordinator, custom=fields["multi_choice"], active=False)
    report = build_report(scope, disclose=False, all_custom_fields=True)
    breakdown = next(b for b in report.breakdowns if b.code == f"cf{choice.pk}")
    assert "Hébergement" in breakdown.title or "Housing" in breakdown.title
    assert shown(report, choice)["famille"] == 7
    assert shown(report, fields["multi_choice"])["sante"] == 13


def test_debrief_fields_count_done_sessions_as_they_are(recorded):
    _fields, scope, coordinator = recorded
    debrief = one_of_each(coordinator, target="debrief")
    team = Contact.objects.first().team
    nights = [night(team, dt.date(2026, 3, day), territory=departement("59")) for day in (5, 6)]
    for session, place in zip(nights, ["rue", "foyer"], strict=True):
        session.custom_values = {debrief["choice"].key: place, debrief["yes_no"].key: True}
        session.save()
    sessions_changed([s.pk for s in nights])
    report = build_report(scope, all_custom_fields=True)
    # Sessions, not young people: shown as they are. The night of the 3rd has no debrief value.
    assert shown(report, debrief["choice"]) == {"famille": 0, "foyer": 1, "rue": 1}
    assert shown(report, debrief["yes_no"])["yes"] == 2
    # Not reportable: not in a funder's report.
    assert not any(b.code == f"cf{debrief['yes_no'].pk}" for b in build_report(scope).breakdowns)
