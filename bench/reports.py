"""Report speed at scale: roll-ups versus one hand-written GROUP BY over the contact table.

Needs PostgreSQL. Creates a database (name contains "reports"), fills it with
`seed_demo --contacts N`, rebuilds the roll-ups, then times, in the same run:

* a funder's monthly report for one département (the full report: roll-ups, disclosure control);
* the national yearly report;
* for each, one hand-written SQL query (GROUP BY GROUPING SETS) over outreach_contact computing the
  contact-table figures of the same report, checked equal to the report's own counts;
* the incremental roll-up refresh for a sync-sized batch of contacts;
* with `--catalogue`, the joint protection of a funder's whole catalogue (docs/adr/016): the
  busiest département, its sectors as grid rows, over the last 1 and 5 years (`--years 1 5`): the
  first plan (joint protection and interval audit, cold), releasing every table of the catalogue
  (`publish_catalogue`, plan cached), and a funder page's table read back from the ledger.

    DEBUG=true .venv/bin/python bench/reports.py --contacts 1000000 --seed 7
    DEBUG=true .venv/bin/python bench/reports.py --database maraude_reports_bench --keep   # reuse
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database", help="Reuse this (already seeded) database.")
    parser.add_argument("--keep", action="store_true", help="Do not drop the database at the end.")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--catalogue", action="store_true", help="Time the funders' joint protection.")
    parser.add_argument("--months", type=int, default=12, help="Months of demo data to seed.")
    parser.add_argument("--years", type=int, nargs="+", default=[1, 5])
    args = parser.parse_args()

    host = "postgres://postgres@127.0.0.1:5432"
    name = args.database or f"maraude_reports_bench_{os.getpid()}"
    if "reports" not in name:
        parser.error("The database name must contain 'reports'.")
    fresh = args.database is None
    if fresh:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    os.environ["DATABASE_URL"] = f"{host}/{name}"
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maraude.settings")
    import django

    django.setup()
    try:
        run(args, fresh)
    finally:
        from django.db import connections

        connections.close_all()
        if fresh and not args.keep:
            subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)


def timed(function, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


BASELINE = """
SELECT c.kind, c.age_band, c.gender, c.known_to_child_welfare, c.hour_band, c.level,
       c.is_first_contact, COUNT(*),
       COUNT(DISTINCT (c.team_id, c.person_code)) FILTER (WHERE c.person_code <> '')
FROM outreach_contact c JOIN outreach_team t ON t.id = c.team_id
WHERE c.service_date BETWEEN %s AND %s AND t.organisation_id = ANY(%s) {territory}
GROUP BY GROUPING SETS ((), (c.kind), (c.age_band), (c.gender), (c.known_to_child_welfare),
                        (c.hour_band), (c.level), (c.level, c.is_first_contact))
