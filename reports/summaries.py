"""Scheduled funder summaries: one e-mail per recipient, with the PDF report attached."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from outreach import journal
from outreach.models import FunderSummarySchedule
from outreach.reporting.aggregate import ReportScope
from outreach.reporting.exports import report_csv
from outreach.reporting.periods import last_complete
from outreach.reporting.report import build_report
from outreach.reporting.territories import TerritoryTree
from reports.pdf import report_pdf


@dataclass
class SentSummary:
    schedule_id: int
    period_start: dt.date
    recipients: list[str]


def send_due_summaries(
    *,
    today: dt.date,
    frequency: str | None = None,
    schedule_ids: list[int] | None = None,
    recipients: list[str] | None = None,
    force: bool = False,
    dry_run: bool = False,
) -> list[SentSummary]:
    """Send each active schedule's last complete period once (again with `force`).

    `recipients` replaces the schedules' own list (for a test run to oneself).
    """
    schedules = FunderSummarySchedule.objects.filter(is_active=True).select_related("agreement__funder")
    if frequency:
        schedules = schedules.filter(frequency=frequency)
    if schedule_ids:
        schedules = schedules.filter(pk__in=schedule_ids)
    tree = TerritoryTree()
    sent = []
    for schedule in schedules:
        agreement = schedule.agreement
        period = last_complete(schedule.frequency, today).clamp(agreement.starts_on, agreement.ends_on)
        if period is None or (schedule.last_period_sent == period.start and not force):
            continue
        to = recipients or schedule.recipient_list()
        if not to:
            continue
        previous = period.previous().clamp(agreement.starts_on, agreement.ends_on)
        funded = frozenset(agreement.funded.values_list("id", flat=True))
        reports = [
            build_report(ReportScope(funded, territory.id, period), tree=tree, previous=previous)
            for territory in agreement.territories.all()
        ]
        if dry_run:
            sent.append(SentSummary(schedule.pk, period.start, to))
            continue
        title = _("Outreach activity — %(ref)s") % {"ref": agreement.reference}
        attachments = []
        for report in reports:
            stem = f"maraude-{agreement.reference}-{report.territory_label}-{period.start}".replace(" ", "_")
            attachments.append((f"{stem}.pdf", report_pdf(report, title=title), "application/pdf"))
            attachments.append((f"{stem}.csv", report_csv(report), "text/csv"))
        body = render_to_string(
            "reports/summary_email.txt", {"agreement": agreement, "reports": reports, "period": period}
        )
        subject = f"[Maraude] {title} · {period.label}"
        for address in to:
            message = EmailMessage(subject=subject, body=body, to=[address])
            for name, content, mime in attachments:
                message.attach(name, content, mime)
            message.send()
            journal.log_summary_sent(
                recipient=address,
                what=f"funder:{agreement.reference}",
                start=period.start.isoformat(),
                end=period.end.isoformat(),
            )
        schedule.last_period_sent = period.start
        schedule.save(update_fields=["last_period_sent"])
        sent.append(SentSummary(schedule.pk, period.start, to))
    return sent
