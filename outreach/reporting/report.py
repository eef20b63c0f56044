"""Turn the counts of one scope into a report, with disclosure control applied.

Every count that reaches a reader is a cell of one `CellSystem`, with the additive relations a
reader could use (partitions of the contacts, table rows, columns and margins), so
`disclosure.protect` sees everything at once. Sessions and outreach hours describe the teams'
work, not young people: they are shown as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outreach.choices import (
    MINOR_AGE_BANDS,
    AgeBand,
    Gender,
    PartnerCategory,
    RequestCategory,
    SessionKind,
    YesNoUnknown,
)
from outreach.models import Action, Concern, PlatformCategory, Team
from outreach.models.counts import SLOT_REQUEST_CATEGORIES
from outreach.reporting import custom_fields, custom_measures, disclosure
from outreach.reporting.aggregate import RawCounts, ReportScope, load_counts
from outreach.reporting.periods import Period, bucket_start, series_buckets
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
DIGITAL_STAGE_LABELS = [
    ("dig:spotted", gettext_lazy("Profiles or ads spotted")),
    ("dig:messages", gettext_lazy("Messages sent")),
    ("dig:conversations", gettext_lazy("Conversations established")),
    ("dig:requests", gettext_lazy("Requests")),
    ("dig:orientations", gettext_lazy("Orientations")),
]
SLOT_REQUEST_CHOICES = [(c, label) for c, label in RequestCategory.choices if c in SLOT_REQUEST_CATEGORIES]
LEVELS = [("seen", gettext_lazy("Seen / briefly met")), ("exchange", gettext_lazy("Exchange"))]

KINDS = [
    (SessionKind.STREET.value, SessionKind.STREET.label),
    (SessionKind.DIGITAL.value, SessionKind.DIGITAL.label),
]


@dataclass
class Figure:
    key: str
    label: str
    value: int | None
    percent: int | None = None

    @property
    def suppressed(self) -> bool:
        return self.value is None


@dataclass
class Breakdown:
    code: str
    title: str
    figures: list[Figure]
    base: str  # what the percentages are a share of


@dataclass
class GridRow:
    label: str
    cells: list[Figure]
    total: Figure


@dataclass
class Grid:
    code: str
    title: str
    columns: list[str]
    rows: list[GridRow]
    totals: GridRow


@dataclass
class Report:
    territory_label: str
    period: Period
    disclosed: bool
    threshold: int
    headline: list[Figure]
    activity: list[Figure]
    breakdowns: list[Breakdown]
    grids: list[Grid]
    pooled_territories: list[str] = field(default_factory=list)
    # Number and date fields (coordinators only), shown as measured: custom_measures.py.
    measures: list[Breakdown] = field(default_factory=list)
    previous: Report | None = None
    # Funder publications: the interval audit's figures (cells hidden, narrowest range) and when
    # the table entered the release ledger (docs/adr/016-joint-disclosure-control.md).
    audit: dict | None = None
    released_at: object = None
    # What the disclosure control worked on: for audits and tests, never rendered.
    system: disclosure.CellSystem | None = field(default=None, repr=False)
    hidden: set[str] = field(default_factory=set, repr=False)

    def figure(self, key: str) -> Figure | None:
        for item in [*self.headline, *self.activity]:
            if item.key == key:
                return item
        for breakdown in self.breakdowns:
            for item in breakdown.figures:
                if item.key == key:
                    return item
        return None

    def _compared(self, figures: list[Figure]) -> list[tuple[Figure, Figure | None, int | None]]:
        out = []
        for item in figures:
            before = self.previous.figure(item.key) if self.previous else None
            delta = None
            if before is not None and item.value is not None and before.value is not None:
                delta = item.value - before.value
            out.append((item, before, delta))
        return out

    @property
    def headline_compared(self) -> list[tuple[Figure, Figure | None, int | None]]:
        """Each headline figure with the previous period's and the difference (when both shown)."""
        return self._compared(self.headline)

    @property
    def activity_compared(self) -> list[tuple[Figure, Figure | None, int | None]]:
        return self._compared(self.activity)

    @property
    def suppressed_count(self) -> int:
        cells = list(self.headline) + [f for b in self.breakdowns for f in b.figures]
        cells += [c for g in self.grids for r in [*g.rows, g.totals] for c in [*r.cells, r.total]]
        return sum(1 for c in cells if c.suppressed)


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


