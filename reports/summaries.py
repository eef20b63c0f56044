"""Scheduled funder summaries: one e-mail per recipient, with the PDF report attached."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from outreach import journal
from outreach.models import FunderSummarySchedule
from outreach.reporting.catalogue import build_catalogue
from outreach.reporting.exports import report_csv
from outreach.reporting.periods import last_complete
from outreach.reporting.publication import PublicationBlocked, funder_table
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
        # Only tables of the fixed catalogue are ever sent: weekly schedules send nothing (ADR 016).
        catalogue = build_catalogue(agreement, tree=tree, today=today)
        period = catalogue.find_period(schedule.frequency, last_complete(schedule.frequency, today).start)
        if period is None or (schedule.last_period_sent == period.start and not force):
            continue
        to = recipients or schedule.recipient_list()
        if not to:
            continue
        if dry_run:
            sent.append(SentSummary(schedule.pk, period.start, to))
            continue
        try:
            reports = [
                funder_table(
                    agreement,
                    territory_id=territory_id,
                    kind=period.kind,
                    day=period.start,
                    tree=tree,
                    today=today,
                )
                for territory_id in catalogue.roots
            ]
        except PublicationBlocked:
            continue  # nothing leaves without passing the audit; tried again at the next run
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
