"""The contact rules, callable without a sync batch: `validate_contact`.

Every contact write (the sync API, the admin, commands and the demo) passes through
`outreach.services.contacts`, which asks `validate_contact` first. The function needs no database
of its own: the references it checks against (the actor's hotspots, platforms, codes, partner
services) come in a `ContactRefs`, loaded once per batch by the sync or per edit by the admin.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach.choices import ContactLevel, SessionKind
from outreach.rules import reasons
from outreach.rules.fields import (
    BLANK_ALLOWED,
    BOOLEAN_FIELDS,
    CONTACT_CODES,
    CONTACT_FREE_TEXT,
    NOTE_MAX_LENGTH,
    PERSON_CODE_MAX_LENGTH,
    PERSON_CODE_PATTERN,
    REQUIRED_ON_CREATE,
    SCALAR_FIELDS,
    SESSION_LEAD,
    TEXT_FIELDS,
)
from outreach.rules.sealed import is_envelope, is_pseudonym, readable, sealed_errors
from outreach.rules.texts import identifier_errors

_person_code = re.compile(PERSON_CODE_PATTERN)
# Each coded field's allowed codes, once (`Choices.values` builds a new list at every call).
_ALLOWED = {name: frozenset(choice.values) for name, choice in CONTACT_CODES.items()}


def person_code_message() -> str:
    return _("A person code is 2 to 16 capital letters, digits or dashes chosen by the team — never a name.")


# What validate_contact raises.
ContactInvalid = reasons.RecordInvalid


@dataclass
class ContactRefs:
    """What a contact may refer to, for one actor or team: codes by code, places and partners by id."""

    concerns: dict[str, Any]
    actions: dict[str, Any]
    platforms: dict[str, Any]
    hotspots: dict[int, Any]
    partners: dict[int, Any]

    @classmethod
    def for_team(cls, team, *, hotspot_ids=(), partner_ids=()) -> ContactRefs:
        """The references open to `team`'s workers: its organisation's active hotspots, its directory."""
        from outreach import access
        from outreach.models import Action, Concern, Hotspot, PlatformCategory

        hotspots = Hotspot.objects.filter(organisation_id=team.organisation_id, is_active=True)
        partners = access.partners_in_reach(
            organisation_id=team.organisation_id, territory_ids=access.territory_ids_around([team.pk])
        )
        return cls(
            concerns={c.code: c for c in Concern.objects.all()},
            actions={a.code: a for a in Action.objects.all()},
            platforms={p.code: p for p in PlatformCategory.objects.all()},
            hotspots={h.pk: h for h in hotspots.filter(pk__in=list(hotspot_ids))},
            partners={p.pk: p for p in partners.filter(pk__in=list(partner_ids))},
        )


@dataclass
class CleanContact:
    """What `validate_contact` accepted: the fields to set (`hotspot` and `platform` as rows, only
    when given) and the lists to replace (only when given)."""

    values: dict[str, Any]
    links: dict[str, list] = field(default_factory=dict)


def future_limit(now: dt.datetime | None = None) -> dt.datetime:
    """The latest time a record may carry: the server's clock plus the clock tolerance."""
    return (now or timezone.now()) + dt.timedelta(seconds=settings.SYNC_CLOCK_SKEW_TOLERANCE_SECONDS)


def stored_values(contact) -> dict[str, Any]:
    """A stored contact's fields as a record would carry them (for checks across fields)."""
    values = {name: getattr(contact, name) for name in ("occurred_at", *SCALAR_FIELDS)}
    values["hotspot"] = contact.hotspot_id
    values["platform"] = contact.platform.code if contact.platform_id else None
    return values


