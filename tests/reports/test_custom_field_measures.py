"""Number and date fields in the coordinator's report: equal to a plain recount of the contacts'
values, retired fields still shown, never another organisation's, never in a funder's report."""

from __future__ import annotations

import datetime as dt
import io
import statistics
from collections import Counter

import pytest
from django.urls import reverse
from pypdf import PdfReader

from outreach.choices import SessionStatus
from outreach.models import Contact, OutreachSession
from outreach.reporting.aggregate import ReportScope
from outreach.reporting.exports import report_csv
from outreach.reporting.periods import period_containing
from outreach.reporting.report import build_report
from outreach.services.custom_fields import set_active
from tests.custom_field_builders import one_of_each
from tests.factories import CoordinatorFactory, TeamFactory, departement, sign_in
from tests.reports.builders import contacts, night

pytestmark = pytest.mark.django_db
MARCH = period_containing("month", dt.date(2026, 3, 10))


@pytest.fixture
def recorded():
    team = TeamFactory()
    nord = departement("59")
    coordinator = CoordinatorFactory(organisation=team.organisation)
    fields = one_of_each(coordinator)
    number, date = fields["number"].key, fields["date"].key
    session = night(team, dt.date(2026, 3, 3), territory=nord)
    contacts(session, 6, custom_values={number: 3, date: "2026-02-14"})
    contacts(session, 5, custom_values={number: 12, date: "2025-12-01"})
    contacts(session, 2, custom_values={number: 0})
    contacts(session, 1, custom_values={date: "2026-02-28"})
    contacts(session, 4)
    # Outside the period: not counted.
    later = night(team, dt.date(2026, 4, 2), territory=nord)
    contacts(later, 3, custom_values={number: 29, date: "2026-04-01"})
    # Another organisation's fields and values in the same territory and period: never shown.
    other_team = TeamFactory()
    other = one_of_each(CoordinatorFactory(organisation=other_team.organisation))
    contacts(
        night(other_team, dt.date(2026, 3, 4), territory=nord),
        5,
        custom_values={other["number"].key: 7, other["date"].key: "2026-03-01"},
    )
    scope = ReportScope(frozenset({team.organisation_id}), nord.id, MARCH)
    return fields, other, scope, coordinator


def values_of(field) -> list:
    rows = Contact.objects.filter(
        team__organisation_id=field.organisation_id,
        service_date__gte=MARCH.start,
        service_date__lte=MARCH.end,
    ).values_list("custom_values", flat=True)
    return [values[field.key] for values in rows if field.key in values]


def march_night(fields):
    mine = Contact.objects.filter(team__organisation_id=fields["number"].organisation_id)
    return mine.filter(service_date=dt.date(2026, 3, 3)).first().session


def measured(report, field) -> dict:
    section = next(m for m in report.measures if m.code == f"cf{field.pk}")
    return {figure.key.split(":", 1)[1]: figure.value for figure in section.figures}


def test_numbers_and_dates_equal_a_plain_recount(recorded):
    fields, _other, scope, _coordinator = recorded
    report = build_report(scope, disclose=False, all_custom_fields=True)
    numbers = values_of(fields["number"])
    assert measured(report, fields["number"]) == {
        "answered": len(numbers),
        "min": min(numbers),
        "median": statistics.median(numbers),
        "max": max(numbers),
        "total": sum(numbers),
    }
    dates = values_of(fields["date"])
    months = Counter(day[:7] for day in dates)
    assert measured(report, fields["date"]) == {
        "answered": len(dates),
        "first": min(dates),
        "last": max(dates),
        **{f"month:{month}": n for month, n in months.items()},
    }
    assert months == {"2026-02": 7, "2025-12": 5}


def test_the_median_of_an_even_count_is_the_middle_pair_s_mean(recorded):
    fields, _other, scope, _coordinator = recorded
    session = march_night(fields)
    contacts(session, 1, custom_values={fields["number"].key: 4})
    numbers = values_of(fields["number"])
    assert len(numbers) % 2 == 0
    report = build_report(scope, disclose=False, all_custom_fields=True)
    assert measured(report, fields["number"])["median"] == statistics.median(numbers)


def test_a_retired_field_with_values_is_still_shown(recorded):
    fields, _other, scope, coordinator = recorded
    set_active(actor=coordinator, custom=fields["number"], active=False)
    report = build_report(scope, disclose=False, all_custom_fields=True)
    section = next(m for m in report.measures if m.code == f"cf{fields['number'].pk}")
    assert "retired" in section.title or "retiré" in section.title
    assert measured(report, fields["number"])["answered"] == 13


def test_another_organisation_s_fields_are_never_shown(recorded):
    fields, other, scope, _coordinator = recorded
    report = build_report(scope, disclose=False, all_custom_fields=True)
    codes = {m.code for m in report.measures}
    assert codes == {f"cf{fields['number'].pk}", f"cf{fields['date'].pk}"}
    assert f"cf{other['number'].pk}" not in report_csv(build_report(scope, all_custom_fields=True))


def test_a_funder_s_report_never_shows_numbers_or_dates(recorded):
    _fields, _other, scope, _coordinator = recorded
    report = build_report(scope)  # what a funder's report is built with
    assert report.measures == []
    text = report_csv(report)
    assert "Nights outside" not in text and "Nuits dehors" not in text
    assert "Runaway date" not in text and "Date de fugue" not in text


