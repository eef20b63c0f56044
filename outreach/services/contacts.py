"""Record and correct contacts. Every contact write in Maraude goes through this module:
`record_contact` / `create_contacts` (the field app's sync) and `correct_contact` (the admin),
all checked by the contact rules of outreach/rules/contacts.py."""

from __future__ import annotations

import datetime as dt
import functools
import uuid as uuid_lib
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from outreach import journal
from outreach.choices import SessionStatus
from outreach.models import Contact, Orientation
from outreach.models.custom_fields import CustomFieldTarget
from outreach.reporting import contact_cells
from outreach.rules.contacts import CleanContact, ContactInvalid, ContactRefs, validate_contact
from outreach.rules.edit_window import editable_until
from outreach.services import contact_events, custom_values
from outreach.services.bulk_insert import Blank, insert_rows, insert_values
from outreach.services.sync_context import OpConflict, OpRejected, PushContext, rejected
from outreach.timebands import hour_band, service_date

CREATED, DUPLICATE, UPDATED = "created", "duplicate", "updated"
UPDATE_OP = "contact.update"


@dataclass(frozen=True)
class NewContact:
    """A contact.create as the service receives it (already checked for shape)."""

    uuid: uuid_lib.UUID
    data: dict[str, Any]
    client_updated_at: dt.datetime
    client_created_at: dt.datetime | None = None
    digest: str = ""  # of the create's content, to tell a replay from another create (§2.3)


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
                insert_rows(Contact, [contact for _, contact, _ in pending])
                if any(contact.pk is None for _, contact, _ in pending):
                    raise _NoIds
                _write_links([(contact, links) for _, contact, links in pending], replace=False)
                contact_events.contacts_created(
                    [(contact, _in_hand(ctx, contact, links)) for _, contact, links in pending]
                )
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


@functools.cache
def _new_contact() -> Blank:
    return Blank(Contact)


def _prepare(ctx: PushContext, item: NewContact) -> tuple[Contact, dict[str, list]]:
    """The unsaved contact and its links, or OpRejected."""
    data = item.data
    session = ctx.sessions.get(data.get("session"))
    if session is None or session.team_id not in ctx.team_ids:
        raise rejected("forbidden", "session", _("Unknown session, or not a session of your team."))
    if session.status == SessionStatus.CANCELLED:
        raise rejected("invalid", "session", _("This session was cancelled."))
    contact = _new_contact()(
        {
            "uuid": item.uuid,
            "session_id": session.pk,
            "team_id": session.team_id,
            "kind": session.kind,
            "author_id": ctx.actor.pk,
            "client_created_at": item.client_created_at or item.client_updated_at,
            "client_updated_at": item.client_updated_at,
            "clock_skew_seconds": ctx.clock.skew_seconds,
            "clock_flagged": ctx.clock.flagged,
            "create_digest": item.digest,
        },
        related={"session": session, "team": session.team, "author": ctx.actor},
    )
    links = _check(ctx, contact, item.data, existing=None)
    return contact, links


def _insert_one(ctx: PushContext, contact: Contact, links) -> tuple[str, Contact] | OpRejected:
    try:
        with transaction.atomic():
            contact.save(force_insert=True)
            _write_links([(contact, links)], replace=False)
            contact_events.contacts_created([(contact, _in_hand(ctx, contact, links))])
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


def _in_hand(ctx: PushContext, contact: Contact, links: dict[str, list]) -> contact_cells.InHand:
    """The new contact's row and links as the roll-ups count them (no read back after commit)."""
    return contact_cells.in_hand(
        contact,
        concerns=[concern.code for concern in links.get("concerns", ())],
        actions=[action.code for action in links.get("actions", ())],
        categories=[ctx.partners[pk].category for pk in links.get("orientations", ())],
    )


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
            links = _check(ctx, known, data, existing=known)
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


