"""Record and correct contacts. Every contact write in Maraude goes through `record_contact`."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from outreach.choices import ContactLevel, SessionKind, SessionStatus
from outreach.models import Contact, Orientation
from outreach.models.custom_fields import CustomFieldTarget
from outreach.services import contact_events, custom_values
from outreach.services.sync_context import (
    OpConflict,
    OpRejected,
    PushContext,
    editable_until,
    rejected,
)
from outreach.timebands import hour_band, service_date

CREATED, DUPLICATE, UPDATED = "created", "duplicate", "updated"
UPDATE_OP = "contact.update"
# Plain fields copied from the payload onto the row.
SCALAR_FIELDS = (
    "conversation_established",
    "request_category",
    "level",
    "person_code",
    "age_band",
    "gender",
    "is_first_contact",
    "known_to_child_welfare",
    "note",
)
# How far before its session's planned start a contact may be dated.
SESSION_LEAD = dt.timedelta(hours=24)


@dataclass(frozen=True)
class NewContact:
    """A contact.create as the service receives it (already checked for shape)."""

    uuid: uuid_lib.UUID
    data: dict[str, Any]
    client_updated_at: dt.datetime
    client_created_at: dt.datetime | None = None


def record_contact(
    *,
    ctx: PushContext,
    uuid: uuid_lib.UUID,
    data: dict[str, Any],
    client_updated_at: dt.datetime,
    client_created_at: dt.datetime | None = None,
    base_version: int | None = None,
) -> tuple[str, Contact]:
    """Create (no `base_version`) or correct one contact; returns (status, contact).

    Raises OpRejected or OpConflict; either way nothing was written. Safe to replay and to run
    concurrently with an identical call: the contact exists once and the second call says so.
    """
    if base_version is None:
        (outcome,) = create_contacts(
            ctx=ctx,
            items=[NewContact(uuid, data, client_updated_at, client_created_at)],
        )
        if isinstance(outcome, OpRejected):
            raise outcome
        return outcome
    return _update(
        ctx=ctx, uuid=uuid, data=data, client_updated_at=client_updated_at, base_version=base_version
    )


def create_contacts(*, ctx: PushContext, items: list[NewContact]) -> list[tuple[str, Contact] | OpRejected]:
    """Create many contacts in a handful of statements; one outcome per item, in order.

    A rejection is returned (not raised) so one bad item never stops the others. Should the
    bulk insert collide with a concurrent identical request, the items are inserted one by one,
    each answering `duplicate` if the other request got there first.
    """
    outcomes: list = [None] * len(items)
    pending: list[tuple[int, Contact, dict[str, list]]] = []
    first_of: dict[uuid_lib.UUID, int] = {}
    repeats: list[tuple[int, int]] = []
    for index, item in enumerate(items):
        if item.uuid in first_of:  # the same record twice in one batch
            repeats.append((index, first_of[item.uuid]))
            continue
        first_of[item.uuid] = index
        try:
            existing = ctx.contacts.get(item.uuid)
            if existing is not None:
                outcomes[index] = (DUPLICATE, _own(ctx, existing))
                continue
            contact, links = _prepare(ctx, item)
        except OpRejected as exc:
            outcomes[index] = exc
            continue
        pending.append((index, contact, links))
    if pending:
        try:
            with transaction.atomic():
                Contact.objects.bulk_create([contact for _, contact, _ in pending])
                if any(contact.pk is None for _, contact, _ in pending):
                    raise _NoIds
                _write_links([(contact, links) for _, contact, links in pending], replace=False)
                contact_events.contacts_changed([contact.pk for _, contact, _ in pending])
            for index, contact, _ in pending:
                ctx.contacts[contact.uuid] = contact
                outcomes[index] = (CREATED, contact)
        except (IntegrityError, _NoIds):
            for index, contact, links in pending:
                contact.pk = None
                outcomes[index] = _insert_one(ctx, contact, links)
    for index, first in repeats:
        outcome = outcomes[first]
        outcomes[index] = (DUPLICATE, outcome[1]) if isinstance(outcome, tuple) else outcome
    return outcomes


class _NoIds(Exception):
    """The database did not return the new rows' ids (old SQLite): insert one by one."""


def _own(ctx: PushContext, contact: Contact) -> Contact:
    if contact.team_id not in ctx.team_ids:
        raise rejected("forbidden", "uuid", _("This UUID belongs to a record you do not have access to."))
    return contact


