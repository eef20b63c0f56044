"""Funder and coordinator pages: scope, audit, downloads and scheduled summaries."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from outreach.models import FunderSummarySchedule, JournalEntry, Territory
from outreach.reporting.publication import NotInCatalogue, funder_table
from outreach.reporting.scope import OutOfScope, agreement_for
from outreach.reporting.territories import TerritoryTree
from tests.factories import (
    CoordinatorFactory,
    FunderUserFactory,
    FundingAgreementFactory,
    HotspotFactory,
    OrganisationFactory,
    TeamFactory,
    departement,
    sign_in,
)
from tests.reports.builders import contacts, night

pytestmark = pytest.mark.django_db
MARCH = {"period": "month", "day": "2026-03-10"}
SECRET = "Prénom Zoé, vue à 23h47"
LEAKS = ("ZX9", "Zoé", "23h47", "Square Secret", "23:", "22:")


@pytest.fixture
def world():
    """Two outreach organisations in Nord and Paris; one funder with an agreement on Nord only."""
    nord, paris = departement("59"), departement("75")
    funded = OrganisationFactory(name="Itinéraires")
    other = OrganisationFactory(name="Autre asso")
    team = TeamFactory(organisation=funded, territories=[nord])
    other_team = TeamFactory(organisation=other, territories=[paris])
    funder = FunderUserFactory(email="funder@example.org")
    agreement = FundingAgreementFactory(funder=funder.organisation, reference="CONV-NORD")
    agreement.funded.set([funded])
    agreement.territories.set([nord])
    contacts(
        night(team, dt.date(2026, 3, 3), territory=nord), 12, concerns=("running_away",), person_code="ZX9"
    )
    hotspot = HotspotFactory(organisation=funded, name="Square Secret", territory=nord)
    contacts(
        night(team, dt.date(2026, 3, 10), territory=nord), 2, age_band="13_14", note=SECRET, hotspot=hotspot
    )
    contacts(night(other_team, dt.date(2026, 3, 4), territory=paris), 40)
    # The other organisation also worked in Nord: not funded by this agreement.
    contacts(night(other_team, dt.date(2026, 3, 5), territory=nord), 30)
    return {"funder": funder, "agreement": agreement, "nord": nord, "paris": paris, "funded": funded}


def _login(client, user):
    sign_in(client, user)
    return client


def test_funder_dashboard_shows_only_funded_organisations_in_the_agreement_territory(client, world):
    _login(client, world["funder"])
    url = reverse("reports:funder_dashboard", args=[world["agreement"].pk])
    response = client.get(url, MARCH)
    assert response.status_code == 200
    report = response.context["report"]
    assert report.figure("contacts").value == 14  # not the 30 of the other organisation, nor Paris
    assert report.figure("age:13_14").suppressed
    body = response.content.decode()
    assert not [leak for leak in LEAKS if leak in body]  # no person code, note, time or hotspot
    assert "<img" in body and "data:image/svg+xml" in body
    entry = JournalEntry.objects.get(event="report_view")
    assert entry.actor == world["funder"] and entry.target == "funder:CONV-NORD"


def test_funder_home_lists_only_the_funders_own_agreements(client, world):
    FundingAgreementFactory(reference="CONV-OTHER-FUNDER")
    body = _login(client, world["funder"]).get(reverse("reports:funder_home")).content.decode()
    assert "CONV-NORD" in body and "CONV-OTHER-FUNDER" not in body
    assert JournalEntry.objects.filter(event="report_view", target="funder:agreements").exists()


def test_funder_never_sees_another_territory_or_agreement(client, world):
    _login(client, world["funder"])
    url = reverse("reports:funder_dashboard", args=[world["agreement"].pk])
    assert client.get(url, {**MARCH, "territory": world["paris"].pk}).status_code == 404
    national = Territory.objects.get(level="national")
    assert client.get(url, {**MARCH, "territory": national.pk}).status_code == 404
    # Inside the agreement's territory is fine (a commune or sector under Nord would be too).
    assert client.get(url, {**MARCH, "territory": world["nord"].pk}).status_code == 200
    stranger = FundingAgreementFactory(reference="CONV-PARIS")
    stranger.territories.set([world["paris"]])
    stranger.funded.set([world["funded"]])
    assert client.get(reverse("reports:funder_dashboard", args=[stranger.pk]), MARCH).status_code == 404
    assert client.get(reverse("reports:funder_export", args=[stranger.pk, "csv"]), MARCH).status_code == 404


@pytest.mark.parametrize("code", ["75", "62", "13"])
def test_the_catalogue_refuses_any_territory_outside_the_agreement(world, code):
    with pytest.raises(NotInCatalogue):
        funder_table(
            world["agreement"],
            territory_id=departement(code).pk,
            kind="month",
            day=dt.date(2026, 3, 1),
            tree=TerritoryTree(),
            today=dt.date(2026, 11, 30),
        )


def test_a_funder_user_cannot_use_another_funders_agreement(world):
    intruder = FunderUserFactory()
    with pytest.raises(OutOfScope):
        agreement_for(intruder, world["agreement"].pk)


def test_funder_never_sees_outside_the_agreement_period(client, world):
    _login(client, world["funder"])
    url = reverse("reports:funder_dashboard", args=[world["agreement"].pk])
    assert client.get(url, {"period": "month", "day": "2025-03-10"}).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"period": "custom", "start": "2026-03-01", "end": "2026-03-10"},
        {"period": "week", "day": "2026-03-10"},
        {"period": "month", "day": "2026-03-10", "start": "2026-03-02"},
    ],
)
def test_funders_get_no_weeks_and_no_free_ranges(client, world, query):
    _login(client, world["funder"])
    for name in ("funder_dashboard", "funder_export"):
        args = [world["agreement"].pk] + (["csv"] if name == "funder_export" else [])
        response = client.get(reverse(f"reports:{name}", args=args), query, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert "report" not in response.context or response.context["report"] is None
        assert response.context["form"].errors
    assert not JournalEntry.objects.filter(event__in=["export", "report_view"]).exclude(target="").exists()


def test_coordinator_never_sees_another_organisation(client, world):
    coordinator = CoordinatorFactory(organisation=world["funded"])
    _login(client, coordinator)
    response = client.get(reverse("reports:coordinator_dashboard"), MARCH)
    assert response.status_code == 200
    report = response.context["report"]
    assert report.figure("contacts").value == 14
    assert not report.disclosed
    assert [row.label for row in report.grids[2].rows] == [world["funded"].teams.get().name]
    # Other roles have no coordinator page.
    assert _login(client, world["funder"]).get(reverse("reports:coordinator_dashboard")).status_code == 404


def test_csv_download_parses_is_suppressed_and_audited(client, world):
    _login(client, world["funder"])
    response = client.get(
        reverse("reports:funder_export", args=[world["agreement"].pk, "csv"]),
        MARCH,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header = rows.index(["section", "item", "street", "digital", "count", "percent", "suppressed"])
    records = [dict(zip(rows[header], row, strict=True)) for row in rows[header + 1 :]]
    assert any(r["suppressed"] == "yes" and r["count"] == "" for r in records)
    contacts_row = next(r for r in records if r["section"] == "headline" and r["item"] == "Contacts recorded")
    assert contacts_row["count"] == "14"
    assert not [leak for leak in LEAKS if leak in response.content.decode()]
    assert JournalEntry.objects.filter(event="export", detail__format="csv").count() == 1


def test_coordinator_export_is_suppressed_even_though_the_screen_is_not(client, world):
    _login(client, CoordinatorFactory(organisation=world["funded"]))
    response = client.get(reverse("reports:coordinator_export", args=["csv"]), MARCH)
    assert "yes" in {row[-1] for row in csv.reader(io.StringIO(response.content.decode())) if row}


def test_pdf_report_renders_with_its_figures(client, world):
    _login(client, world["funder"])
    response = client.get(reverse("reports:funder_export", args=[world["agreement"].pk, "pdf"]), MARCH)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "CONV-NORD" in text
    assert "14" in text
    assert not [leak for leak in LEAKS if leak in text]
    assert JournalEntry.objects.filter(event="export", detail__format="pdf").count() == 1


def test_summary_command_sends_one_message_per_recipient_with_the_report(world):
    FunderSummarySchedule.objects.create(
        agreement=world["agreement"], frequency="month", recipients="a@example.org, b@example.org"
    )
    call_command("send_funder_summaries", "--date", "2026-04-02", stdout=io.StringIO())
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    for message in mail.outbox:
        names = [name for name, _content, _mime in message.attachments]
        assert any(name.endswith(".pdf") for name in names)
        assert "03/2026" in message.subject
        assert not [leak for leak in LEAKS if leak in message.body]
    assert JournalEntry.objects.filter(event="summary_sent").count() == 2
    # Run again: the period was sent, nothing goes out twice.
    call_command("send_funder_summaries", "--date", "2026-04-20", stdout=io.StringIO())
    assert len(mail.outbox) == 2
