"""Everything a funder can download, put side by side, keeps every hidden cell at least k wide."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse

from outreach.choices import TerritoryLevel
from outreach.models import MonthlyRollup, ReleasedTable, ReleaseSnapshot, Territory
from outreach.models.releases import ReleaseIsFrozen
from outreach.reporting.catalogue import build_catalogue
from outreach.reporting.publication import NotInCatalogue, funder_table
from outreach.reporting.territories import TerritoryTree
from tests.factories import (
    FunderUserFactory,
    FundingAgreementFactory,
    OrganisationFactory,
    TeamFactory,
    departement,
    sign_in,
)
from tests.reports import attacker
from tests.reports.builders import contacts, night

pytestmark = pytest.mark.django_db
K = 5
TODAY = dt.date(2026, 11, 30)
AGES = ["under_13", "13_14", "15_17", "18_21"]
GENDERS = ["girl", "boy"]
CONCERNS = ("running_away", "psychological_suffering", "no_stable_housing")


def _world(*, starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31)):
    nord = departement("59")
    funded = OrganisationFactory(name="Itinéraires")
    sectors = [
        Territory.objects.create(
            level=TerritoryLevel.SECTOR, code=code, name=name, parent=nord, organisation=funded
        )
        for code, name in (("gare", "Gare"), ("centre", "Centre"), ("port", "Port"))
    ]
    # The team works in two sectors: the third is pooled, whatever its activity.
    team = TeamFactory(organisation=funded, territories=[nord, *sectors[:2]])
    funder = FunderUserFactory()
    agreement = FundingAgreementFactory(
        funder=funder.organisation, reference="CONV-59", starts_on=starts_on, ends_on=ends_on
    )
    agreement.funded.set([funded])
    agreement.territories.set([nord])
    return {"nord": nord, "sectors": sectors, "team": team, "funder": funder, "agreement": agreement}


def _activity(world, rng: random.Random, months, *, per_month=(0, 14)):
    for month in months:
        for territory in [world["nord"], *world["sectors"]]:
            n = rng.randint(*per_month)
            if not n:
                continue
            day = dt.date(2025, month, rng.randint(1, 27))
            session = night(world["team"], day, territory=territory)
            for _ in range(n):
                contacts(
                    session,
                    1,
                    age_band=rng.choice(AGES),
                    gender=rng.choice(GENDERS),
                    concerns=tuple(c for c in CONCERNS if rng.random() < 0.3),
                )


def _download_everything(client, world, tree) -> tuple[dict, dict]:
    """Every catalogue CSV of the agreement, parsed into {(territory, start, end, figure): value}."""
    agreement = world["agreement"]
    catalogue = build_catalogue(agreement, tree=tree, today=TODAY)
    month_by_label = {m.label: m for m in catalogue.months}
    label_to_territory = {tree.nodes[t].label: t for t in tree.nodes}
    published: dict = {}
    files = 0
    for territory in catalogue.territories:
        for period in catalogue.periods:
            query = {"territory": territory, "period": period.kind, "day": period.start.isoformat()}
            if period.kind == "agreement":
                query = {"territory": territory, "period": "agreement"}
            url = reverse("reports:funder_export", args=[agreement.pk, "csv"])
            response = client.get(url, query, HTTP_ACCEPT_LANGUAGE="en")
            assert response.status_code == 200, (territory, period)
            files += 1
            lines = list(csv.reader(io.StringIO(response.content.decode())))
            assert any(line and line[0].startswith("# Audit") for line in lines)
            report = funder_table(
                agreement,
                territory_id=territory,
                kind=period.kind,
                day=period.start,
                tree=tree,
                today=TODAY,
                compare=False,
            )
            keys = {("headline", f.label): f.key for f in report.headline}
            keys |= {(b.code, f.label): f.key for b in report.breakdowns for f in b.figures}
            header = lines.index(["section", "item", "street", "digital", "count", "percent", "suppressed"])
            for section, item, street, digital, count, _pct, _supp in lines[header + 1 :]:
                value = None if count == "" else int(count)
                if section in ("activity",):
                    continue
                if section in ("territory", "series"):
                    if item == "Total":
                        node, (s, e) = territory, (period.start, period.end)
                    elif section == "series":
                        node, month = territory, month_by_label[item]
                        s, e = month.start, month.end
                    else:
                        node = label_to_territory.get(item, f"pool{territory}")
                        s, e = period.start, period.end
                    for measure, v in (
                        ("contacts", value),
                        ("kind:street", street),
                        ("kind:digital", digital),
                    ):
                        v = None if v in ("", None) else int(v)
                        _put(published, (node, s, e, measure), v)
                    continue
                _put(published, (territory, period.start, period.end, keys[(section, item)]), value)
    rows = {t: catalogue.rows[t] for t in catalogue.territories}
    months = [(m.start, m.end) for m in catalogue.months]
    return published, {"rows": rows, "months": months, "files": files, "catalogue": catalogue}


def _put(published, key, value):
    if key in published:
        assert published[key] == value, f"{key} published as {published[key]} and {value}"
    published[key] = value


def _assert_safe(published, info):
    eq, ub = attacker.relations(published, rows=info["rows"], pools=set(), months=info["months"])
    found = attacker.ranges(published, eq, ub)
    narrow = {k: r for k, r in found.items() if r[1] - r[0] < K - 1e-6}
    assert not narrow, f"{len(narrow)} hidden cells narrower than {K}: {list(narrow.items())[:5]}"
    return found


@pytest.mark.slow
def test_every_csv_of_an_agreement_side_by_side_leaves_every_hidden_cell_k_wide(client, monkeypatch):
    """The issue's attack: months, quarters, the year, the département and its sectors, all at once."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: TODAY)
    world = _world(ends_on=dt.date(2025, 3, 31))
    _activity(world, random.Random(11), range(1, 4), per_month=(0, 9))
    sign_in(client, world["funder"])
    tree = TerritoryTree()
    published, info = _download_everything(client, world, tree)
    assert info["files"] == len(info["catalogue"].territories) * len(info["catalogue"].periods)
    hidden = [k for k, v in published.items() if v is None]
    assert hidden, "the data must need suppression for the test to mean anything"
    found = _assert_safe(published, info)
    assert len(found) == len(hidden)
    # Small counts really are small in the data and really are hidden.
    assert all(v is None or v == 0 or v >= K for v in published.values())