def _prepare(ctx: PushContext, item: NewContact) -> tuple[Contact, dict[str, list]]:
    """The unsaved contact and its links, or OpRejected."""
    data = item.data
    session = ctx.sessions.get(data.get("session"))
    if session is None or session.team_id not in ctx.team_ids:
        raise rejected("forbidden", "session", _("Unknown session, or not a session of your team."))
    if session.status == SessionStatus.CANCELLED:
        raise rejected("invalid", "session", _("This session was cancelled."))
    contact = Contact(
        uuid=item.uuid,
        session=session,
        team=session.team,
        kind=session.kind,
        author=ctx.actor,
        client_created_at=item.client_created_at or item.client_updated_at,
        client_updated_at=item.client_updated_at,
        clock_skew_seconds=ctx.clock.skew_seconds,
        clock_flagged=ctx.clock.flagged,
    )
    values = {"level": ContactLevel.EXCHANGE, "concerns": [], "actions": [], "orientations": []}
    values.update(data)
    missing = [name for name in ("occurred_at", "age_band", "gender") if not values.get(name)]
    if missing:
        raise OpRejected("invalid", {name: [_("This field is required.")] for name in missing})
    links = _apply(ctx, contact, values, client_time=True)
    return contact, links


def _insert_one(ctx: PushContext, contact: Contact, links) -> tuple[str, Contact] | OpRejected:
    try:
        with transaction.atomic():
            contact.save(force_insert=True)
            _write_links([(contact, links)], replace=False)
            contact_events.contacts_changed([contact.pk])
    except IntegrityError:
        # The same contact arrived concurrently (an identical batch sent at the same moment).
        again = Contact.objects.select_related("team", "session").filter(uuid=contact.uuid).first()
        if again is None:
            return rejected("invalid", "non_field_errors", _("The record breaks a data rule of the server."))
        ctx.contacts[contact.uuid] = again
        try:
            return DUPLICATE, _own(ctx, again)
        except OpRejected as exc:
            return exc
    ctx.contacts[contact.uuid] = contact
    return CREATED, contact


def _update(*, ctx, uuid, data, client_updated_at, base_version) -> tuple[str, Contact]:
    known = ctx.contacts.get(uuid)
    if known is None:
        raise rejected("not_found", "uuid", _("The server has no contact with this UUID."))
    _own(ctx, known)
    done = ctx.receipt(uuid, UPDATE_OP, client_updated_at)
    if done is not None:
        return DUPLICATE, known
    if ctx.now > editable_until(known):
        raise rejected(
            "locked",
            "non_field_errors",
            _("This contact can no longer be changed: its edit window closed on %(when)s.")
            % {"when": editable_until(known).isoformat()},
        )
    if "session" in data and data["session"] != known.session.uuid:
        raise rejected("invalid", "session", _("A contact cannot move to another session."))
    try:
        with transaction.atomic():
            # Lock the row so two updates based on the same version cannot both win.
            current = Contact.objects.select_for_update(no_key=True).only("version").get(pk=known.pk)
            if current.version != known.version:
                raise _StaleCache
            if base_version != known.version and not ctx.only_own_changes(uuid, base_version, known.version):
                raise OpConflict(known)
            values = {
                name: getattr(known, name)
                for name in ("occurred_at", "hotspot_id", "platform_id", *SCALAR_FIELDS)
            }
            values["hotspot"] = values.pop("hotspot_id")
            values["platform"] = known.platform.code if known.platform_id else None
            values.update(data)
            if "concerns" not in data:
                values["concerns"] = None
            if "actions" not in data:
                values["actions"] = None
            if "orientations" not in data:
                values["orientations"] = None
            links = _apply(ctx, known, values, client_time="occurred_at" in data)
            known.version += 1
            known.client_updated_at = client_updated_at
            known.clock_skew_seconds = ctx.clock.skew_seconds
            known.clock_flagged = known.clock_flagged or ctx.clock.flagged
            known.save()
            _write_links([(known, links)], replace=True)
            ctx.remember_receipt(uuid, UPDATE_OP, client_updated_at, known.version)
            contact_events.contacts_changed([known.pk])
    except _StaleCache:
        ctx.contacts.pop(uuid, None)
        ctx.contacts.update(_reload(uuid))
        ctx.refresh_receipts(uuid)
        return _update(
            ctx=ctx,
            uuid=uuid,
            data=data,
            client_updated_at=client_updated_at,
            base_version=base_version,
        )
    except IntegrityError:
        # The identical update was applied concurrently: its receipt exists now.
        fresh = _reload(uuid)
        ctx.contacts.update(fresh)
        if fresh and _has_receipt(uuid, client_updated_at):
            return DUPLICATE, fresh[uuid]
        raise rejected(
            "invalid", "non_field_errors", _("The record breaks a data rule of the server.")
        ) from None
    return UPDATED, known


class _StaleCache(Exception):
    """The row changed after the batch context was loaded (a concurrent request)."""


def _reload(uuid) -> dict:
    return {
        c.uuid: c
        for c in Contact.objects.filter(uuid=uuid)
        .select_related("team", "session")
        .prefetch_related("concerns", "actions", "orientation_links")
    }


