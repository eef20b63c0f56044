"""How long importing data·inclusion's national files takes for one organisation, and its memory.

    DEBUG=true .venv/bin/python bench/data_inclusion_import.py --services 100000

Writes synthetic national files in the published CSV shape (lists as Python lists, as pandas
writes them) into a temporary folder: services spread over the 101 départements (60 % with a
commune zone, 25 % a département, 10 % a région written as its départements, 5 % "france"), one
structure per two services. Imports them into a throwaway SQLite database for an organisation
working in the Nord, three times: first import, the same files again, then files where 5 % of the
services changed and 2 % disappeared. Prints seconds, counts and the peak memory of the process.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
WORK = Path(tempfile.mkdtemp(prefix="maraude-di-bench-"))
os.environ["DEBUG"] = "true"
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maraude.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from outreach.choices import TerritoryLevel  # noqa: E402
from outreach.models import Organisation, PartnerService, Team, Territory  # noqa: E402
from outreach.services.data_inclusion import import_data_inclusion  # noqa: E402

SERVICE_COLUMNS = [
    "horaires_accueil", "source", "structure_id", "date_maj", "id", "description", "thematiques",
    "modes_accueil", "publics", "zone_eligibilite", "nom", "commune", "adresse", "code_postal",
    "code_insee", "telephone",
]  # fmt: skip
STRUCTURE_COLUMNS = ["id", "source", "nom", "date_maj", "telephone", "site_web", "code_insee"]
THEMES = ["sante--sante-mentale", "logement-hebergement--rechercher-une-solution-dhebergement-temporaire",
          "famille--surmonter-conflits-separation-violence", "remobilisation--lien-social"]  # fmt: skip


def write_files(count: int, *, seed: int, changed: float = 0.0, dropped: float = 0.0) -> tuple[Path, Path]:
    rng = random.Random(seed)
    departements = list(Territory.objects.departements().values_list("code", flat=True))
    regions: dict[str, list[str]] = {}
    for code, region in Territory.objects.departements().values_list("code", "parent__code"):
        regions.setdefault(region, []).append(code)
    by_region = {code: regions[region] for region, codes in regions.items() for code in codes}
    folder = WORK / f"files-{seed}-{changed}-{dropped}"
    folder.mkdir()
    services, structures = folder / "services.csv", folder / "structures.csv"
    change = random.Random(99)
    with services.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(SERVICE_COLUMNS)
        for n in range(count):
            dep = rng.choice(departements)
            commune = (
                f"{dep}{rng.randrange(1, 999):03d}"[:5]
                if len(dep) == 2
                else f"{dep}{rng.randrange(1, 99):02d}"
            )
            kind = rng.random()
            zone = (
                [commune]
                if kind < 0.6
                else [dep]
                if kind < 0.85
                else by_region[dep]
                if kind < 0.95
                else ["france"]
            )
            theme = rng.choice(THEMES)  # every draw made before dropping: same services each time
            moved = change.random()
            if moved < dropped:
                continue
            hours = "Mo-Fr 09:00-17:00" if moved > dropped + changed else "Mo-Sa 10:00-19:00"
            writer.writerow([
                hours, "bench", f"bench--s{n // 2}", "2026-10-01", f"bench--{n}",
                f"Service {n} : accueil, écoute et orientation des jeunes du territoire.",
                str([theme]), "['en-presentiel']", "['jeunes']", str(zone),
                f"Service {n}", "Ville", f"{n} rue de la Paix", "59000", commune, "+33300000000",
            ])  # fmt: skip
    with structures.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(STRUCTURE_COLUMNS)
        for n in range((count + 1) // 2):
            writer.writerow([f"bench--s{n}", "bench", f"Structure {n}", "2026-10-01", "", "", ""])
    return structures, services


def run(organisation: Organisation, files: tuple[Path, Path], label: str) -> None:
    structures, services = files
    began = time.perf_counter()
    with structures.open("rb") as s, services.open("rb") as v:
        report = import_data_inclusion(organisation=organisation, structures=s, services=v)
    seconds = time.perf_counter() - began
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    counts = report.counts()
    kept = counts["services_read"] - counts["outside"]
    print(
        f"{label:<24} {seconds:>6.1f} s  read {counts['services_read']:>7,}  for the Nord {kept:>6,}  "
        f"added {counts['created']:>5}  updated {counts['updated']:>4}  unchanged {counts['unchanged']:>5}  "
        f"deactivated {counts['deactivated']:>4}  peak {peak_mb:,.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=100_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    organisation = Organisation.objects.create(name="Bench Nord", kind="outreach")
    team = Team.objects.create(organisation=organisation, name="Nuit")
    team.territories.set(Territory.objects.filter(level=TerritoryLevel.DEPARTEMENT, code="59"))
    first = write_files(args.services, seed=1)
    size = sum(path.stat().st_size for path in first) / 1e6
    print(f"{args.services:,} services in {size:,.0f} MB of CSV, organisation in the Nord (59), SQLite")
    run(organisation, first, "first import")
    run(organisation, first, "same files again")
    run(organisation, write_files(args.services, seed=1, changed=0.05, dropped=0.02), "5 % changed, 2 % gone")
    print(
        f"{PartnerService.objects.filter(organisation=organisation, is_active=True).count():,} active entries"
    )


if __name__ == "__main__":
    main()
