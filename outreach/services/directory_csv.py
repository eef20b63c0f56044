"""Partner directory as CSV, in data·inclusion's vocabulary where it has one.

Columns named as data·inclusion's `Service` fields (`id`, `source`, `nom`, `description`,
`thematiques`, `publics`, `modes_accueil`, `zone_eligibilite`, `adresse`, `telephone`,
`courriel`, `horaires_accueil`) plus `site_web` from its `Structure`, and what outreach needs on
top (`structure_nom`, `categorie`, `territoire`, `ouvert_la_nuit`, `accueil_mineurs_seuls`,
`actif`). List cells hold codes separated by `|` (commas are accepted on import). Theme, public
and reception-mode codes are checked against the lists of the `data-inclusion-schema` package.

An import checks every row first; bad rows are reported by their line in the file. By default
nothing is written when any row is bad; `skip_invalid=True` imports the good rows anyway.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from data_inclusion.schema.v1 import ModeAccueil, Public, Thematique
from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from outreach.choices import PartnerCategory, TerritoryLevel
from outreach.models import PartnerService, Territory, User

COLUMNS = [
    "id",
    "source",
    "nom",
    "structure_nom",
    "categorie",
    "description",
    "thematiques",
    "publics",
    "modes_accueil",
    "zone_eligibilite",
    "territoire",
    "adresse",
    "telephone",
    "courriel",
    "site_web",
    "horaires_accueil",
    "ouvert_la_nuit",
    "accueil_mineurs_seuls",
    "actif",
]
REQUIRED_COLUMNS = ["nom", "categorie", "territoire"]
MAX_ROWS = 5000

THEMES = frozenset(t.value for t in Thematique)
PUBLICS = frozenset(p.value for p in Public)
RECEPTION_MODES = frozenset(m.value for m in ModeAccueil)
# data·inclusion's zone_eligibilite: commune, département, EPCI or country codes, or "france".
_ZONE_CODE = re.compile(r"^(france|\w{2,3}|\w{5}|\d{9}|99[0-5]\d{2})$")
_TRUE = {"1", "true", "oui", "yes", "vrai", "o", "y"}
_FALSE = {"", "0", "false", "non", "no", "faux", "n"}


def split_codes(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[|,]", value or "") if part.strip()]


def _yes_no(value: str, *, default: bool) -> bool:
    lowered = (value or "").strip().lower()
    if lowered == "":
        return default
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise forms.ValidationError(_("“%(value)s” is not yes or no (use oui/non or 1/0).") % {"value": value})


class CodeListField(forms.CharField):
    """A `|`-separated list of codes, each from `allowed`."""

    def __init__(self, *, allowed: Iterable[str] | None = None, pattern=None, **kwargs):
        self.allowed = frozenset(allowed) if allowed is not None else None
        self.pattern = pattern
        super().__init__(required=False, **kwargs)

    def clean(self, value):
        codes = split_codes(super().clean(value))
        bad = [
            code
            for code in codes
            if (self.allowed is not None and code not in self.allowed)
            or (self.pattern is not None and not self.pattern.match(code))
        ]
        if bad:
            raise forms.ValidationError(
                _("Unknown code(s): %(codes)s.") % {"codes": ", ".join(bad)}, code="unknown_code"
            )
        return list(dict.fromkeys(codes))


class PartnerRowForm(forms.Form):
    """One CSV row, checked like the directory form checks a service typed by hand."""

    id = forms.CharField(required=False, max_length=100)
    source = forms.CharField(required=False, max_length=100)
    nom = forms.CharField(max_length=200)
    structure_nom = forms.CharField(required=False, max_length=200)
    categorie = forms.ChoiceField(choices=PartnerCategory.choices)
    description = forms.CharField(required=False, max_length=2000)
    thematiques = CodeListField(allowed=THEMES)
    publics = CodeListField(allowed=PUBLICS)
    modes_accueil = CodeListField(allowed=RECEPTION_MODES)
    zone_eligibilite = CodeListField(pattern=_ZONE_CODE)
    territoire = forms.CharField(max_length=32)
    adresse = forms.CharField(required=False, max_length=255)
    telephone = forms.CharField(required=False, max_length=32)
    courriel = forms.EmailField(required=False)
    site_web = forms.URLField(required=False, assume_scheme="https")
    horaires_accueil = forms.CharField(required=False, max_length=255)
    ouvert_la_nuit = forms.CharField(required=False)
    accueil_mineurs_seuls = forms.CharField(required=False)
    actif = forms.CharField(required=False)

    def __init__(self, *args, organisation_id: int, **kwargs):
        self.organisation_id = organisation_id
        super().__init__(*args, **kwargs)

    def clean_territoire(self) -> Territory:
        code = self.cleaned_data["territoire"].strip()
        territory = resolve_territory(code, organisation_id=self.organisation_id)
        if territory is None:
            raise forms.ValidationError(
                _(
                    "No territory with code “%(code)s” (a département or commune INSEE code, one of "
                    "your sector codes, or “france”)."
                )
                % {"code": code},
                code="unknown_territory",
            )
        return territory

    def clean_ouvert_la_nuit(self) -> bool:
        return _yes_no(self.cleaned_data["ouvert_la_nuit"], default=False)

    def clean_accueil_mineurs_seuls(self) -> bool:
        return _yes_no(self.cleaned_data["accueil_mineurs_seuls"], default=False)

    def clean_actif(self) -> bool:
        return _yes_no(self.cleaned_data["actif"], default=True)


def resolve_territory(code: str, *, organisation_id: int) -> Territory | None:
    """A territory from a CSV code: the organisation's own sector first, then official codes."""
    if code.lower() == "france":
        return Territory.objects.filter(level=TerritoryLevel.NATIONAL).first()
    sector = Territory.objects.filter(
        level=TerritoryLevel.SECTOR, organisation_id=organisation_id, code=code
    ).first()
    if sector is not None:
        return sector
    for level in (TerritoryLevel.COMMUNE, TerritoryLevel.DEPARTEMENT, TerritoryLevel.REGION):
        territory = Territory.objects.filter(level=level, code=code.upper()).first()
        if territory is not None:
            return territory
    return None


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f" ({self.column})" if self.column else ""
        return f"{_('Line')} {self.line}{where}: {self.message}"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError("undecodable")  # cp1252 decodes nearly anything; kept for completeness


