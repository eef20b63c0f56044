"""Generate deterministic demo data: organisations, teams, sessions, contacts and one account per role."""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from outreach.demo.generate import build_demo
from outreach.demo.tonight import ensure_tonight
from outreach.models import Organisation
from outreach.reporting.rollups import rebuild_all
from outreach.timebands import PARIS


class Command(BaseCommand):
    help = "Create realistic, deterministic demo data (several organisations, months of activity)."

    def add_arguments(self, parser):
        parser.add_argument("--contacts", type=int, default=3000, help="How many contacts (default 3000).")
        parser.add_argument("--months", type=int, default=6, help="Months of past sessions (default 6).")
        parser.add_argument("--seed", type=int, default=2021, help="Random seed: same seed, same data.")
        parser.add_argument(
            "--until", type=dt.date.fromisoformat, default=None, help="Last day of activity (default today)."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the database already has organisations."
        )

    def handle(self, *args, **options):
        if Organisation.objects.exists():
            if options["if_empty"]:
                self.stdout.write("Demo data already present: nothing to do.")
                # A database left from an earlier day: tonight still has a session to open.
                self._tonight()
                return
            raise CommandError("The database already has organisations; seed_demo only fills an empty one.")
        if options["contacts"] < 0 or options["months"] < 1:
            raise CommandError("--contacts must be ≥ 0 and --months ≥ 1.")
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            if done % 100_000 == 0:
                self.stdout.write(f"  {done:,} / {total:,} contacts…")

        summary = build_demo(
            contacts=options["contacts"],
            months=options["months"],
            seed=options["seed"],
            until=options["until"],
            progress=progress,
        )
        # Reports read roll-ups, not contacts: bulk-loaded rows bypass the services, so rebuild once.
        rebuild_all()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: {summary.organisations} organisations, {summary.teams} teams, "
                f"{summary.sessions} sessions, {summary.contacts} contacts in {elapsed:.1f} s."
            )
        )
        self.stdout.write(f"Demo accounts (password: {summary.password}):")
        for role, username in summary.accounts.items():
            self.stdout.write(f"  {role:<12} {username}")
        self.stdout.write(
            "Coordinator, funder and administrator also need a second factor: "
            "`make demo-code` (or `manage.py demo_code`) prints the code they accept now."
        )
        self._tonight()

    def _tonight(self) -> None:
        session = ensure_tonight()
        if session is not None:
            members = ", ".join(sorted(m.get_username() for m in session.members.all()))
            self.stdout.write(
                f"Tonight: {session.title}, {session.planned_start.astimezone(PARIS):%H:%M}, "
                f"{session.route_stops.count()} stops ({members})."
            )
