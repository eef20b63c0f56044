"""Send funders their scheduled summaries. Run it daily from cron or a systemd timer:

manage.py send_funder_summaries            # every schedule whose last period is not sent yet
manage.py send_funder_summaries --frequency month --date 2026-04-01 --force
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from reports.summaries import send_due_summaries


class Command(BaseCommand):
    help = "E-mail each funding agreement's anonymised summary for its last complete period."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=dt.date.fromisoformat, help="Pretend today is this date.")
        parser.add_argument("--frequency", choices=["week", "month", "quarter", "year"])
        parser.add_argument("--schedule", type=int, action="append", dest="schedules", help="Schedule id.")
        parser.add_argument(
            "--recipient", action="append", dest="recipients", help="Send to this address instead."
        )
        parser.add_argument("--force", action="store_true", help="Send again a period already sent.")
        parser.add_argument("--dry-run", action="store_true", help="List what would be sent.")

    def handle(self, *args, date, frequency, schedules, recipients, force, dry_run, **options):
        sent = send_due_summaries(
            today=date or timezone.localdate(),
            frequency=frequency,
            schedule_ids=schedules,
            recipients=recipients,
            force=force,
            dry_run=dry_run,
        )
        verb = "Would send" if dry_run else "Sent"
        for item in sent:
            count = len(item.recipients)
            self.stdout.write(
                f"{verb} schedule {item.schedule_id} ({item.period_start}) to {count} recipient(s)."
            )
        if not sent:
            self.stdout.write("Nothing to send.")
