"""Recompute every reporting roll-up from contacts and sessions (after a restore or a bug fix)."""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from outreach.models import ActivityRollup, PersonRollup
from outreach.reporting.rollups import rebuild_all


class Command(BaseCommand):
    help = "Recompute the reporting roll-up tables from the contact and session rows."

    def add_arguments(self, parser):
        parser.add_argument("--chunk-days", type=int, default=31, help="Service days recomputed per pass.")
        parser.add_argument(
            "--since",
            type=dt.date.fromisoformat,
            help="Only recompute from this month on (keeps the aggregates of purged contacts).",
        )
        parser.add_argument(
            "--recent-days",
            type=int,
            help="Only recompute the months holding the last N days (the nightly repair job).",
        )

    def handle(self, *args, chunk_days: int, since: dt.date | None, recent_days: int | None, **options):
        if recent_days is not None:
            if recent_days < 1:
                raise CommandError("--recent-days must be at least 1.")
            since = timezone.localdate() - dt.timedelta(days=recent_days)
        started = time.perf_counter()
        rebuild_all(chunk_days=chunk_days, since=since)
        self.stdout.write(
            f"Rebuilt {ActivityRollup.objects.count()} roll-up rows and "
            f"{PersonRollup.objects.count()} person rows in {time.perf_counter() - started:.1f} s."
        )
