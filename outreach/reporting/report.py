"""Turn the counts of one scope into a report, with disclosure control applied.

What the report then shows, and its layout, is report_layout.py.

Every count that reaches a reader is a cell of one `CellSystem`, with the additive relations a
reader could use (partitions of the contacts, table rows, columns and margins), so
`disclosure.protect` sees everything at once. Sessions and outreach hours describe the teams'
work, not young people: they are shown as they are.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from outreach.choices import (
    MINOR_AGE_BANDS,
    AgeBand,
    Gender,
    PartnerCategory,
    YesNoUnknown,
)
from outreach.models import Action, Concern, PlatformCategory, Team
from outreach.reporting import custom_fields, custom_measures, disclosure
from outreach.reporting.aggregate import RawCounts, ReportScope, load_counts
from outreach.reporting.periods import Period, bucket_start, series_buckets
from outreach.reporting.report_layout import (
    KINDS,
    LEVELS,
    SLOT_REQUEST_CHOICES,
    Breakdown,
    Figure,
    Report,
    assemble_report,
)
from outreach.reporting.territories import TerritoryTree
from outreach.timebands import HourBand

# The digital funnel's stages: report cell, roll-up dimension (requests are summed from categories).
DIGITAL_STAGES = [
    ("dig:spotted", "slot_spotted"),
    ("dig:messages", "slot_messages"),
    ("dig:conversations", "slot_conversations"),
    ("dig:requests", None),
    ("dig:orientations", "slot_orientations"),
]


def _sum(raw: RawCounts, dimension: str, value: str = "", kind: str | None = None, territories=None) -> int:
    return sum(
        n
        for (territory, k, dim, val), n in raw.cells.items()
        if dim == dimension
        and val == value
        and (kind is None or k == kind)
        and (territories is None or territory in territories)
    )


def build_report(
    scope: ReportScope,
    *,
    tree: TerritoryTree | None = None,
    disclose: bool = True,
    with_teams: bool = False,
    previous: Period | None = None,
    all_custom_fields: bool = False,
) -> Report:
    """The report for this scope. With `disclose`, small counts and what would reveal them are hidden.

    The organisations' own fields: only those marked reportable, or all with `all_custom_fields`
    (the coordinator's own report).
    """
    tree = tree or TerritoryTree()
    raw = load_counts(scope, tree)
    limit = disclosure.threshold()
    system = disclosure.CellSystem()
    add = system.add

    contacts = add("contacts", _sum(raw, "contacts"))
    for kind, _label in KINDS:
        add(f"kind:{kind}", _sum(raw, "contacts", kind=kind))
    system.relate(contacts, [f"kind:{k}" for k, _ in KINDS])

    partitions = [
        ("level", "level", LEVELS),
        ("age", "age_band", list(AgeBand.choices)),
        ("gender", "gender", list(Gender.choices)),
        ("ase", "known_ase", list(YesNoUnknown.choices)),
        ("hour", "hour_band", list(HourBand.choices)),
    ]
    for prefix, dimension, choices in partitions:
        for code, _label in choices:
            add(f"{prefix}:{code}", _sum(raw, dimension, code))
        system.relate(contacts, [f"{prefix}:{code}" for code, _ in choices])
    add("minors", sum(system.values[f"age:{band}"] for band in MINOR_AGE_BANDS))
    system.relate("minors", [f"age:{band}" for band in MINOR_AGE_BANDS])
    add("first", _sum(raw, "first_contact"))
    add("followup", system.values["level:exchange"] - system.values["first"])
    system.relate("level:exchange", ["first", "followup"])
    add("tallies", sum(n for (_t, _k, dim, _v), n in raw.cells.items() if dim == "tally"))
    add("met", system.values["contacts"] + system.values["tallies"])
    system.relate("met", ["contacts", "tallies"])
    add("persons", raw.persons)
    add("persons_again", raw.persons_met_again)
    add("oriented", _sum(raw, "oriented"))
    add("conversation", _sum(raw, "conversation"))
    # The digital funnel entered per platform and slot; requests partition by category.
    for key, dimension in DIGITAL_STAGES:
        if dimension:
            add(key, sum(n for (_t, _k, dim, _v), n in raw.cells.items() if dim == dimension))
    for code, _label in SLOT_REQUEST_CHOICES:
        add(f"dig_req:{code}", _sum(raw, "slot_requests", code))
    add("dig:requests", sum(system.values[f"dig_req:{code}"] for code, _l in SLOT_REQUEST_CHOICES))
    system.relate("dig:requests", [f"dig_req:{code}" for code, _l in SLOT_REQUEST_CHOICES])

    concerns = [(c.code, c.label) for c in Concern.objects.all()]
    actions = [(a.code, a.label) for a in Action.objects.all()]
    platforms = [(p.code, p.label) for p in PlatformCategory.objects.all()]
    multi = [
        ("concern", "concern", concerns),
        ("action", "action", actions),
        ("orient", "orientation", list(PartnerCategory.choices)),
        ("platform", "platform", platforms),
    ]
    for prefix, dimension, choices in multi:
        for code, _label in choices:
            add(f"{prefix}:{code}", _sum(raw, dimension, code))

    own_fields = custom_fields.add_to_system(
        system,
        raw,
        custom_fields.report_fields(scope.organisation_ids, reportable_only=not all_custom_fields),
        "contacts",
    )

    # Territory × kind, sparse children pooled into one row of the parent.
    root = scope.territory_id
    by_child: dict[int, dict[str, int]] = {}
    for (territory, kind, dim, _v), n in raw.cells.items():
        if dim == "contacts":
            row = by_child.setdefault(tree.child_towards(root, territory), {k: 0 for k, _ in KINDS})
            row[kind] += n
    pooled_ids = [c for c, row in by_child.items() if disclose and sum(row.values()) < limit]
    pooled_ids += [root] if root in by_child and disclose and root not in pooled_ids else []
    territory_rows = []
    for child in sorted(set(by_child) - set(pooled_ids), key=lambda c: tree.nodes[c].label):
        territory_rows.append((f"terr:{child}", tree.nodes[child].label, by_child[child]))
    if pooled_ids:
        merged = {k: sum(by_child[c][k] for c in pooled_ids) for k, _ in KINDS}
        label = _("Other areas of %(name)s (pooled)") % {"name": tree.nodes[root].label}
        territory_rows.append(("terr:other", label, merged))
    _grid_cells(system, territory_rows)

    buckets = series_buckets(scope.period)
    series_rows = [
        (
            f"series:{b.start}",
            b.label,
            # Raw series are keyed by the whole week's (or month's) start; the first bucket may be clipped.
            {k: raw.series.get((bucket_start(b.kind, b.start), k), 0) for k, _ in KINDS},
        )
        for b in buckets
    ]
    _grid_cells(system, series_rows)
    team_rows = []
    if with_teams:
        names = dict(Team.objects.filter(id__in={t for t, _ in raw.teams}).values_list("id", "name"))
        for team_id in sorted(names, key=names.get):
            team_rows.append(
                (f"team:{team_id}", names[team_id], {k: raw.teams.get((team_id, k), 0) for k, _ in KINDS})
            )
        _grid_cells(system, team_rows)

    hidden = disclosure.protect(system, limit=limit) if disclose else set()
    shown = disclosure.publish(system, hidden)
    activity_values = {f"sessions:{k}": _sum(raw, "sessions", kind=k) for k, _ in KINDS}
    activity_values |= {f"minutes:{k}": _sum(raw, "minutes", kind=k) for k, _ in KINDS}
    extra = []
    for own in own_fields:
        figures = [
            Figure(cell, str(label), shown[cell], disclosure.percent(shown[cell], shown["contacts"]))
            for cell, label in custom_fields.figures(own)
        ]
        extra.append(Breakdown(f"cf{own.pk}", custom_fields.title(own), figures, _("share of contacts")))
    done_sessions = sum(_sum(raw, "sessions", kind=k) for k, _ in KINDS)
    debrief_fields = custom_fields.report_fields(
        scope.organisation_ids, reportable_only=not all_custom_fields, target="debrief"
    )
    for own, rows in custom_fields.session_breakdowns(raw, debrief_fields, done_sessions):
        figures = [Figure(cell, str(label), n, pct) for cell, label, n, pct in rows]
        extra.append(Breakdown(f"cf{own.pk}", custom_fields.title(own), figures, _("share of sessions")))
    report = assemble_report(
        territory_label=tree.nodes[root].label,
        period=scope.period,
        disclose=disclose,
        limit=limit,
        shown=shown,
        activity_values=activity_values,
        grids=[
            ("territory", _("By territory"), [(key, label) for key, label, _r in territory_rows]),
            ("series", _("Contacts per week or month"), [(key, label) for key, label, _r in series_rows]),
            *([("team", _("By team"), [(key, label) for key, label, _r in team_rows])] if with_teams else []),
        ],
        multi={"concern": concerns, "action": actions, "platform": platforms},
        pooled=[tree.nodes[c].label for c in pooled_ids if c != root],
        extra_breakdowns=extra,
    )
    if all_custom_fields:
        report.measures = _measures(scope, tree, disclose=disclose, limit=limit)
    report.system, report.hidden = system, hidden
    if previous is not None:
        before = ReportScope(scope.organisation_ids, scope.territory_id, previous, scope.team_ids)
        report.previous = build_report(
            before, tree=tree, disclose=disclose, with_teams=False, all_custom_fields=all_custom_fields
        )
    return report


def _measures(scope: ReportScope, tree: TerritoryTree, *, disclose: bool, limit: int) -> list[Breakdown]:
    """Number and date fields of the coordinator's own report, shown as measured."""
    measured = custom_measures.measure(
        custom_measures.contacts_in(scope, tree),
        custom_measures.measured_fields(scope.organisation_ids),
        disclose=disclose,
        limit=limit,
    ) + custom_measures.measure(
        # Debrief fields describe the teams' nights, not young people: shown as they are, like
        # the debrief choice fields, sessions and hours (ADR 017), in exports too.
        custom_measures.sessions_in(scope, tree),
        custom_measures.measured_fields(scope.organisation_ids, target="debrief"),
        disclose=False,
        limit=limit,
    )
    out = []
    for own, rows in measured:
        figures = [Figure(cell, str(label), value) for cell, label, value in rows]
        out.append(Breakdown(f"cf{own.pk}", custom_measures.title(own), figures, ""))
    return out


def _grid_cells(system: disclosure.CellSystem, rows) -> None:
    """Rows × kinds with row totals; columns add up to the kind totals already in the system."""
    for key, _label, by_kind in rows:
        for kind, _l in KINDS:
            system.add(f"{key}:{kind}", by_kind[kind])
        system.add(key, sum(by_kind.values()))
        system.relate(key, [f"{key}:{k}" for k, _ in KINDS])
    if rows:
        for kind, _l in KINDS:
            system.relate(f"kind:{kind}", [f"{key}:{kind}" for key, _label, _r in rows])
        system.relate("contacts", [key for key, _label, _r in rows])