def _has_receipt(uuid, client_updated_at) -> bool:
    from outreach.models.sync import SyncReceipt

    return SyncReceipt.objects.filter(
        record_uuid=uuid, op=UPDATE_OP, client_updated_at=client_updated_at
    ).exists()


def _apply(
    ctx: PushContext, contact: Contact, values: dict[str, Any], *, client_time: bool
) -> dict[str, list]:
    """Check `values` against the rules and set them on `contact`; returns the many-to-many links.

    Lists left as None keep their current links. `client_time`: occurred_at comes from the
    device's clock (and is corrected if that clock is off), not from the stored row.
    """
    errors: dict[str, list[str]] = {}

    def error(name: str, message: str) -> None:
        errors.setdefault(name, []).append(str(message))

    session = contact.session
    occurred_at = values["occurred_at"]
    if client_time:
        occurred_at = ctx.clock.correct(occurred_at)
    if occurred_at > ctx.future_limit():
        error("occurred_at", _("This time is in the future; check the phone's date and time."))
    elif occurred_at < session.planned_start - SESSION_LEAD:
        error("occurred_at", _("This time is more than a day before the session's start."))
    hotspot = None
    if values.get("hotspot") is not None:
        hotspot = ctx.hotspots.get(values["hotspot"])
        if contact.kind != SessionKind.STREET:
            error("hotspot", _("Only street contacts have a hotspot."))
        elif hotspot is None:
            error("hotspot", _("Unknown hotspot, or not one of your organisation's."))
    platform = None
    if values.get("platform"):
        platform = ctx.platforms.get(values["platform"])
        if contact.kind != SessionKind.DIGITAL:
            error("platform", _("Only digital contacts have a platform."))
        elif platform is None:
            error("platform", _("Unknown platform code: “%s”.") % values["platform"])
    if contact.kind == SessionKind.STREET and values.get("conversation_established") is not None:
        error("conversation_established", _("Only digital contacts record a conversation."))
    if values.get("level") == ContactLevel.SEEN and values.get("person_code"):
        error("person_code", _("A young person only seen has no person code."))
    links: dict[str, list] = {}
    for name, known in (("concerns", ctx.concerns), ("actions", ctx.actions)):
        codes = values.get(name)
        if codes is None:
            continue
        unknown = [code for code in codes if code not in known]
        for code in unknown:
            error(name, _("Unknown code: “%s”.") % code)
        links[name] = [known[code] for code in dict.fromkeys(codes) if code in known]
    if values.get("orientations") is not None:
        partner_ids = list(dict.fromkeys(values["orientations"]))
        for pk in partner_ids:
            if pk not in ctx.partners:
                error("orientations", _("Unknown partner service, or not in your directory: %s.") % pk)
        links["orientations"] = [pk for pk in partner_ids if pk in ctx.partners]
    custom = None
    if values.get("custom_values") is not None:
        custom, field_errors = custom_values.merge(
            catalogue=ctx.catalogue(session.team.organisation_id),
            target=CustomFieldTarget.CONTACT,
            current=contact.custom_values,
            changes=values["custom_values"],
        )
        errors.update(field_errors)
    if errors:
        raise OpRejected("invalid", errors)

    if custom is not None:
        contact.custom_values = custom
    contact.occurred_at = occurred_at
    contact.hotspot = hotspot
    contact.platform = platform
    for name in SCALAR_FIELDS:
        if name in values:
            value = values[name]
            if value is None and name in ("request_category", "person_code", "note"):
                value = ""
            setattr(contact, name, value)
    contact.territory_id = hotspot.territory_id if hotspot else session.territory_id
    contact.service_date = service_date(occurred_at, session.team.day_boundary_hour)
    contact.hour_band = hour_band(occurred_at)
    return links


def _write_links(rows: list[tuple[Contact, dict[str, list]]], *, replace: bool) -> None:
    """Many-to-many rows of several contacts, one insert per relation (`.set()` costs more)."""
    for name, column in (("concerns", "concern_id"), ("actions", "action_id")):
        through = getattr(Contact, name).through
        changed = [(contact, links[name]) for contact, links in rows if name in links]
        if not changed:
            continue
        if replace:
            through.objects.filter(contact_id__in=[c.pk for c, _ in changed]).delete()
        through.objects.bulk_create(
            [through(contact_id=c.pk, **{column: item.pk}) for c, items in changed for item in items]
        )
    changed = [(contact, links["orientations"]) for contact, links in rows if "orientations" in links]
    if changed:
        if replace:
            Orientation.objects.filter(contact_id__in=[c.pk for c, _ in changed]).delete()
        Orientation.objects.bulk_create(
            [Orientation(contact_id=c.pk, partner_id=pk) for c, pks in changed for pk in pks]
        )
    if replace:
        for contact, _ in rows:
            # Drop the prefetched lists so readers see the new links.
            getattr(contact, "_prefetched_objects_cache", {}).clear()
