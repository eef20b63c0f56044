"""Charts of a report, drawn on the server with matplotlib (SVG for screens, PNG for print).

Charts only ever read a `Report`'s published figures: a suppressed count is drawn as an empty,
hatched bar labelled as suppressed, never as its value.
"""

from __future__ import annotations

import base64
import io

from django.utils.translation import gettext as _

# The object-oriented API only (no pyplot): no global state, safe in threaded servers.
from matplotlib.figure import Figure as MplFigure

from outreach.reporting.report_layout import Breakdown, Grid, Report

INK = "#111827"
STREET = "#1d4ed8"
DIGITAL = "#b45309"
MUTED = "#9ca3af"


def _render(figure: MplFigure, fmt: str) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(
        buffer, format=fmt, dpi=150 if fmt == "png" else 100, bbox_inches="tight", metadata=_meta(fmt)
    )
    return buffer.getvalue()


def _meta(fmt: str) -> dict:
    # No creation date in the files: the same report gives the same bytes.
    return {"Date": None} if fmt == "svg" else {"Software": None}


def data_uri(content: bytes, fmt: str) -> str:
    mime = "image/svg+xml" if fmt == "svg" else "image/png"
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def breakdown_chart(breakdown: Breakdown, *, fmt: str = "svg") -> bytes:
    """Horizontal bars of the shares (%), suppressed cells hatched and labelled."""
    figures = breakdown.figures
    height = 0.45 * len(figures) + 0.9
    figure = MplFigure(figsize=(6.4, height))
    axes = figure.subplots()
    labels = [f.label for f in figures][::-1]
    positions = range(len(figures))
    shares = [f.percent if f.percent is not None else 0 for f in figures][::-1]
    hidden = [f.suppressed for f in figures][::-1]
    bars = axes.barh(
        list(positions), shares, color=[MUTED if h else STREET for h in hidden], edgecolor=INK, linewidth=0.4
    )
    for bar, is_hidden, share in zip(bars, hidden, shares, strict=True):
        if is_hidden:
            bar.set_hatch("///")
            bar.set_width(2)
            text = _("suppressed")
        else:
            text = f"{share} %"
        axes.text(
            bar.get_width() + 1, bar.get_y() + bar.get_height() / 2, text, va="center", fontsize=8, color=INK
        )
    axes.set_yticks(list(positions), labels, fontsize=8)
    axes.set_xlim(0, 110)
    axes.set_xlabel(breakdown.base, fontsize=8)
    axes.set_title(breakdown.title, fontsize=10, loc="left", color=INK)
    axes.spines[["top", "right"]].set_visible(False)
    return _render(figure, fmt)


def series_chart(grid: Grid, *, fmt: str = "svg", previous: Grid | None = None) -> bytes:
    """Contacts per week or month, street and digital; suppressed points left as gaps."""
    figure = MplFigure(figsize=(6.4, 2.8))
    axes = figure.subplots()
    labels = [row.label for row in grid.rows]
    x = list(range(len(labels)))
    for index, (name, colour) in enumerate(zip(grid.columns, (STREET, DIGITAL), strict=False)):
        values = [row.cells[index].value for row in grid.rows]
        axes.plot(x, [float("nan") if v is None else v for v in values], marker="o", label=name, color=colour)
        gaps = [i for i, v in enumerate(values) if v is None]
        if gaps:
            axes.plot(gaps, [0] * len(gaps), linestyle="none", marker="x", color=MUTED)
    if previous is not None and previous.rows:
        totals = [row.total.value for row in previous.rows][: len(x)]
        axes.plot(
            x[: len(totals)],
            [float("nan") if v is None else v for v in totals],
            linestyle="--",
            color=MUTED,
            label=_("Previous period (total)"),
        )
    axes.set_xticks(
        x,
        labels,
        fontsize=7,
        rotation=45 if len(labels) > 6 else 0,
        ha="right" if len(labels) > 6 else "center",
    )
    axes.set_ylabel(_("contacts"), fontsize=8)
    axes.set_ylim(bottom=0)
    axes.set_title(grid.title + " — " + _("× = suppressed"), fontsize=10, loc="left", color=INK)
    axes.legend(fontsize=7, frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    return _render(figure, fmt)


def report_charts(report: Report, *, fmt: str = "svg") -> dict[str, str]:
    """Every chart of a report as a data URI, keyed by breakdown code ("series" for the series)."""
    charts = {}
    for breakdown in report.breakdowns:
        if breakdown.code in {"age", "gender", "concern", "action", "orient", "platform", "hour", "ase"}:
            charts[breakdown.code] = data_uri(breakdown_chart(breakdown, fmt=fmt), fmt)
    series = next((g for g in report.grids if g.code == "series"), None)
    if series is None:  # a month's funder table has no rows finer than the month
        return charts
    previous = (
        next((g for g in report.previous.grids if g.code == "series"), None) if report.previous else None
    )
    charts["series"] = data_uri(series_chart(series, fmt=fmt, previous=previous), fmt)
    return charts
