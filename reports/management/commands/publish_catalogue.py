"""Release the funders' catalogue tables that are due, so pages and e-mails only read the ledger.

Run it daily, before the summaries (the maraude-funder-summaries service does):

manage.py publish_catalogue                 # every agreement, today
manage.py publish_catalogue --agreement 12 --date 2026-04-01

The first release of a month freezes it (docs/adr/016-joint-disclosure-control.md): contacts
synced later for that month wait for coordinators' reports only.
"""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from outreach.models import FundingAgreement
from outreach.reporting.publication import PublicationBlocked, publish_catalogue
from outreach.reporting.territories import TerritoryTree


class Command(BaseCommand):
    help = "Protect and release every table of the funders' catalogues not released yet."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=dt.date.fromisoformat, help="Pretend today is this date.")
        parser.add_argument("--agreement", type=int, action="append", dest="agreements", help="Agreement id.")

    def handle(self, *args, date, agreements, **options):
        today = date or timezone.localdate()
        tree = TerritoryTree()
        rows = FundingAgreement.objects.filter(starts_on__lt=today).order_by("pk")
        if agreements:
            rows = rows.filter(pk__in=agreements)
        failed = 0
        for agreement in rows:
            started = time.perf_counter()
            try:
                released = publish_catalogue(agreement, tree=tree, today=today)
            except PublicationBlocked as exc:
                failed += 1
                self.stderr.write(f"Agreement {agreement.pk}: blocked ({exc}).")
                continue
            seconds = time.perf_counter() - started
            self.stdout.write(f"Agreement {agreement.pk}: {released} table(s) released in {seconds:.1f} s.")
        if failed:
            raise SystemExit(1)