def assemble_report(
    *,
    territory_label: str,
    period: Period,
    disclose: bool,
    limit: int,
    shown: dict,
    activity_values: dict,
    grids: list,
    multi: dict,
    pooled: list[str],
    extra_breakdowns: list | None = None,
) -> Report:
    """A report from the published value of each figure (None when suppressed)."""

    def fig(key: str, label: str, base: str | None = "contacts") -> Figure:
        return Figure(key, label, shown[key], disclosure.percent(shown[key], shown[base]) if base else None)

    headline = [
        fig("met", _("Young people met or seen (with head counts)"), None),
        fig("contacts", _("Contacts recorded"), None),
        fig("persons", _("Distinct pseudonymous persons"), None),
        fig("persons_again", _("Persons met more than once"), "persons"),
        fig("first", _("First contacts"), "contacts"),
        fig("followup", _("Follow-up contacts"), "contacts"),
        fig("minors", _("Contacts with minors"), "contacts"),
        fig("ase:yes", _("Already known to child welfare"), "contacts"),
        fig("oriented", _("Contacts oriented to a partner service"), "contacts"),
    ]
    activity = []
    for kind, label in KINDS:
        activity.append(
            Figure(
                f"sessions:{kind}",
                _("Sessions — %(kind)s") % {"kind": label},
                activity_values[f"sessions:{kind}"],
            )
        )
        activity.append(
            Figure(
                f"hours:{kind}",
                _("Outreach hours — %(kind)s") % {"kind": label},
                round(activity_values[f"minutes:{kind}"] / 60),
            )
        )
    # Profiles spotted are in the digital funnel, under disclosure control with its other stages.

    def breakdown(code, title, prefix, choices, base="contacts", base_label=None):
        figures = [fig(f"{prefix}:{c}", str(label), base) for c, label in choices]
        return Breakdown(code, str(title), figures, str(base_label or _("share of contacts")))

    funnel = Breakdown(
        "funnel",
        str(_("From meeting to orientation")),
        [
            fig("met", _("Met or seen (contacts and head counts)"), "met"),
            fig("level:exchange", _("Exchanged with"), "met"),
            fig("followup", _("Followed up (met again)"), "met"),
            fig("oriented", _("Oriented to a partner service"), "met"),
        ],
        str(_("share of young people met")),
    )
    digital_funnel = Breakdown(
        "digital_funnel",
        str(_("Digital outreach funnel")),
        [fig(key, str(label), "dig:spotted") for key, label in DIGITAL_STAGE_LABELS],
        str(_("share of profiles or ads spotted")),
    )
    breakdowns = [
        breakdown("kind", _("Street and digital"), "kind", KINDS),
        breakdown("level", _("Degree of contact"), "level", LEVELS),
        breakdown("age", _("Age band"), "age", AgeBand.choices),
        breakdown("gender", _("Gender"), "gender", Gender.choices),
        breakdown("ase", _("Already known to child welfare"), "ase", YesNoUnknown.choices),
        breakdown("concern", _("Concerns observed"), "concern", multi["concern"]),
        breakdown("action", _("Actions taken"), "action", multi["action"]),
        breakdown("orient", _("Orientations by partner category"), "orient", PartnerCategory.choices),
        breakdown(
            "platform",
            _("Digital platforms"),
            "platform",
            multi["platform"],
            "kind:digital",
            _("share of digital contacts"),
        ),
        breakdown("hour", _("Hour band of the night"), "hour", HourBand.choices),
        funnel,
        digital_funnel,
        breakdown(
            "digital_requests",
            _("Digital requests by category"),
            "dig_req",
            SLOT_REQUEST_CHOICES,
            "dig:requests",
            _("share of requests"),
        ),
    ]
    breakdowns += extra_breakdowns or []
    return Report(
        territory_label=territory_label,
        period=period,
        disclosed=disclose,
        threshold=limit,
        headline=headline,
        activity=activity,
        breakdowns=breakdowns,
        grids=[_grid(code, title, rows, shown) for code, title, rows in grids],
        pooled_territories=pooled,
    )


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


def _grid(code: str, title: str, rows, shown: dict) -> Grid:
    def figure(key):
        return Figure(key, "", shown[key])

    return Grid(
        code=code,
        title=str(title),
        columns=[str(label) for _k, label in KINDS],
        rows=[
            GridRow(str(label), [figure(f"{key}:{k}") for k, _l in KINDS], figure(key)) for key, label in rows
        ],
        totals=GridRow(str(_("Total")), [figure(f"kind:{k}") for k, _l in KINDS], figure("contacts")),
    )