def test_the_coordinator_s_csv_holds_them_under_disclosure_control(recorded):
    fields, _other, scope, _coordinator = recorded
    report = build_report(scope, all_custom_fields=True)  # exports are always disclosed
    text = report_csv(report)
    number = f"cf{fields['number'].pk} "
    lines = [line for line in text.splitlines() if line.startswith(number)]
    assert len(lines) == 5
    assert any(",13," in line for line in lines)  # answered contacts
    assert any(",78," in line for line in lines)  # total: 6×3 + 5×12 + 2×0
    date = [line for line in text.splitlines() if line.startswith(f"cf{fields['date'].pk} ")]
    assert any("2026-02" in line and ",7," in line for line in date)


def test_a_small_month_hides_with_the_next_smallest_in_exports(recorded):
    fields, _other, scope, _coordinator = recorded
    session = march_night(fields)
    contacts(session, 2, custom_values={fields["date"].key: "2026-01-05"})
    disclosed = measured(build_report(scope, all_custom_fields=True), fields["date"])
    assert disclosed["month:2026-01"] is None and disclosed["month:2025-12"] is None
    assert disclosed["month:2026-02"] == 7 and disclosed["answered"] == 14
    # On the coordinator's screen (not disclosed) everything shows.
    assert (
        measured(build_report(scope, disclose=False, all_custom_fields=True), fields["date"])["month:2026-01"]
        == 2
    )


def test_the_coordinator_s_dashboard_and_csv_show_them(client, recorded):
    fields, _other, _scope, coordinator = recorded
    sign_in(client, coordinator)
    query = {"period": "month", "day": "2026-03-10"}
    page = client.get(reverse("reports:coordinator_dashboard"), query, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Nights outside" in text and "Runaway date" in text and "Median" in text
    assert "Nights outside" not in text.split("Living place")[0]  # after the choice fields
    download = client.get(reverse("reports:coordinator_export", args=["csv"]), query)
    assert f"cf{fields['date'].pk} " in download.content.decode()


def test_the_coordinator_s_pdf_shows_them(client, recorded):
    _fields, _other, _scope, coordinator = recorded
    sign_in(client, coordinator)
    response = client.get(
        reverse("reports:coordinator_export", args=["pdf"]),
        {"period": "month", "day": "2026-03-10"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Nights outside" in text and "Runaway date" in text and "Median" in text


@pytest.fixture
def debriefed():
    team = TeamFactory()
    nord = departement("59")
    coordinator = CoordinatorFactory(organisation=team.organisation)
    fields = one_of_each(coordinator, target="debrief")
    number, date = fields["number"].key, fields["date"].key
    for day, values in (
        (3, {number: 4, date: "2026-02-10"}),
        (5, {number: 9, date: "2026-03-01"}),
        (7, {number: 2}),
        (9, {date: "2026-03-04"}),
        (11, {}),
    ):
        session = night(team, dt.date(2026, 3, day), territory=nord)
        OutreachSession.objects.filter(pk=session.pk).update(custom_values=values)
    # Outside the period, and not done: not counted.
    later = night(team, dt.date(2026, 4, 2), territory=nord)
    OutreachSession.objects.filter(pk=later.pk).update(custom_values={number: 30})
    planned = night(team, dt.date(2026, 3, 12), territory=nord)
    OutreachSession.objects.filter(pk=planned.pk).update(
        custom_values={number: 25}, status=SessionStatus.PLANNED
    )
    scope = ReportScope(frozenset({team.organisation_id}), nord.id, MARCH)
    return fields, scope, coordinator


def session_values_of(field) -> list:
    rows = OutreachSession.objects.filter(
        team__organisation_id=field.organisation_id,
        status=SessionStatus.DONE,
        service_date__gte=MARCH.start,
        service_date__lte=MARCH.end,
    ).values_list("custom_values", flat=True)
    return [values[field.key] for values in rows if field.key in values]


def test_debrief_numbers_and_dates_equal_a_plain_recount_of_the_sessions(debriefed):
    fields, scope, _coordinator = debriefed
    report = build_report(scope, disclose=False, all_custom_fields=True)
    numbers = session_values_of(fields["number"])
    assert measured(report, fields["number"]) == {
        "answered": len(numbers),
        "min": min(numbers),
        "median": statistics.median(numbers),
        "max": max(numbers),
        "total": sum(numbers),
    }
    assert numbers and sum(numbers) == 15
    dates = session_values_of(fields["date"])
    assert measured(report, fields["date"]) == {
        "answered": len(dates),
        "first": min(dates),
        "last": max(dates),
        **{f"month:{month}": n for month, n in Counter(day[:7] for day in dates).items()},
    }
    section = next(m for m in report.measures if m.code == f"cf{fields['number'].pk}")
    assert "Nights outside" in section.title or "Nuits dehors" in section.title
    assert section.title != fields["number"].label


def test_a_funder_s_report_never_shows_debrief_numbers_or_dates(debriefed):
    _fields, scope, _coordinator = debriefed
    report = build_report(scope)
    assert report.measures == []
    text = report_csv(report)
    assert "Nights outside" not in text and "Nuits dehors" not in text


def test_the_coordinator_s_csv_holds_debrief_measures(debriefed):
    fields, scope, _coordinator = debriefed
    # Exports are disclosed, but debrief fields describe the teams' nights: shown as they are.
    text = report_csv(build_report(scope, all_custom_fields=True))
    lines = [line for line in text.splitlines() if line.startswith(f"cf{fields['number'].pk} ")]
    assert len(lines) == 5
    assert any(",3," in line for line in lines)  # answered sessions, under any threshold
    assert any(",15," in line for line in lines)  # total: 4 + 9 + 2


def test_the_coordinator_s_pdf_shows_debrief_measures(client, debriefed):
    _fields, _scope, coordinator = debriefed
    sign_in(client, coordinator)
    response = client.get(
        reverse("reports:coordinator_export", args=["pdf"]),
        {"period": "month", "day": "2026-03-10"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Debrief: Nights outside" in text and "Answered sessions" in text