def test_weeks_and_free_ranges_are_not_in_the_catalogue():
    world = _world()
    catalogue = build_catalogue(world["agreement"], tree=TerritoryTree(), today=TODAY)
    kinds = {p.kind for p in catalogue.periods}
    assert kinds == {"month", "quarter", "year"}
    assert len([p for p in catalogue.periods if p.kind == "month"]) == 12
    # The pooled sector is named whatever its activity, and has no table of its own.
    nord = world["nord"].pk
    assert catalogue.pooled[nord] == [world["sectors"][2].pk]
    assert world["sectors"][2].pk not in catalogue.territories


@pytest.mark.slow
def test_a_published_table_never_changes_and_late_data_waits(client, monkeypatch):
    """Publish March; late March contacts arrive; publish Q1: nothing released moves.

    (A three-month agreement keeps the test quick: Q1 is also the agreement's whole period.)
    """
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: TODAY)
    world = _world(ends_on=dt.date(2025, 3, 31))
    _activity(world, random.Random(5), range(1, 4), per_month=(3, 12))
    sign_in(client, world["funder"])
    url = reverse("reports:funder_dashboard", args=[world["agreement"].pk])
    nord = world["nord"].pk
    march = client.get(url, {"territory": nord, "period": "month", "day": "2025-03-15"})
    assert march.status_code == 200
    march_release = ReleasedTable.objects.get(
        territory_id=nord, period_start=dt.date(2025, 3, 1), period_kind="month"
    )
    before = dict(march_release.values), list(march_release.hidden)
    assert ReleaseSnapshot.objects.filter(month=dt.date(2025, 3, 1)).exists()
    # Late contacts for March (and a little for April, not yet published).
    contacts(night(world["team"], dt.date(2025, 3, 20), territory=world["nord"]), 2, age_band="13_14")
    quarter = client.get(url, {"territory": nord, "period": "quarter", "day": "2025-02-01"})
    whole = client.get(url, {"territory": nord, "period": "agreement"})
    assert quarter.status_code == whole.status_code == 200
    assert whole.context["report"].period == quarter.context["report"].period
    again = client.get(url, {"territory": nord, "period": "month", "day": "2025-03-15"})
    march_release.refresh_from_db()
    assert (dict(march_release.values), list(march_release.hidden)) == before
    assert [f.value for f in again.context["report"].headline] == [
        f.value for f in march.context["report"].headline
    ]
    # The quarter adds up with the released months (late data waits), for every shown figure.
    q = quarter.context["report"]
    for day in ("2025-01-15", "2025-02-15"):
        assert client.get(url, {"territory": nord, "period": "month", "day": day}).status_code == 200
    months = [
        ReleasedTable.objects.get(territory_id=nord, period_start=dt.date(2025, m, 1), period_kind="month")
        for m in (1, 2, 3)
    ]
    key = f"{nord}|20250101-20250331|contacts"
    quarter_release = ReleasedTable.objects.get(
        territory_id=nord, period_kind="quarter", period_start=dt.date(2025, 1, 1)
    )
    assert quarter_release.values[key] == sum(
        r.values[key.replace("20250101-20250331", f"2025{m:02d}01-2025{m:02d}{d}")]
        for r, m, d in zip(months, (1, 2, 3), ("31", "28", "31"), strict=True)
    )
    live_march = MonthlyRollup.objects.filter(month=dt.date(2025, 3, 1), dimension="contacts")
    assert (
        live_march.aggregate(n=Sum("count"))["n"]
        == months[2].values[key.replace("20250101-20250331", "20250301-20250331")] + 2
    )
    assert q.audit["narrowest"] is None or q.audit["narrowest"] >= K
    with pytest.raises(ReleaseIsFrozen):
        march_release.save()
    with pytest.raises(ReleaseIsFrozen):
        ReleasedTable.objects.all().delete()
    # And everything published so far, side by side, still holds.
    published, info = _download_everything(client, world, TerritoryTree())
    _assert_safe(published, info)