"""


def baseline(scope, tree) -> dict[str, int]:
    """The report's contact-table figures (counts by kind, age band, gender, child welfare, hour
    band, degree of contact, first contacts, distinct persons) by one GROUP BY over outreach_contact."""
    from django.db import connection

    params = [scope.period.start, scope.period.end, list(scope.organisation_ids)]
    territory = ""
    if not tree.is_national(scope.territory_id):
        territory = "AND c.territory_id = ANY(%s)"
        params.append(list(tree.subtree(scope.territory_id)))
    with connection.cursor() as cursor:
        cursor.execute(BASELINE.format(territory=territory), params)
        rows = cursor.fetchall()
    out: dict[str, int] = {}
    for kind, age, gender, ase, hour, level, first, n, persons in rows:
        if all(v is None for v in (kind, age, gender, ase, hour, level, first)):
            out["contacts"] = n
            out["persons"] = persons
        elif kind:
            out[f"kind:{kind}"] = n
        elif age:
            out[f"age:{age}"] = n
        elif gender:
            out[f"gender:{gender}"] = n
        elif ase:
            out[f"ase:{ase}"] = n
        elif hour:
            out[f"hour:{hour}"] = n
        elif level and first is None:
            out[f"level:{level}"] = n
        elif level == "exchange" and first:
            out["first"] = n
    return out


def run(args, fresh: bool) -> None:
    from django.core.management import call_command
    from django.db.models import Count

    from outreach.choices import OrganisationKind, TerritoryLevel
    from outreach.models import ActivityRollup, Contact, MonthlyRollup, Organisation, Territory
    from outreach.reporting.aggregate import ReportScope
    from outreach.reporting.periods import period_containing
    from outreach.reporting.report import build_report
    from outreach.reporting.rollup_delta import contacts_changed
    from outreach.reporting.territories import TerritoryTree

    if fresh:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        call_command(
            "seed_demo",
            contacts=args.contacts,
            months=args.months,
            seed=args.seed,
            until=dt.date(2026, 10, 31),
        )
        print(f"seed_demo: {time.perf_counter() - started:.1f} s")
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would, before anything is measured
        started = time.perf_counter()
        call_command("rebuild_rollups")
        print(f"rebuild_rollups: {time.perf_counter() - started:.1f} s")
    contacts = Contact.objects.count()
    print(
        f"contacts: {contacts:,} · daily roll-up rows: {ActivityRollup.objects.count():,} · "
        f"monthly roll-up rows: {MonthlyRollup.objects.count():,}"
    )
    if args.catalogue:
        catalogue_figures(args)
        return
    tree = TerritoryTree()
    organisations = frozenset(
        Organisation.objects.filter(kind=OrganisationKind.OUTREACH).values_list("id", flat=True)
    )
    busiest = (
        Contact.objects.values("territory_id").annotate(n=Count("id")).order_by("-n").first()["territory_id"]
    )
    departement = next(t for t in tree.chain(busiest) if tree.nodes[t].level == TerritoryLevel.DEPARTEMENT)
    last = Contact.objects.order_by("-service_date").values_list("service_date", flat=True).first()
    month = period_containing("month", last.replace(day=1) - dt.timedelta(days=1))
    year = period_containing("year", month.start)
    national = Territory.objects.get(level=TerritoryLevel.NATIONAL).id
    cases = [
        (f"monthly report, département {tree.nodes[departement].label}, {month.label}", departement, month),
        (f"yearly national report, {year.label}", national, year),
    ]
    print(f"{'case':<58} {'report (s)':>11} {'SQL GROUP BY (s)':>17} {'ratio':>7}")
    for label, territory, period in cases:
        scope = ReportScope(organisations, territory, period)
        report_time, report = timed(
            lambda scope=scope: build_report(scope, tree=tree, previous=None), args.runs
        )
        sql_time, figures = timed(lambda scope=scope: baseline(scope, tree), args.runs)
        for key, value in figures.items():
            assert report.system.values[key] == value, (key, report.system.values[key], value)
        print(f"{label:<58} {report_time:>11.3f} {sql_time:>17.3f} {sql_time / report_time:>6.1f}×")
    # A sync batch: 50 contacts of one team's night (one bucket), the usual case.
    night = Contact.objects.values("team_id", "service_date").order_by("-service_date").first()
    same_night = list(Contact.objects.filter(**night).values_list("id", flat=True)[:50])
    refresh_time, buckets = timed(lambda: contacts_changed(same_night), 3)
    per_bucket = Contact.objects.filter(**night).count()
    label = f"contacts_changed(50 contacts, one night of {per_bucket} contacts)"
    print(f"{label}: {refresh_time:.3f} s ({buckets} bucket)")
    # The worst case: 100 contacts scattered over the year.
    ids = list(Contact.objects.values_list("id", flat=True)[:20000])
    batch = random.Random(args.seed).sample(ids, 100)
    refresh_time, buckets = timed(lambda: contacts_changed(batch), 3)
    print(f"contacts_changed(100 scattered contacts): {refresh_time:.3f} s ({buckets} buckets refreshed)")


def catalogue_figures(args) -> None:
    """The funders' catalogue of the busiest département with its sectors, over 1 and 5 years."""
    from django.core.cache import cache
    from django.db.models import Count

    from outreach.choices import OrganisationKind, TerritoryLevel
    from outreach.models import Contact, FundingAgreement, Organisation, ReleasedTable, Team
    from outreach.reporting.catalogue import build_catalogue
    from outreach.reporting.publication import funder_table, protection_plan, publish_catalogue
    from outreach.reporting.territories import TerritoryTree

    tree = TerritoryTree()
    busiest = (
        Contact.objects.values("territory_id").annotate(n=Count("id")).order_by("-n").first()["territory_id"]
    )
    departement = next(t for t in tree.chain(busiest) if tree.nodes[t].level == TerritoryLevel.DEPARTEMENT)
    funded = Organisation.objects.filter(teams__in=Team.objects.filter(territories=departement)).distinct()
    last = Contact.objects.order_by("-service_date").values_list("service_date", flat=True).first()
    end = last.replace(day=1) - dt.timedelta(days=1)
    funder = Organisation.objects.filter(kind=OrganisationKind.FUNDER).first()
    today = end + dt.timedelta(days=1)
    columns = ("tables", "cells", "hidden", "plan (s)", "release (s)", "page (s)")
    print(f"{'catalogue':<44} " + " ".join(f"{c:>11}" for c in columns))
    for years in args.years:
        start = today.replace(year=today.year - years)  # the last `years` years of whole months
        agreement = FundingAgreement.objects.create(
            funder=funder, reference=f"BENCH-{years}Y-{os.getpid()}", starts_on=start, ends_on=end
        )
        agreement.funded.set(funded)
        agreement.territories.set([departement])
        catalogue = build_catalogue(agreement, tree=tree, today=today)
        cache.clear()
        started = time.perf_counter()
        plan = protection_plan(catalogue, tree)  # the first compute: joint protection and audit
        cold = time.perf_counter() - started
        tables = [(t, p) for t in catalogue.territories for p in catalogue.periods]
        started = time.perf_counter()
        publish_catalogue(agreement, tree=tree, today=today)  # every table into the ledger
        release = time.perf_counter() - started
        page, _report = timed(
            lambda agreement=agreement: funder_table(
                agreement, territory_id=departement, kind="agreement", day=None, tree=tree, today=today
            ),
            args.runs,
        )
        label = f"{tree.nodes[departement].label}, {years} year(s), {len(catalogue.periods)} periods"
        print(
            f"{label:<44} {len(tables):>11} {len(plan.universe.publishable):>11} {len(plan.hidden):>11} "
            f"{cold:>11.2f} {release:>11.2f} {page:>11.3f}"
        )
        print(f"  audit: {plan.audit}")
    print(f"released tables in the ledger: {ReleasedTable.objects.count()}")


if __name__ == "__main__":
    main()
