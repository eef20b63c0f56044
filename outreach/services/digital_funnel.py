"""A digital session's funnel, per platform category and time slot, entered from the phone.

profiles or ads spotted → messages sent → conversations → requests by category → orientations.
A slot is created on the phone (its UUID drawn there) or planned by the coordinator; `slot.save`
sends its counts as they stand, and the latest change made on a phone wins.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from outreach.choices import SessionKind, SessionStatus
from outreach.models import DigitalSlot, SlotRequest
from outreach.models.counts import funnel_errors
from outreach.services import session_recounts
from outreach.services.sync_context import OpRejected, PushContext, rejected

CREATED, DUPLICATE, UPDATED = "created", "duplicate", "updated"
COUNTS = ("profiles_spotted", "messages_sent", "conversations", "orientations")


def save_slot(
    *, ctx: PushContext, uuid: uuid_lib.UUID, data: dict[str, Any], client_updated_at: dt.datetime
) -> tuple[str, DigitalSlot]:
    """`slot.save`: create a digital slot or replace its counts; an older change never wins."""
    session = ctx.sessions.get(data["session"])
    if session is None:
        raise rejected("invalid", "session", _("The server has no session with this UUID."))
    if session.team_id not in ctx.team_ids:
        raise rejected("forbidden", "session", _("This session belongs to another team."))
    if session.kind != SessionKind.DIGITAL:
        raise rejected("invalid", "session", _("Only a digital session has platform slots."))
    if session.status == SessionStatus.CANCELLED:
        raise rejected("invalid", "session", _("This session was cancelled."))
    errors: dict[str, list[str]] = {}
    platform = ctx.platforms.get(data["platform"])
    if platform is None or not platform.is_active:
        errors["platform"] = [_("Unknown platform category: “%s”.") % data["platform"]]
    starts_at, ends_at = ctx.clock.correct(data["starts_at"]), ctx.clock.correct(data["ends_at"])
    if ends_at <= starts_at:
        errors["ends_at"] = [_("The end must come after the start.")]
    if starts_at > ctx.future_limit():
        errors["starts_at"] = [_("This time is in the future; check the phone's date and time.")]
    requests = {code: n for code, n in (data.get("requests") or {}).items() if n}
    counts = {name: data.get(name) or 0 for name in COUNTS}
    errors.update(
        funnel_errors(
            conversations=counts["conversations"], requests=requests, orientations=counts["orientations"]
        )
    )
    if errors:
        raise OpRejected("invalid", errors)

    with transaction.atomic():
        slot = DigitalSlot.objects.select_for_update().select_related("session").filter(uuid=uuid).first()
        if slot is not None and slot.session_id != session.pk:
            raise rejected("forbidden", "uuid", _("This slot belongs to another session."))
        if slot is not None and slot.changed_on_device_at and slot.changed_on_device_at >= client_updated_at:
            return DUPLICATE, slot  # this change, or a later one, is already in
        status = UPDATED if slot is not None else CREATED
        slot = slot or DigitalSlot(uuid=uuid, session=session)
        slot.platform = platform
        slot.starts_at, slot.ends_at = starts_at, ends_at
        for name, value in counts.items():
            setattr(slot, name, value)
        slot.changed_on_device_at = client_updated_at
        try:
            with transaction.atomic():
                slot.save()
        except IntegrityError:
            message = _("The slot breaks a data rule of the server.")
            raise rejected("invalid", "non_field_errors", message) from None
        SlotRequest.objects.filter(slot=slot).delete()
        SlotRequest.objects.bulk_create(
            [SlotRequest(slot=slot, category=code, count=n) for code, n in sorted(requests.items())]
        )
    session_recounts.counts_changed(session)
    return status, slot
