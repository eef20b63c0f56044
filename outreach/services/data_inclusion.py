"""Import the official partner directory (data·inclusion) into an organisation's directory.

Only services whose eligibility zone (`zone_eligibilite`, INSEE codes) reaches one of the
organisation's départements are taken. Each is validated with `data-inclusion-schema`, then
matched by (source, id): new ones are added, changed ones updated, equal ones left alone.
Services an earlier import brought that the files no longer list for the organisation (gone
from data·inclusion, or moved away) are deactivated, and turned back on if they come back;
entries the organisation made itself (by hand or by CSV) are never deactivated.

What the schema carries follows the source at every import (name, description, themes, publics,
reception modes, zone, address, contacts, hours). What it does not carry is the organisation's
and is never overwritten: open at night, accepts minors without a guardian, the category (only
guessed from the themes when a service first arrives) and the choice to deactivate an entry
(docs/adr/008-partner-directory-import.md). Running the same files twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO

from data_inclusion.schema.v1 import Service, Structure
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach import access, journal
from outreach.models import Organisation, PartnerService, Territory, User
from outreach.models.sync import ChangeType
from outreach.services import change_log
from outreach.services.data_inclusion_files import FileProblem, Problem, Record, read_records
from outreach.services.data_inclusion_zones import Places, organisation_departements, read_zone
from outreach.services.directory_codes import category_for

__all__ = ["FileProblem", "ImportReport", "import_data_inclusion", "organisation_departements"]

# Fields the data·inclusion schema carries: the import keeps them equal to the source.
SOURCE_FIELDS = (
    "name",
    "structure_name",
    "description",
    "themes",
    "publics",
    "reception_modes",
    "eligibility_codes",
    "territory_id",
    "address",
    "phone",
    "email",
    "website",
    "opening_hours",
    "source_updated_on",
)
# Reported by name on the page; a national file can touch many more, then only counts are shown.
MAX_LISTED_CHANGES = 200


@dataclass
class ImportReport:
    organisation: str
    departements: list[str]
    sources: list[str] = field(default_factory=list)
    services_read: int = 0
    outside: int = 0  # services of the files serving none of the organisation's départements
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    shared: int = 0  # services the administrators already share with everybody
    invalid: list[Problem] = field(default_factory=list)
    changes: list[tuple[str, str]] = field(default_factory=list)  # (created|updated|deactivated, name)
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        return {
            "services_read": self.services_read,
            "outside": self.outside,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deactivated": self.deactivated,
            "shared": self.shared,
            "invalid": len(self.invalid),
        }

    def _note(self, kind: str, name: str) -> None:
        if len(self.changes) < MAX_LISTED_CHANGES:
            self.changes.append((kind, name))


# --- From data·inclusion's records to our fields ---------------------------------------------


def _text(value, limit: int) -> str:
    value = (str(value) if value is not None else "").strip()
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _fitting(value, limit: int) -> str:
    """Values that would be broken by cutting (addresses of the web, hours syntax): kept whole or
    left out."""
    value = (str(value) if value is not None else "").strip()
    return value if len(value) <= limit else ""


def _address(item) -> str:
    town = " ".join(part for part in (item.code_postal, item.commune) if part)
    return ", ".join(part for part in (item.adresse, item.complement_adresse, town) if part)


def source_fields(service: Service, structure: Structure, territory: Territory) -> dict:
    """The values an imported service takes from data·inclusion (SOURCE_FIELDS)."""
    return {
        "name": _text(service.nom, 200),
        "structure_name": _text(structure.nom, 200),
        "description": _text(service.description, 2000),
        "themes": sorted(service.thematiques or []),
        "publics": sorted(service.publics or []),
        "reception_modes": sorted(service.modes_accueil or []),
        "eligibility_codes": list(service.zone_eligibilite or []),
        "territory_id": territory.pk,
        "address": _text(_address(service) or _address(structure), 255),
        "phone": _fitting(service.telephone or structure.telephone, 32),
        "email": _fitting(service.courriel or structure.courriel, 254),
        "website": _fitting(structure.site_web or service.lien_source, 200),
        "opening_hours": _fitting(service.horaires_accueil or structure.horaires_accueil, 255),
        "source_updated_on": service.date_maj,
    }


def first_values(fields: dict) -> dict:
    """What the organisation owns, guessed once when a service first arrives."""
    return {
        "category": category_for(
            fields["themes"], reception_modes=fields["reception_modes"], phone=fields["phone"]
        ),
        "open_at_night": fields["opening_hours"].strip() == "24/7",
        "accepts_unaccompanied_minors": False,
    }


# --- Reading the two files --------------------------------------------------------------------


@dataclass
class _Read:
    services: list[Record]  # relevant to the area, valid or not
    structures: dict[str, Record]
    sources: set[str]
    services_read: int
    outside: int


def _read(structures: IO[bytes], services: IO[bytes], area: set[str]) -> _Read:
    relevant, sources, count, outside = [], set(), 0, 0
    for record in read_records(services, resource="services"):
        count += 1
        if record.source:
            sources.add(record.source)
        zone = read_zone(
            record.raw.get("zone_eligibilite"), address_commune=str(record.raw.get("code_insee", ""))
        )
        if record.messages or zone.national or zone.reach & area:
            relevant.append(record)
        else:
            outside += 1
    wanted = {str(record.raw.get("structure_id")) for record in relevant}
    kept: dict[str, Record] = {}
    for record in read_records(structures, resource="structures"):
        if record.id in wanted:
            kept[record.id] = record
    return _Read(relevant, kept, sources, count, outside)


def _check_actor(actor: User | None, organisation: Organisation) -> None:
    if actor is None:
        return  # an administrator's command
    if not access.may_import_directory(actor, organisation.pk):
        raise PermissionDenied(_("Only a coordinator of this organisation may import its directory."))


# --- The import -------------------------------------------------------------------------------


def import_data_inclusion(
    *,
    organisation: Organisation,
    structures: IO[bytes],
    services: IO[bytes],
    actor: User | None = None,
    request=None,
    dry_run: bool = False,
    files: str = "",
) -> ImportReport:
    """Bring the organisation's directory in line with data·inclusion's files for its area.

    Raises FileProblem when a file cannot be read at all (nothing is written), PermissionDenied
    when `actor` may not change this organisation's directory. `dry_run` reports without writing.
    """
    _check_actor(actor, organisation)
    area = organisation_departements(organisation)
    if not area:
        raise FileProblem(_("The organisation's teams cover no département: there is nothing to import for."))
    report = ImportReport(organisation=organisation.name, departements=sorted(area), dry_run=dry_run)
    read = _read(structures, services, area)
    if not read.services:
        # A wrong or truncated file must not switch the whole directory off.
        raise FileProblem(
            _(
                "None of the %(count)s services in these files serves %(area)s: nothing was changed. "
                "Are they data·inclusion's national files?"
            )
            % {"count": read.services_read, "area": ", ".join(sorted(area))}
        )
    report.sources, report.services_read, report.outside = (
        sorted(read.sources),
        read.services_read,
        read.outside,
    )

    places = Places(
        code
        for record in read.services
        for code in (record.raw.get("zone_eligibilite") or [])
        if isinstance(code, str) and len(code) == 5
    )
    incoming: dict[tuple[str, str], dict] = {}
    seen: set[tuple[str, str]] = set()  # relevant ids, valid or not: never deactivated
    for record in read.services:
        if record.id and record.source:
            seen.add((record.source, record.id))
        if not record.messages and record.validate():
            structure = _structure_of(record, read.structures)
            if structure is not None:
                zone = read_zone(record.valid.zone_eligibilite, address_commune=record.valid.code_insee or "")
                territory = places.territory_for(zone, area)
                incoming[(record.source, record.id)] = source_fields(record.valid, structure, territory)
                continue
        report.invalid.append(record.problem())

    with transaction.atomic():
        # One import at a time per organisation (the unique (source, id) index would refuse the second).
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        _apply(organisation, incoming, seen, report)
        if dry_run:
            transaction.set_rollback(True)
        else:
            journal.log_directory_import(
                actor=actor,
                organisation=organisation,
                what="data·inclusion",
                request=request,
                format="data·inclusion",
                files=files,
                departements=report.departements,
                sources=report.sources,
                **report.counts(),
            )
    return report


def _structure_of(record: Record, structures: dict[str, Record]) -> Structure | None:
    structure_id = record.valid.structure_id
    structure = structures.get(structure_id)
    if structure is None:
        record.messages = [_("structure_id: “%(id)s” is not in the structures file.") % {"id": structure_id}]
        return None
    if structure.valid is None and not structure.messages:
        structure.validate()  # once per structure, however many services it holds
    if structure.valid is None:
        record.messages = [
            _("its structure “%(id)s” is invalid: %(why)s")
            % {"id": structure_id, "why": " ".join(structure.messages)}
        ]
        return None
    return structure.valid


def _apply(
    organisation: Organisation,
    incoming: dict[tuple[str, str], dict],
    seen: set[tuple[str, str]],
    report: ImportReport,
) -> None:
    ids = {source_id for _source, source_id in incoming}
    mine = PartnerService.objects.filter(organisation=organisation).exclude(source_id="")
    existing = {
        (s.source, s.source_id): s for s in mine.filter(Q(from_data_inclusion=True) | Q(source_id__in=ids))
    }
    shared = set(
        PartnerService.objects.filter(organisation__isnull=True, source_id__in=ids).values_list(
            "source", "source_id"
        )
    )
    now = timezone.now()
    created, updated = [], []
    for key, fields in incoming.items():
        service = existing.get(key)
        if service is None:
            if key in shared:
                report.shared += 1
                continue
            created.append(
                PartnerService(
                    organisation=organisation,
                    source=key[0],
                    source_id=key[1],
                    from_data_inclusion=True,
                    **fields,
                    **first_values(fields),
                )
            )
            report._note("created", fields["name"])
            continue
        changed = not service.from_data_inclusion or any(
            getattr(service, name) != value for name, value in fields.items()
        )
        if service.missing_at_source:  # listed again: on again
            service.missing_at_source, service.is_active, changed = False, True, True
        if changed:
            for name, value in fields.items():
                setattr(service, name, value)
            service.from_data_inclusion, service.updated_at = True, now
            updated.append(service)
            report._note("updated", fields["name"])
        else:
            report.unchanged += 1
    gone = []
    for key, service in existing.items():
        if service.from_data_inclusion and key not in seen and service.is_active:
            service.is_active, service.missing_at_source, service.updated_at = False, True, now
            gone.append(service)
            report._note("deactivated", service.name)
    report.created, report.updated, report.deactivated = len(created), len(updated), len(gone)
    written = PartnerService.objects.bulk_create(created, batch_size=500)
    PartnerService.objects.bulk_update(
        updated + gone,
        [*SOURCE_FIELDS, "from_data_inclusion", "is_active", "missing_at_source", "updated_at"],
        batch_size=500,
    )
    # Bulk writes send no signals: tell the field apps ourselves (docs/sync-protocol.md).
    change_log.append(
        change_log.entry(ChangeType.PARTNER, service.pk, organisation_id=organisation.pk)
        for service in [*written, *updated, *gone]
    )