def validate_contact(
    data: dict[str, Any],
    *,
    partial: bool,
    existing=None,
    session,
    refs: ContactRefs,
    latest: dt.datetime | None = None,
) -> CleanContact:
    """Check a contact record against every rule; returns what to write or raises ContactInvalid.

    `partial` (an update): only the fields in `data` are checked and written, against the stored
    ones in `existing`; a field left out keeps its stored value, even one no longer offered (a
    retired hotspot). Otherwise (a create) the required fields must be there and defaults apply.
    `latest`: the latest acceptable `occurred_at` (default: now plus the clock tolerance).
    """
    errors: dict[str, list[str]] = {}

    def error(name: str, message: str) -> None:
        errors.setdefault(name, []).append(str(message))

    if partial:
        given = dict(data)
        merged = {**stored_values(existing), **given}
    else:
        given = {"level": ContactLevel.EXCHANGE, "concerns": [], "actions": [], "orientations": []}
        given.update(data)
        for name in REQUIRED_ON_CREATE:
            if not given.get(name):
                error(name, _("This field is required."))
        merged = given
    kind = existing.kind if existing is not None else session.kind

    for name, allowed in _ALLOWED.items():
        if name not in given:
            continue
        value = given[name]
        if value is None and name in TEXT_FIELDS:
            continue
        if value == "" and name in BLANK_ALLOWED:
            continue
        if (not isinstance(value, str) or value not in allowed) and name not in errors:
            error(name, _("“%s” is not a valid choice.") % (value,))
    for name in BOOLEAN_FIELDS:
        if name in given and not (given[name] is None or isinstance(given[name], bool)):
            error(name, _("Must be true or false."))
    if given.get("is_first_contact", False) is None:
        error("is_first_contact", _("Must be true or false."))
    # A sealed team's notes and codes arrive encrypted and pseudonymised (ADR 010): only their
    # shape can be checked here; the phone checked the text before sealing it.
    team = existing.team if existing is not None else session.team
    for name, messages in sealed_errors(given, required=team.sealed_since is not None).items():
        for message in messages:
            error(name, message)
    code = given.get("person_code")
    plain_code = bool(code) and not is_pseudonym(code)
    bad_code = plain_code and (len(code) > PERSON_CODE_MAX_LENGTH or not _person_code.match(code))
    if bad_code and "person_code" not in errors:
        error("person_code", person_code_message())
    note = given.get("note")
    if note and not is_envelope(note) and len(note) > NOTE_MAX_LENGTH and "note" not in errors:
        error("note", _("At most %d characters.") % NOTE_MAX_LENGTH)

    occurred_at = given.get("occurred_at")
    if occurred_at and "occurred_at" not in errors:
        if occurred_at > (latest or future_limit()):
            error("occurred_at", _("This time is in the future; check the phone's date and time."))
        elif occurred_at < session.planned_start - SESSION_LEAD:
            error("occurred_at", _("This time is more than a day before the session's start."))

    clean = CleanContact(values={})
    if "hotspot" in given:
        clean.values["hotspot"] = None
        if given["hotspot"] is not None:
            clean.values["hotspot"] = refs.hotspots.get(given["hotspot"])
            if kind != SessionKind.STREET:
                error("hotspot", _("Only street contacts have a hotspot."))
            elif clean.values["hotspot"] is None:
                error("hotspot", _("Unknown hotspot, or not one of your organisation's."))
    if "platform" in given:
        clean.values["platform"] = None
        if given["platform"]:
            clean.values["platform"] = refs.platforms.get(given["platform"])
            if kind != SessionKind.DIGITAL:
                error("platform", _("Only digital contacts have a platform."))
            elif clean.values["platform"] is None:
                error("platform", _("Unknown platform code: “%s”.") % given["platform"])
    if kind == SessionKind.STREET and given.get("conversation_established") is not None:
        error("conversation_established", _("Only digital contacts record a conversation."))
    if merged.get("level") == ContactLevel.SEEN and merged.get("person_code"):
        error("person_code", _("A young person only seen has no person code."))

    for name, known in (("concerns", refs.concerns), ("actions", refs.actions)):
        codes = given.get(name)
        if codes is None:
            continue
        for code in codes:
            if code not in known:
                error(name, _("Unknown code: “%s”.") % code)
        clean.links[name] = [known[code] for code in dict.fromkeys(codes) if code in known]
    if given.get("orientations") is not None:
        partner_ids = list(dict.fromkeys(given["orientations"]))
        for pk in partner_ids:
            if pk not in refs.partners:
                error("orientations", _("Unknown partner service, or not in your directory: %s.") % pk)
        clean.links["orientations"] = [pk for pk in partner_ids if pk in refs.partners]

    found = identifier_errors(
        given, [name for name in readable(given, CONTACT_FREE_TEXT) if name not in errors]
    )
    if errors or found:
        for name, messages in found.items():
            errors.setdefault(name, []).extend(messages)
        raise ContactInvalid(errors, reasons.INVALID if set(errors) - set(found) else reasons.IDENTIFIER)

    for name in ("occurred_at", *SCALAR_FIELDS):
        if name in given:
            value = given[name]
            if value is None and name in TEXT_FIELDS:
                value = ""
            clean.values[name] = value
    return clean