def _fields_from(form: PartnerRowForm) -> dict:
    data = form.cleaned_data
    return {
        "source_id": data["id"],
        "source": data["source"],
        "name": data["nom"],
        "structure_name": data["structure_nom"],
        "category": data["categorie"],
        "description": data["description"],
        "themes": data["thematiques"],
        "publics": data["publics"],
        "reception_modes": data["modes_accueil"],
        "eligibility_codes": data["zone_eligibilite"],
        "territory": data["territoire"],
        "address": data["adresse"],
        "phone": data["telephone"],
        "email": data["courriel"],
        "website": data["site_web"],
        "opening_hours": data["horaires_accueil"],
        "open_at_night": data["ouvert_la_nuit"],
        "accepts_unaccompanied_minors": data["accueil_mineurs_seuls"],
        "is_active": data["actif"],
    }


def import_directory(*, actor: User, data: bytes, skip_invalid: bool = False, request=None) -> ImportResult:
    """Create or update the actor's organisation's partner services from CSV bytes.

    A row matches an existing service by (source, id) when both are given, else by name and
    territory. Shared services (no organisation) are never touched.
    """
    result = ImportResult()
    organisation_id = actor.organisation_id
    try:
        text = _decode(data)
    except ValueError:
        result.errors.append(RowError(1, "", str(_("The file is not readable text."))))
        return result
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = headers
    missing = [column for column in REQUIRED_COLUMNS if column not in headers]
    if missing:
        result.errors.append(
            RowError(
                1,
                "",
                str(_("Missing column(s): %(columns)s. Expected columns: %(expected)s."))
                % {"columns": ", ".join(missing), "expected": ", ".join(COLUMNS)},
            )
        )
        return result

    valid: list[tuple[int, dict]] = []
    for count, row in enumerate(reader, start=1):
        line = reader.line_num
        if count > MAX_ROWS:
            result.errors.append(
                RowError(line, "", str(_("Too many rows: at most %(max)s.")) % {"max": MAX_ROWS})
            )
            break
        if None in row:
            result.errors.append(RowError(line, "", str(_("More cells than columns."))))
            continue
        values = {key: (value or "").strip() for key, value in row.items() if key in COLUMNS}
        if not any(values.values()):
            continue  # blank line
        form = PartnerRowForm(values, organisation_id=organisation_id)
        if not form.is_valid():
            for column, messages in form.errors.items():
                for message in messages:
                    result.errors.append(RowError(line, column, message))
            continue
        valid.append((line, _fields_from(form)))

    if result.errors and not skip_invalid:
        return result
    with transaction.atomic():
        for _line, fields in valid:
            existing = PartnerService.objects.filter(organisation_id=organisation_id)
            if fields["source"] and fields["source_id"]:
                existing = existing.filter(source=fields["source"], source_id=fields["source_id"])
            else:
                existing = existing.filter(name=fields["name"], territory=fields["territory"])
            service = existing.first()
            if service is None:
                PartnerService.objects.create(organisation_id=organisation_id, **fields)
                result.created += 1
            else:
                for name, value in fields.items():
                    setattr(service, name, value)
                service.save()
                result.updated += 1
    result.written = True
    return result


def territory_code(territory: Territory) -> str:
    return "france" if territory.level == TerritoryLevel.NATIONAL else territory.code


def _safe(cell: str) -> str:
    """Defuse spreadsheet formulas (CSV injection) from imported open data; phone numbers such
    as +33… are left alone."""
    if cell and (cell[0] in "=@\t\r" or (cell[0] in "+-" and not cell[1:2].isdigit())):
        return "'" + cell
    return cell


def export_directory(services: Iterable[PartnerService]) -> str:
    """CSV text (UTF-8, comma-separated, header first) of the given services."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for service in services:
        writer.writerow(
            _safe(cell)
            for cell in [
                service.source_id,
                service.source,
                service.name,
                service.structure_name,
                service.category,
                service.description,
                "|".join(service.themes),
                "|".join(service.publics),
                "|".join(service.reception_modes),
                "|".join(service.eligibility_codes),
                territory_code(service.territory),
                service.address,
                service.phone,
                service.email,
                service.website,
                service.opening_hours,
                "oui" if service.open_at_night else "non",
                "oui" if service.accepts_unaccompanied_minors else "non",
                "oui" if service.is_active else "non",
            ]
        )
    return out.getvalue()
