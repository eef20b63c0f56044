"""The one door through which funder figures leave: catalogue → joint protection → audit → ledger.

`funder_table` is what the funder pages, downloads and e-mail summaries call. A table already in
the release ledger is served from it as it was published. Otherwise the whole catalogue of the
agreement is protected jointly, with every earlier release counted as known; the interval
audit must pass (else `PublicationBlocked`); then the table is recorded in the ledger and served.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import gettext as _

from outreach.models import Action, Concern, FundingAgreement, PlatformCategory
from outreach.reporting import disclosure, ledger
from outreach.reporting.catalogue import Catalogue, build_catalogue
from outreach.reporting.joint import PublicationBlocked, protect_jointly
from outreach.reporting.measures import KIND_CODES
from outreach.reporting.periods import Period
from outreach.reporting.report_layout import Report, assemble_report
from outreach.reporting.territories import TerritoryTree
from outreach.reporting.universe import PERSON_MEASURES, Universe, build_universe, cell, months_of, pool_node

CACHE_SECONDS = 6 * 3600
ACTIVITY = ("sessions:street", "sessions:digital", "minutes:street", "minutes:digital")

__all__ = ["Plan", "PublicationBlocked", "funder_table", "protection_plan", "publish_catalogue"]


class NotInCatalogue(Exception):
    """The requested table is not one the catalogue offers (wrong territory or period)."""


@dataclass
class Plan:
    catalogue: Catalogue
    universe: Universe
    hidden: set[str]
    audit: dict
    months: dict
    frozen: set[dt.date]


def protection_plan(catalogue: Catalogue, tree: TerritoryTree) -> Plan:
    """The joint protection of the whole catalogue, earlier releases fixed; audited."""
    limit = disclosure.threshold()
    months, frozen = ledger.month_data(
        catalogue.key, catalogue.organisation_ids, [m.start for m in catalogue.months]
    )
    universe = build_universe(catalogue, tree, months)
    released_hidden, released_shown = set(), set()
    for release in ledger.released_tables(catalogue.key):
        cells = {k: v for k, v in release.values.items() if "|activity:" not in k}
        if not all(k in universe.values for k in cells):
            continue  # a table of another catalogue of the same organisations, sharing no system
        for key, value in cells.items():
            if universe.values[key] != value:
                raise PublicationBlocked(f"Released cell {key} no longer matches its frozen months.")
            (released_hidden if key in release.hidden else released_shown).add(key)
    if released_hidden & released_shown:
        raise PublicationBlocked("A cell is hidden in one release and shown in another.")
    fingerprint = hashlib.sha256(
        repr(
            (
                catalogue.key,
                sorted(catalogue.rows.items()),
                [(p.kind, p.start, p.end) for p in catalogue.periods],
                sorted(months.items()),
                limit,
            )
        ).encode()
    ).hexdigest()
    cached = cache.get(f"maraude:protection:{fingerprint}")
    if cached is not None and not (released_hidden <= set(cached[0]) and not released_shown & set(cached[0])):
        cached = None  # released elsewhere with another pattern: protect again around it
    if cached is None:
        protection = protect_jointly(
            universe.values,
            universe.equalities,
            universe.inequalities,
            universe.groups,
            publishable=universe.publishable,
            limit=limit,
            released_hidden=released_hidden,
            released_shown=released_shown,
            keep=universe.totals(),
        )
        cached = (sorted(protection.hidden), protection.audit.figures())
        cache.set(f"maraude:protection:{fingerprint}", cached, CACHE_SECONDS)
    hidden, figures = cached
    return Plan(catalogue, universe, set(hidden), figures, months, frozen)


def funder_table(
    agreement: FundingAgreement,
    *,
    territory_id: int,
    kind: str,
    day: dt.date | None,
    tree: TerritoryTree,
    today: dt.date,
    compare: bool = True,
) -> Report:
    """The published table (and the previous period's, for comparison) of this agreement."""
    catalogue = build_catalogue(agreement, tree=tree, today=today)
    period = catalogue.find_period(kind, day)
    if territory_id not in catalogue.rows or period is None:
        raise NotInCatalogue("No such table in the agreement's catalogue.")
    report = _published(catalogue, tree, territory_id, period, agreement.pk)
    previous = catalogue.previous(period) if compare else None
    if previous is not None:
        report.previous = _published(catalogue, tree, territory_id, previous, agreement.pk)
    return report


def publish_catalogue(agreement: FundingAgreement, *, tree: TerritoryTree, today: dt.date) -> int:
    """Release every table of the agreement's catalogue not released yet (one plan for all).

    Run daily (`manage.py publish_catalogue`) so that funder pages, downloads and e-mails only
    read the ledger. Returns the number of tables released now.
    """
    catalogue = build_catalogue(agreement, tree=tree, today=today)
    due = [
        (territory_id, period)
        for territory_id in catalogue.territories
        for period in catalogue.periods
        if ledger.find_release(catalogue.key, territory_id, period) is None
    ]
    plan = protection_plan(catalogue, tree) if due else None
    for territory_id, period in due:
        _release(catalogue, tree, territory_id, period, agreement.pk, plan=plan)
    return len(due)


def _published(catalogue: Catalogue, tree: TerritoryTree, territory_id: int, period: Period, agreement_id):
    release = _release(catalogue, tree, territory_id, period, agreement_id)
    return _report_from(catalogue, tree, territory_id, period, release)


def _release(catalogue, tree: TerritoryTree, territory_id: int, period: Period, agreement_id, plan=None):
    """The table from the ledger; else planned (or read from the cached plan) and recorded.

    `plan`: one plan of the whole catalogue shared by the tables released together (it stays
    valid as they freeze their months with the very data it was made from).
    """
    release = ledger.find_release(catalogue.key, territory_id, period)
    for _attempt in range(3):
        if release is not None:
            break
        plan = plan or protection_plan(catalogue, tree)
        keys = plan.universe.table_cells(territory_id, period)
        values = {key: plan.universe.values[key] for key in keys}
        activity = plan.universe.activity[(territory_id, period)]
        values |= {cell(territory_id, period, f"activity:{name}"): activity[name] for name in ACTIVITY}
        hidden = set(keys) & plan.hidden
        audit = {**plan.audit, "hidden_in_table": len(hidden)}
        try:
            release = ledger.record_release(
                universe=catalogue.key,
                territory_id=territory_id,
                period=period,
                values=values,
                hidden=hidden,
                audit=audit,
                months=plan.months,
                agreement_id=agreement_id,
                planned_frozen=plan.frozen,
            )
        except ledger.StalePlan:
            plan = None
            release = ledger.find_release(catalogue.key, territory_id, period)
            continue
        plan.frozen |= {m for m in plan.months if period.start <= m <= period.end}
    if release is None:
        raise PublicationBlocked("The table could not be released.")
    return release


def _report_from(catalogue, tree: TerritoryTree, territory_id: int, period: Period, release) -> Report:
    hidden = set(release.hidden)

    def value(key):
        return None if key in hidden else release.values[key]

    shown = {}
    measures = [k.split("|", 2)[2] for k in release.values if k.startswith(f"{territory_id}|")]
    for m in [*measures, *PERSON_MEASURES]:
        key = cell(territory_id, period, m)
        if key in release.values and not m.startswith("activity:"):
            shown[m] = value(key)
    grids = []
    nodes = catalogue.rows.get(territory_id, [])
    if cell(pool_node(territory_id), period, "contacts") in release.values:
        rows = []
        for node, local, label in [
            *((c, f"terr:{c}", tree.nodes[c].label) for c in nodes),
            (
                pool_node(territory_id),
                "terr:other",
                _("Other areas of %(name)s (pooled)") % {"name": tree.nodes[territory_id].label},
            ),
        ]:
            shown[local] = value(cell(node, period, "contacts"))
            for kind in KIND_CODES:
                shown[f"{local}:{kind}"] = value(cell(node, period, f"kind:{kind}"))
            rows.append((local, label))
        grids.append(("territory", _("By territory"), rows))
    months = months_of(catalogue, period)
    if months:
        rows = []
        for month in months:
            local = f"series:{month.start}"
            shown[local] = value(cell(territory_id, month, "contacts"))
            for kind in KIND_CODES:
                shown[f"{local}:{kind}"] = value(cell(territory_id, month, f"kind:{kind}"))
            rows.append((local, month.label))
        grids.append(("series", _("Contacts per month"), rows))
    activity = {name: release.values[cell(territory_id, period, f"activity:{name}")] for name in ACTIVITY}
    pooled = [tree.nodes[c].label for c in catalogue.pooled.get(territory_id, [])]
    report = assemble_report(
        territory_label=tree.nodes[territory_id].label,
        period=period,
        disclose=True,
        limit=release.audit["threshold"],
        shown=shown,
        activity_values=activity,
        grids=grids,
        multi={
            "concern": [(c.code, c.label) for c in Concern.objects.all()],
            "action": [(a.code, a.label) for a in Action.objects.all()],
            "platform": [(p.code, p.label) for p in PlatformCategory.objects.all()],
        },
        pooled=pooled,
    )
    report.audit = release.audit
    report.released_at = release.created_at
    report.hidden = set(hidden)
    return report
