"""The one-way conversion of notes and person codes stored before a team had a key (ADR 010).

The server cannot encrypt them (it never holds a key): a device holding the team's current key
reads the plain values of its teams (`pending`), seals the notes, pseudonymises the codes and
sends them back (`convert`), a batch at a time, at its syncs. A value is only ever replaced by a
sealed one of the right shape; the roll-ups are recounted with the pseudonyms.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from outreach import journal
from outreach.models import Contact, Device, OutreachSession, Team, TeamKey
from outreach.models.journal import JournalEvent
from outreach.rules.sealed import is_envelope, is_pseudonym
from outreach.services import contact_events
from outreach.services.team_keys import KeyRefused

BATCH = 200


def _plain(field: str, prefix: str) -> Q:
    return Q(**{f"{field}__gt": ""}) & ~Q(**{f"{field}__startswith": prefix})


def teams_convertible_by(device: Device) -> list[int]:
    """Sealed teams whose key in use this device holds."""
    return list(
        TeamKey.objects.filter(retired_at=None, wrapped__device=device, team__sealed_since__isnull=False)
        .values_list("team_id", flat=True)
        .distinct()
    )


def pending(device: Device) -> dict:
    teams = teams_convertible_by(device)
    contacts = Contact.objects.filter(team_id__in=teams).filter(
        _plain("note", "enc1.") | _plain("person_code", "pc1.")
    )
    sessions = OutreachSession.objects.filter(team_id__in=teams).filter(_plain("debrief_notes", "enc1."))
    return {
        "contacts": [
            {
                "uuid": c.uuid,
                "team": c.team_id,
                "note": "" if is_envelope(c.note) else c.note,
                "person_code": "" if is_pseudonym(c.person_code) else c.person_code,
            }
            for c in contacts.order_by("pk")[:BATCH]
        ],
        "sessions": [
            {"uuid": s.uuid, "team": s.team_id, "debrief_notes": s.debrief_notes}
            for s in sessions.order_by("pk")[:BATCH]
        ],
    }


def _replace(row, name: str, value: str | None, check, errors: dict, where: str) -> bool:
    if not value:
        return False
    stored = getattr(row, name)
    if not check(value) or not stored or check(stored):
        errors.setdefault(f"{where}.{name}", []).append(_("Only a plain value is replaced, by a sealed one."))
        return False
    setattr(row, name, value)
    return True


@transaction.atomic
def convert(device: Device, *, contacts: list[dict], sessions: list[dict], request=None) -> int:
    """Replace plain values by the sealed ones the device sent; all or nothing. Returns how many
    rows changed."""
    teams = set(teams_convertible_by(device))
    errors: dict[str, list[str]] = {}
    changed_contacts, changed_sessions = [], []
    rows = {
        c.uuid: c for c in Contact.objects.select_for_update().filter(uuid__in=[c["uuid"] for c in contacts])
    }
    for i, item in enumerate(contacts):
        row = rows.get(item["uuid"])
        if row is None or row.team_id not in teams:
            errors.setdefault(f"contacts.{i}.uuid", []).append(
                _("Not a contact of a team whose key you hold.")
            )
            continue
        a = _replace(row, "note", item.get("note"), is_envelope, errors, f"contacts.{i}")
        b = _replace(row, "person_code", item.get("person_code"), is_pseudonym, errors, f"contacts.{i}")
        if a or b:
            changed_contacts.append(row)
    found = {
        s.uuid: s
        for s in OutreachSession.objects.select_for_update().filter(uuid__in=[s["uuid"] for s in sessions])
    }
    for i, item in enumerate(sessions):
        row = found.get(item["uuid"])
        if row is None or row.team_id not in teams:
            errors.setdefault(f"sessions.{i}.uuid", []).append(
                _("Not a session of a team whose key you hold.")
            )
            continue
        if _replace(row, "debrief_notes", item.get("debrief_notes"), is_envelope, errors, f"sessions.{i}"):
            changed_sessions.append(row)
    if errors:
        raise KeyRefused(errors)
    Contact.objects.bulk_update(changed_contacts, ["note", "person_code"])
    OutreachSession.objects.bulk_update(changed_sessions, ["debrief_notes"])
    contact_events.contacts_changed(c.pk for c in changed_contacts)  # persons recounted by pseudonym
    for team_id in {r.team_id for r in [*changed_contacts, *changed_sessions]}:
        journal.log_team_key(
            JournalEvent.LEGACY_NOTES_SEALED,
            actor=device.owner,
            team=Team(pk=team_id),
            request=request,
            device=str(device.pk),
            contacts=sum(1 for r in changed_contacts if r.team_id == team_id),
            sessions=sum(1 for r in changed_sessions if r.team_id == team_id),
        )
    return len(changed_contacts) + len(changed_sessions)
