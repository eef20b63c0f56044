"""manage.py purge_sync_log — run nightly, next to purge_expired_contacts."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from outreach.services.sync_maintenance import purge_sync_log


class Command(BaseCommand):
    help = "Delete sync change log rows and push receipts older than SYNC_LOG_RETENTION_DAYS."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Override SYNC_LOG_RETENTION_DAYS.")

    def handle(self, *args, days: int | None = None, **options):
        result = purge_sync_log(days=days)
        self.stdout.write(
            f"deleted {result.log_rows} change log row(s) and {result.receipts} receipt(s) "
            f"older than {days or settings.SYNC_LOG_RETENTION_DAYS} days "
            f"(before {result.cutoff.isoformat(timespec='seconds')})"
        )
