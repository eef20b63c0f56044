"""Partner directory as CSV, in data·inclusion's vocabulary where it has one.

Columns named as data·inclusion's `Service` fields (`id`, `source`, `nom`, `description`,
`thematiques`, `publics`, `modes_accueil`, `zone_eligibilite`, `adresse`, `telephone`,
`courriel`, `horaires_accueil`) plus `site_web` from its `Structure`, and what outreach needs on
top (`structure_nom`, `categorie`, `territoire`, `ouvert_la_nuit`, `accueil_mineurs_seuls`,
`actif`). List cells hold codes separated by `|` (commas are accepted on import). Theme, public
and reception-mode codes are checked against the lists of the `data-inclusion-schema` package.

An import checks every row first; bad rows are reported by their line in the file, naming the
bad value and the allowed ones. By default nothing is written when any row is bad;
`skip_invalid=True` imports the good rows anyway. Exporting the directory and importing the file
back changes nothing: rows describing the shared national services (kept by the administrators)
are recognised and left alone, and rows equal to what is stored are counted as unchanged.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django import forms
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from outreach import journal
from outreach.choices import PartnerCategory, TerritoryLevel
from outreach.models import Organisation, PartnerService, Territory, User
from outreach.services.directory_codes import (
    PUBLICS,
    RECEPTION_MODES,
    THEMES,
    ZONE_CODE,
    bad_zone_codes,
    not_allowed,
)

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

__all__ = ["COLUMNS", "PUBLICS", "RECEPTION_MODES", "THEMES", "export_directory", "import_directory"]
# The directory form checks eligibility codes with the same pattern.
_ZONE_CODE = ZONE_CODE
_TRUE = {"1", "true", "oui", "yes", "vrai", "o", "y"}
_FALSE = {"", "0", "false", "non", "no", "faux", "n"}
# A région is exported as "region:32": a bare "32" is the Gers (département 32).
_REGION_PREFIX = "region:"
# Cells the export defused against spreadsheet formulas (see `_safe`) come back as they were.
_DEFUSED = re.compile(r"^'(?=[=@+\-\t\r])")


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
    """A `|`-separated list of codes, each from the data·inclusion list `vocabulary` (or, for
    eligibility zones, matching the INSEE code pattern)."""

    def __init__(self, *, vocabulary: str = "", allowed: Iterable[str] = (), **kwargs):
        self.vocabulary = vocabulary
        self.allowed = frozenset(allowed)
        super().__init__(required=False, **kwargs)

    def clean(self, value):
        codes = split_codes(super().clean(value))
        if self.vocabulary:
            bad = [code for code in codes if code not in self.allowed]
            if bad:
                raise forms.ValidationError(not_allowed(self.vocabulary, bad), code="unknown_code")
        else:
            bad = [code for code in codes if not ZONE_CODE.match(code)]
            if bad:
                raise forms.ValidationError(bad_zone_codes(bad), code="unknown_code")
        return list(dict.fromkeys(codes))


class PartnerRowForm(forms.Form):
    """One CSV row, checked like the directory form checks a service typed by hand."""

    id = forms.CharField(required=False, max_length=100)
    source = forms.CharField(required=False, max_length=100)
    nom = forms.CharField(max_length=200)
    structure_nom = forms.CharField(required=False, max_length=200)
    # Checked in clean_categorie, so the message names the bad value and the allowed ones.
    categorie = forms.CharField(max_length=24)
    description = forms.CharField(required=False, max_length=2000)
    thematiques = CodeListField(vocabulary="thematiques", allowed=THEMES)
    publics = CodeListField(vocabulary="publics", allowed=PUBLICS)
    modes_accueil = CodeListField(vocabulary="modes_accueil", allowed=RECEPTION_MODES)
    zone_eligibilite = CodeListField()
    territoire = forms.CharField(max_length=32)
    adresse = forms.CharField(required=False, max_length=255)
    telephone = forms.CharField(required=False, max_length=32)
    courriel = forms.EmailField(required=False)
    site_web = forms.URLField(required=False, assume_scheme="https")
    horaires_accueil = forms.CharField(required=False, max_length=255)
    ouvert_la_nuit = forms.CharField(required=False)
    accueil_mineurs_seuls = forms.CharField(required=False)
    actif = forms.CharField(required=False)

    def __init__(self, *args, organisation_id: int, territories: dict | None = None, **kwargs):
        self.organisation_id = organisation_id
        # Codes already resolved during this import (a file names the same few territories).
        self.territories = territories if territories is not None else {}
        super().__init__(*args, **kwargs)

    def clean_categorie(self) -> str:
        value = self.cleaned_data["categorie"]
        if value not in PartnerCategory.values:
            raise forms.ValidationError(not_allowed("categorie", [value]), code="invalid_choice")
        return value

    def clean_territoire(self) -> Territory:
        code = self.cleaned_data["territoire"].strip()
        if code not in self.territories:
            self.territories[code] = resolve_territory(code, organisation_id=self.organisation_id)
        territory = self.territories[code]
        if territory is None:
            raise forms.ValidationError(
                _(
                    "No territory with code “%(code)s”. Use a département or commune INSEE code "
                    "(59, 59350), “region:” and a région code (region:32), one of your sector "
                    "codes, or “france”."
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
    if code.lower().startswith(_REGION_PREFIX):
        region = code[len(_REGION_PREFIX) :].strip()
        return Territory.objects.filter(level=TerritoryLevel.REGION, code=region).first()
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
        if self.column:
            text = _("Line %(line)s (%(column)s): %(message)s")
        else:
            text = _("Line %(line)s: %(message)s")
        return str(text) % {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows describing a shared national service (kept by the administrators): left alone.
    shared: int = 0
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


class _Directory:
    """The services a CSV row can match: the organisation's own, then the shared ones, by
    (source, id) when the row has both, else by name and territory (two queries in all)."""

    def __init__(self, organisation_id: int):
        services = PartnerService.objects.filter(
            Q(organisation_id=organisation_id) | Q(organisation__isnull=True)
        )
        self.by_key: dict[tuple, PartnerService] = {}
        for service in services.order_by("organisation_id", "pk"):
            owner = "own" if service.organisation_id else "shared"
            keys = [(owner, "name", service.name, service.territory_id)]
            if service.source and service.source_id:
                keys.append((owner, "id", service.source, service.source_id))
            for key in keys:
                self.by_key.setdefault(key, service)

    def match(self, owner: str, fields: dict) -> PartnerService | None:
        if fields["source"] and fields["source_id"]:
            return self.by_key.get((owner, "id", fields["source"], fields["source_id"]))
        return self.by_key.get((owner, "name", fields["name"], fields["territory"].pk))


def _differs(service: PartnerService, fields: dict) -> bool:
    return any(
        getattr(service, "territory_id" if name == "territory" else name)
        != (value.pk if name == "territory" else value)
        for name, value in fields.items()
    )


def _read_rows(text: str, result: ImportResult, organisation_id: int) -> list[tuple[int, dict]]:
    """Valid rows as model fields, with their line; bad rows go to `result.errors`."""
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
        return []
    valid: list[tuple[int, dict]] = []
    territories: dict = {}
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
        values = {
            key: _DEFUSED.sub("", (value or "").strip()) for key, value in row.items() if key in COLUMNS
        }
        if not any(values.values()):
            continue  # blank line
        form = PartnerRowForm(values, organisation_id=organisation_id, territories=territories)
        if not form.is_valid():
            for column, messages in form.errors.items():
                for message in messages:
                    result.errors.append(RowError(line, column, message))
            continue
        valid.append((line, _fields_from(form)))
    return valid


def import_directory(*, actor: User, data: bytes, skip_invalid: bool = False, request=None) -> ImportResult:
    """Create or update the actor's organisation's partner services from CSV bytes.

    A row matches an existing service by (source, id) when both are given, else by name and
    territory. Rows equal to the stored service change nothing; rows describing a shared
    service (no organisation) are counted apart and never copied nor touched.
    """
    result = ImportResult()
    organisation_id = actor.organisation_id
    try:
        text = _decode(data)
    except ValueError:
        result.errors.append(RowError(1, "", str(_("The file is not readable text."))))
        return result
    valid = _read_rows(text, result, organisation_id)
    if result.errors and not skip_invalid:
        return result
    with transaction.atomic():
        directory = _Directory(organisation_id)
        for _line, fields in valid:
            if directory.match("own", fields) is None and directory.match("shared", fields) is not None:
                result.shared += 1
                continue
            service = directory.match("own", fields)
            if service is None:
                service = PartnerService.objects.create(organisation_id=organisation_id, **fields)
                directory.by_key[("own", "name", service.name, service.territory_id)] = service
                if service.source and service.source_id:
                    directory.by_key[("own", "id", service.source, service.source_id)] = service
                result.created += 1
            elif _differs(service, fields):
                for name, value in fields.items():
                    setattr(service, name, value)
                service.save()
                result.updated += 1
            else:
                result.unchanged += 1
        journal.log_directory_import(
            actor=actor,
            organisation=Organisation.objects.get(pk=organisation_id),
            what="partner directory CSV",
            request=request,
            format="csv",
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            shared=result.shared,
            invalid=len(result.errors),
        )
    result.written = True
    return result


def territory_code(territory: Territory) -> str:
    if territory.level == TerritoryLevel.NATIONAL:
        return "france"
    if territory.level == TerritoryLevel.REGION:
        return f"{_REGION_PREFIX}{territory.code}"
    return territory.code


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