def _ledger_as_published() -> dict:
    """Everything in the release ledger, as a reader holding every publication sees it."""
    published = {}
    for release in ReleasedTable.objects.all():
        for key, value in release.values.items():
            territory, span, measure = key.split("|", 2)
            if measure.startswith("activity:"):
                continue
            node = int(territory) if territory.isdigit() else territory
            start, end = span.split("-")
            dated = (node, dt.date.fromisoformat(start), dt.date.fromisoformat(end), measure)
            _put(published, dated, None if key in release.hidden else value)
    return published


@pytest.mark.slow
def test_national_report_on_very_sparse_data():
    """A few hundred young people over 59 départements, most with fewer than k (like the 119's review).

    The national yearly report: its rows are the régions (a funder's catalogue has tables for the
    agreement's own territories only; what lies below is a row of their territory grid).
    """
    rng = random.Random(119)
    funded = OrganisationFactory(name="Plateforme nationale")
    national = Territory.objects.get(level=TerritoryLevel.NATIONAL)
    regions = sorted(
        Territory.objects.filter(level=TerritoryLevel.REGION),
        key=lambda r: -Territory.objects.filter(parent=r).count(),
    )
    departements = [d for r in regions for d in Territory.objects.filter(parent=r).order_by("code")][:59]
    team = TeamFactory(organisation=funded, territories=departements)
    funder = FunderUserFactory()
    agreement = FundingAgreementFactory(
        funder=funder.organisation, starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31)
    )
    agreement.funded.set([funded])
    agreement.territories.set([national])
    counts = {d.pk: 1 for d in departements}
    for d in rng.sample(departements, 12):
        counts[d.pk] = rng.randint(2, 30)
    for d in departements:
        session = night(team, dt.date(2025, 1, rng.randint(5, 25)), territory=d)
        for _ in range(counts[d.pk]):
            contacts(
                session,
                1,
                age_band=rng.choice(AGES),
                gender=rng.choice(GENDERS),
                known_to_child_welfare=rng.choice(["yes", "no"]),
            )
    tree = TerritoryTree()
    report = funder_table(agreement, territory_id=national.pk, kind="year", day=None, tree=tree, today=TODAY)
    total = sum(counts.values())
    assert total > 200
    assert report.figure("contacts").value == total, "the national total is shown in clear"
    catalogue = build_catalogue(agreement, tree=tree, today=TODAY)
    assert catalogue.territories == [national.pk]
    for region in catalogue.rows[national.pk]:
        with pytest.raises(NotInCatalogue):
            funder_table(agreement, territory_id=region, kind="year", day=None, tree=tree, today=TODAY)
    for period in catalogue.periods:
        funder_table(
            agreement, territory_id=national.pk, kind=period.kind, day=period.start, tree=tree, today=TODAY
        )
    published = _ledger_as_published()
    year = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    for d in departements:
        assert not any(key[0] == d.pk for key in published), f"{d} is published on its own"
    # No lone young person's attribute can be read off zeros: every hidden cell stays k wide.
    months = [(m.start, m.end) for m in catalogue.months]
    rows = {t: catalogue.rows[t] for t in catalogue.territories}
    eq, ub = attacker.relations(published, rows=rows, pools=set(), months=months)
    found = attacker.ranges(published, eq, ub)
    narrow = {k: r for k, r in found.items() if r[1] - r[0] < K - 1e-6 and r[1] > 1e-6}
    assert not narrow, list(narrow.items())[:5]
    # A small région (its row hidden) is not shown street or digital either, zero or not — unless
    # the national figure is a published 0, which already says so of every région.
    small = [
        region
        for region in catalogue.rows[national.pk]
        if 0 < sum(counts[d.pk] for d in departements if d.parent_id == region) < K
    ]
    assert small, "the data must hold small régions for the test to mean anything"
    for region in small:
        assert published[(region, *year, "contacts")] is None
        for measure in ("kind:street", "kind:digital"):
            if published[(national.pk, *year, measure)] != 0:
                assert published[(region, *year, measure)] is None


def test_publish_catalogue_releases_every_table_and_pages_then_only_read_the_ledger(monkeypatch):
    world = _world(ends_on=dt.date(2025, 3, 31))
    _activity(world, random.Random(5), range(1, 4), per_month=(0, 9))
    out = io.StringIO()
    call_command("publish_catalogue", date=TODAY, stdout=out)
    catalogue = build_catalogue(world["agreement"], tree=TerritoryTree(), today=TODAY)
    tables = len(catalogue.territories) * len(catalogue.periods)
    assert ReleasedTable.objects.count() == tables
    assert f"{tables} table(s) released" in out.getvalue()
    call_command("publish_catalogue", date=TODAY, stdout=out)  # nothing new: nothing planned
    assert ReleasedTable.objects.count() == tables

    def no_plan(*args, **kwargs):
        raise AssertionError("a released table is read from the ledger, never planned again")

    monkeypatch.setattr("outreach.reporting.publication.protection_plan", no_plan)
    for period in catalogue.periods:
        report = funder_table(
            world["agreement"],
            territory_id=world["nord"].pk,
            kind=period.kind,
            day=period.start,
            tree=TerritoryTree(),
            today=TODAY,
        )
        assert report.audit["narrowest"] is None or report.audit["narrowest"] >= K
