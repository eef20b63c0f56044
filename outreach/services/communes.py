"""Import communes from INSEE's official code list (Code officiel géographique, `v_commune_AAAA.csv`)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from outreach.choices import TerritoryLevel
from outreach.models import Territory

REQUIRED_COLUMNS = {"TYPECOM", "COM", "DEP", "LIBELLE"}
# COM: communes; ARM: municipal arrondissements of Paris, Lyon and Marseille (optional).
KINDS = {"COM"}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


def import_communes(lines: Iterable[str], *, include_arrondissements: bool = False) -> ImportReport:
    """Create or update communes under their département; bad rows are reported by line, not fatal."""
    report = ImportReport()
    reader = csv.DictReader(lines)
    missing = REQUIRED_COLUMNS - set(reader.fieldnames or [])
    if missing:
        report.errors.append(f"line 1: missing column(s) {', '.join(sorted(missing))}")
        return report
    kinds = KINDS | ({"ARM"} if include_arrondissements else set())
    departements = {t.code: t for t in Territory.objects.departements()}
    existing = {t.code: t for t in Territory.objects.filter(level=TerritoryLevel.COMMUNE)}
    to_create, to_update = [], []
    for line_no, row in enumerate(reader, start=2):
        kind = (row.get("TYPECOM") or "").strip()
        if kind not in kinds:
            report.skipped += 1
            continue
        code, dep_code, name = (row.get(k, "").strip() for k in ("COM", "DEP", "LIBELLE"))
        if not code or len(code) != 5:
            report.errors.append(f"line {line_no}: commune code {code!r} is not a 5-character INSEE code")
            continue
        if not name:
            report.errors.append(f"line {line_no}: commune {code} has no name (LIBELLE)")
            continue
        parent = departements.get(dep_code)
        if parent is None:
            report.errors.append(f"line {line_no}: commune {code} names unknown département {dep_code!r}")
            continue
        current = existing.get(code)
        if current is None:
            to_create.append(Territory(level=TerritoryLevel.COMMUNE, code=code, name=name, parent=parent))
            existing[code] = to_create[-1]
        elif current.pk and (current.name != name or current.parent_id != parent.pk):
            current.name, current.parent = name, parent
            to_update.append(current)
        else:
            report.unchanged += 1
    with transaction.atomic():
        Territory.objects.bulk_create(to_create, batch_size=2000)
        Territory.objects.bulk_update(to_update, ["name", "parent"], batch_size=2000)
    report.created, report.updated = len(to_create), len(to_update)
    return report
