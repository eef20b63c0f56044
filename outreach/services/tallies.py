"""Head counts from the field: one tap per young person seen or briefly met, never who.

Each tap is a `TallyMark` with the UUID the phone drew, so a replayed tap never counts twice.
Undoing a tap, or turning it into a full contact when an exchange follows, marks it removed:
the young person is then counted once, as the contact (docs/adr/018-tallies-and-digital-funnel.md).
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from outreach.choices import ContactLevel, SessionStatus
from outreach.models import Contact, OutreachSession, TallyMark
from outreach.models.counts import TallyRemoval
from outreach.services import session_recounts
from outreach.services.sync_context import OpRejected, PushContext, rejected

CREATED, DUPLICATE, UPDATED = "created", "duplicate", "updated"


def _session_for_tap(ctx: PushContext, session_uuid: uuid_lib.UUID) -> OutreachSession:
    session = ctx.sessions.get(session_uuid)
    if session is None:
        raise rejected("invalid", "session", _("The server has no session with this UUID."))
    if session.team_id not in ctx.team_ids:
        raise rejected("forbidden", "session", _("This session belongs to another team."))
    if session.status == SessionStatus.CANCELLED:
        raise rejected("invalid", "session", _("This session was cancelled."))
    return session


def _new_mark(ctx: PushContext, uuid: uuid_lib.UUID, data: dict[str, Any], client_updated_at: dt.datetime):
    """The tap as it will be stored, once its session and time are checked (not saved)."""
    session = _session_for_tap(ctx, data["session"])
    tapped_at = ctx.clock.correct(data.get("tapped_at") or client_updated_at)
    if tapped_at > ctx.future_limit():
        message = _("This time is in the future; check the phone's date and time.")
        raise rejected("invalid", "tapped_at", message)
    return TallyMark(
        uuid=uuid,
        session=session,
        level=data.get("level") or ContactLevel.SEEN,
        age_band=data["age_band"],
        gender=data["gender"],
        tapped_at=tapped_at,
        recorded_by=ctx.actor,
    )


def add_tap(
    *, ctx: PushContext, uuid: uuid_lib.UUID, data: dict[str, Any], client_updated_at: dt.datetime
) -> tuple[str, TallyMark]:
    """`tally.add`: count one young person seen in a session; the same tap twice is a duplicate."""
    existing = TallyMark.objects.select_related("session").filter(uuid=uuid).first()
    if existing is not None:
        if existing.session.team_id not in ctx.team_ids:
            raise rejected("forbidden", "uuid", _("This UUID is already used by another team's record."))
        return DUPLICATE, existing
    mark = _new_mark(ctx, uuid, data, client_updated_at)
    session = mark.session
    try:
        with transaction.atomic():
            mark.save(force_insert=True)
    except IntegrityError:
        # The same tap arriving from another request at the same moment.
        again = TallyMark.objects.select_related("session").filter(uuid=uuid).first()
        if again is None or again.session.team_id not in ctx.team_ids:
            message = _("The tap breaks a data rule of the server.")
            raise rejected("invalid", "non_field_errors", message) from None
        return DUPLICATE, again
    session_recounts.counts_changed(session)
    return CREATED, mark


def add_taps(
    *, ctx: PushContext, items: list[tuple[uuid_lib.UUID, dict[str, Any], dt.datetime]]
) -> list[tuple[str, TallyMark] | OpRejected]:
    """`tally.add` for a run of taps (uuid, data, client_updated_at): one outcome per tap, in order.

    Checked one by one, inserted together; should the insert meet a tap written meanwhile by
    another request, each is written again on its own (`add_tap`).
    """
    known = {
        m.uuid: m
        for m in TallyMark.objects.select_related("session").filter(uuid__in=[uuid for uuid, _d, _t in items])
    }
    outcomes: list = [None] * len(items)
    fresh: dict[uuid_lib.UUID, tuple[int, TallyMark]] = {}
    for index, (uuid, data, client_updated_at) in enumerate(items):
        try:
            if uuid in known:
                if known[uuid].session.team_id not in ctx.team_ids:
                    raise rejected(
                        "forbidden", "uuid", _("This UUID is already used by another team's record.")
                    )
                outcomes[index] = (DUPLICATE, known[uuid])
            elif uuid in fresh:  # the same tap twice in one batch
                outcomes[index] = (DUPLICATE, fresh[uuid][1])
            else:
                fresh[uuid] = (index, _new_mark(ctx, uuid, data, client_updated_at))
        except OpRejected as exc:
            outcomes[index] = exc
    if not fresh:
        return outcomes
    try:
        with transaction.atomic():
            TallyMark.objects.bulk_create([mark for _i, mark in fresh.values()])
    except IntegrityError:
        for uuid, (index, _mark) in fresh.items():
            _u, data, client_updated_at = items[index]
            try:
                outcomes[index] = add_tap(ctx=ctx, uuid=uuid, data=data, client_updated_at=client_updated_at)
            except OpRejected as exc:
                outcomes[index] = exc
        return outcomes
    for index, mark in fresh.values():
        outcomes[index] = (CREATED, mark)
        session_recounts.counts_changed(mark.session)
    return outcomes


def remove_tap(
    *, ctx: PushContext, uuid: uuid_lib.UUID, data: dict[str, Any], client_updated_at: dt.datetime
) -> tuple[str, TallyMark]:
    """`tally.remove`: undo a tap, or turn it into the contact that followed (`contact`)."""
    mark = TallyMark.objects.select_for_update().select_related("session").filter(uuid=uuid).first()
    if mark is None:
        raise rejected("not_found", "uuid", _("The server has no head count tap with this UUID."))
    if mark.session.team_id not in ctx.team_ids:
        raise rejected("forbidden", "uuid", _("This tap belongs to another team."))
    reason = data["reason"]
    contact = None
    if reason == TallyRemoval.PROMOTED:
        contact = (
            Contact.objects.filter(uuid=data.get("contact")).only("pk", "session_id").first()
            if data.get("contact")
            else None
        )
        if contact is None:
            raise rejected("invalid", "contact", _("Send the contact this tap became (recorded first)."))
        if contact.session_id != mark.session_id:
            raise rejected("invalid", "contact", _("The contact belongs to another session than the tap."))
    if mark.removal:
        if mark.removal == reason and (contact is None or mark.contact_id == contact.pk):
            return DUPLICATE, mark
        raise rejected("invalid", "reason", _("This tap was already undone or turned into a contact."))
    if contact is not None and TallyMark.objects.filter(contact=contact).exists():
        raise rejected("invalid", "contact", _("This contact already comes from another tap."))
    mark.removal = reason
    mark.removed_at = ctx.clock.correct(client_updated_at)
    mark.contact = contact
    mark.save(update_fields=["removal", "removed_at", "contact"])
    session_recounts.counts_changed(mark.session)
    return UPDATED, mark
