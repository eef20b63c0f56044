"""CSV export of a report: published figures only, one line per figure."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from outreach.reporting.report_layout import Report

HEADER = ["section", "item", "street", "digital", "count", "percent", "suppressed"]


def report_csv(report: Report) -> str:
    """The report as CSV text. Suppressed counts are written as empty with suppressed=yes."""
    if not report.disclosed:
        raise ValueError("Exports always go through disclosure control.")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["# Maraude", report.territory_label, report.period.start, report.period.end])
    writer.writerow(["# " + _("Counts under %(n)s are suppressed.") % {"n": report.threshold}])
    if report.audit:
        writer.writerow(
            [
                "# "
                + _(
                    "Audit: %(hidden)s cells suppressed in this table, %(total)s in the catalogue; "
                    "narrowest range of a suppressed cell: %(narrowest)s."
                )
                % {
                    "hidden": report.audit["hidden_in_table"],
                    "total": report.audit["hidden"],
                    "narrowest": report.audit["narrowest"],
                }
            ]
        )
    writer.writerow(HEADER)

    def line(section, figure, street="", digital=""):
        writer.writerow(
            [
                section,
                figure.label,
                street,
                digital,
                "" if figure.value is None else figure.value,
                "" if figure.percent is None else figure.percent,
                "yes" if figure.suppressed else "no",
            ]
        )

    for figure in report.activity:
        line("activity", figure)
    for figure in report.headline:
        line("headline", figure)
    for breakdown in report.breakdowns:
        # An organisation's own field is named too: its code (cf<id>) alone says nothing.
        section = f"{breakdown.code} {breakdown.title}" if breakdown.code.startswith("cf") else breakdown.code
        for figure in breakdown.figures:
            line(section, figure)
    for measured in report.measures:
        for figure in measured.figures:
            line(f"{measured.code} {measured.title}", figure)
    for grid in report.grids:
        for row in [*grid.rows, grid.totals]:
            street, digital = (("" if c.value is None else c.value) for c in row.cells)
            total = row.total.__class__(row.total.key, row.label, row.total.value)
            line(grid.code, total, street, digital)
    return out.getvalue()
