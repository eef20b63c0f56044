"""The printable report (PDF, WeasyPrint), with its charts as PNG."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from outreach.reporting.charts import report_charts
from outreach.reporting.report_layout import Report


def report_pdf(report: Report, *, title: str, subtitle: str = "") -> bytes:
    """The report as PDF bytes: published figures and charts only."""
    from weasyprint import CSS, HTML  # heavy import, only when a PDF is made

    if not report.disclosed:
        raise ValueError("Printed reports always go through disclosure control.")
    html = render_to_string(
        "reports/pdf.html",
        {
            "report": report,
            "charts": report_charts(report, fmt="png"),
            "title": title,
            "subtitle": subtitle,
            "generated": timezone.localdate(),
        },
    )
    stylesheet = CSS(filename=finders.find("reports/print.css"))
    return HTML(string=html).write_pdf(stylesheets=[stylesheet])
