"""What a report shows, and how it is laid out: figures, breakdowns, grids, from published values.

`report.build_report` computes a scope's cells and protects them; the funders' release ledger
stores published values (publication.py). Both end here: `assemble_report` turns the value of
each figure (None when suppressed) into the `Report` pages, CSV, PDF, charts and e-mails render.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outreach.choices import (
    AgeBand,
    Gender,
    PartnerCategory,
    RequestCategory,
    SessionKind,
    YesNoUnknown,
)
from outreach.models.counts import SLOT_REQUEST_CATEGORIES
from outreach.reporting import disclosure
from outreach.reporting.periods import Period
from outreach.timebands import HourBand

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
