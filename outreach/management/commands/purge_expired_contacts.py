"""manage.py purge_expired_contacts — run daily (systemd timer or the compose scheduler)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from outreach.services.retention import count_expired_contacts, purge_expired_contacts


class Command(BaseCommand):
    help = "Delete contacts older than RETENTION_DAYS (audited in the journal)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be deleted.")

    def handle(self, *args, dry_run: bool = False, **options):
        if dry_run:
            result = count_expired_contacts()
            verb = "would delete"
        else:
            result = purge_expired_contacts()
            verb = "deleted"
        self.stdout.write(
            f"{verb} {result.deleted} contact(s) older than {settings.RETENTION_DAYS} days "
            f"(before {result.cutoff.isoformat(timespec='seconds')})"
        )