def correct_contact(*, actor, contact: Contact, data: dict[str, Any], request=None) -> Contact:
    """A correction made outside the field app (the admin): the same rules as a phone's update,
    then a new version, the change log (phones learn it on their next pull), the roll-up refresh
    and a journal entry naming the fields changed. Raises ContactInvalid; nothing is then written.

    No edit window: staff corrections are how a contact is fixed once the field's window closed.
    """
    with transaction.atomic():
        current = (
            Contact.objects.select_for_update(of=("self",), no_key=True)
            .select_related("team", "session__team", "platform")
            .get(pk=contact.pk)
        )
        refs = ContactRefs.for_team(
            current.team,
            hotspot_ids=[data["hotspot"]] if data.get("hotspot") else [],
            partner_ids=data.get("orientations") or [],
        )
        clean = validate_contact(data, partial=True, existing=current, session=current.session, refs=refs)
        apply_clean(current, clean)
        current.version += 1
        current.save()
        _write_links([(current, clean.links)], replace=True)
        contact_events.contacts_changed([current.pk])
        journal.log_contact_corrected(actor=actor, contact=current, fields=sorted(data), request=request)
    return current


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


def _check(ctx: PushContext, contact: Contact, data: dict[str, Any], *, existing: Contact | None) -> dict:
    """The record checked by the contact rules and set on `contact`; returns the lists to replace.

    The device's `occurred_at` is moved onto the server's clock first when that clock is off.
    """
    data = dict(data)
    if data.get("occurred_at"):
        data["occurred_at"] = ctx.clock.correct(data["occurred_at"])
    try:
        clean = validate_contact(
            data,
            partial=existing is not None,
            existing=existing,
            session=contact.session,
            refs=ctx,
            latest=ctx.future_limit(),
        )
    except ContactInvalid as exc:
        errors, reason = exc.errors, exc.reason
        clean = None
    else:
        errors, reason = {}, None
    custom = None
    if data.get("custom_values") is not None:
        # The organisation's own fields, checked against its definitions (ADR 017).
        custom, field_errors = custom_values.merge(
            catalogue=ctx.catalogue(contact.session.team.organisation_id),
            target=CustomFieldTarget.CONTACT,
            current=contact.custom_values,
            changes=data["custom_values"],
        )
        if field_errors:
            errors = {**errors, **field_errors}
            reason = "invalid"
    if errors:
        raise OpRejected(reason, errors)
    if custom is not None:
        contact.custom_values = custom
    apply_clean(contact, clean)
    return clean.links


def apply_clean(contact: Contact, clean: CleanContact) -> None:
    """Set what the rules accepted on `contact`, with what derives from it (territory, date, band)."""
    for name, value in clean.values.items():
        setattr(contact, name, value)
    session = contact.session
    if "hotspot" in clean.values or contact.pk is None:
        hotspot = clean.values.get("hotspot")
        contact.territory_id = hotspot.territory_id if hotspot else session.territory_id
    contact.service_date = service_date(contact.occurred_at, session.team.day_boundary_hour)
    contact.hour_band = hour_band(contact.occurred_at)


def _write_links(rows: list[tuple[Contact, dict[str, list]]], *, replace: bool) -> None:
    """Many-to-many rows of several contacts, one insert per relation (`.set()` costs more)."""
    for name, column in (("concerns", "concern_id"), ("actions", "action_id")):
        through = getattr(Contact, name).through
        changed = [(contact, links[name]) for contact, links in rows if name in links]
        if not changed:
            continue
        if replace:
            through.objects.filter(contact_id__in=[c.pk for c, _ in changed]).delete()
        insert_values(
            through, ("contact_id", column), [(c.pk, item.pk) for c, items in changed for item in items]
        )
    changed = [(contact, links["orientations"]) for contact, links in rows if "orientations" in links]
    if changed:
        if replace:
            Orientation.objects.filter(contact_id__in=[c.pk for c, _ in changed]).delete()
        insert_values(
            Orientation, ("contact_id", "partner_id"), [(c.pk, pk) for c, pks in changed for pk in pks]
        )
    if replace:
        for contact, _ in rows:
            # Drop the prefetched lists so readers see the new links.
            getattr(contact, "_prefetched_objects_cache", {}).clear()
