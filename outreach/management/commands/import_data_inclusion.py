"""Import data·inclusion's published structures and services into organisations' directories."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from outreach.choices import OrganisationKind
from outreach.models import Organisation
from outreach.services.data_inclusion import FileProblem, import_data_inclusion


class Command(BaseCommand):
    help = (
        "Import data·inclusion's structures and services files (JSON or CSV, as published on "
        "data.gouv.fr) into the partner directory of one organisation, or of every active outreach "
        "organisation, for the départements its teams cover. Running it twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--structures", required=True, type=Path, help="structures-inclusion-….json or .csv"
        )
        parser.add_argument("--services", required=True, type=Path, help="services-inclusion-….json or .csv")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--organisation", action="append", help="Name or id (repeatable).")
        target.add_argument("--all", action="store_true", help="Every active outreach organisation.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change, write nothing.")

    def handle(self, *args, **options):
        for name in ("structures", "services"):
            if not options[name].is_file():
                raise CommandError(f"--{name}: no file at {options[name]}.")
        organisations = self._organisations(options)
        failed = False
        for organisation in organisations:
            with options["structures"].open("rb") as structures, options["services"].open("rb") as services:
                try:
                    report = import_data_inclusion(
                        organisation=organisation,
                        structures=structures,
                        services=services,
                        dry_run=options["dry_run"],
                        files=f"{options['structures'].name} {options['services'].name}",
                    )
                except FileProblem as exc:
                    self.stderr.write(f"{organisation.name}: {exc}")
                    failed = True
                    continue
            counts = ", ".join(f"{name} {value}" for name, value in report.counts().items())
            prefix = "(dry run) " if report.dry_run else ""
            self.stdout.write(f"{prefix}{organisation.name} [{', '.join(report.departements)}]: {counts}")
            for problem in report.invalid:
                self.stdout.write(f"  invalid: {problem}")
        if failed:
            raise CommandError("Some organisations could not be imported (see above).")

    def _organisations(self, options) -> list[Organisation]:
        outreach = Organisation.objects.filter(kind=OrganisationKind.OUTREACH, is_active=True)
        if options["all"]:
            return list(outreach.order_by("name"))
        found = []
        for value in options["organisation"]:
            match = Q(name=value) | (Q(pk=int(value)) if value.isdigit() else Q())
            organisation = outreach.filter(match).first()
            if organisation is None:
                raise CommandError(f"No active outreach organisation named or numbered {value!r}.")
            found.append(organisation)
        return found
