"""Import communes from INSEE's COG CSV file (e.g. v_commune_2024.csv)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from outreach.services.communes import import_communes


class Command(BaseCommand):
    help = "Import or update communes from INSEE's official code list (CSV, UTF-8)."

    def add_arguments(self, parser):
        parser.add_argument("csv_file", type=Path, help="Path to v_commune_AAAA.csv from insee.fr")
        parser.add_argument(
            "--with-arrondissements",
            action="store_true",
            help="Also import the municipal arrondissements of Paris, Lyon and Marseille.",
        )

    def handle(self, *args, csv_file: Path, with_arrondissements: bool, **options):
        try:
            with csv_file.open(encoding="utf-8-sig", newline="") as handle:
                report = import_communes(handle, include_arrondissements=with_arrondissements)
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {csv_file}: {exc}") from exc
        for error in report.errors:
            self.stderr.write(error)
        self.stdout.write(
            f"Communes: {report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
            f"{report.skipped} rows of other kinds skipped, {len(report.errors)} rejected."
        )
        if report.errors and not (report.created or report.updated or report.unchanged):
            raise CommandError("No commune could be imported.")
