"""What the field app does to outreach sessions: start (planned or ad hoc), debrief, end."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from outreach.choices import SessionStatus
from outreach.models import DigitalSlot, OutreachSession, SessionTally, SlotRequest, Team
from outreach.models.counts import funnel_errors
from outreach.models.custom_fields import CustomFieldTarget
from outreach.reporting import rollups
from outreach.rules.reasons import RecordInvalid
from outreach.rules.sessions import validate_debrief
from outreach.services import custom_values
from outreach.services.sync_context import OpConflict, OpRejected, PushContext, rejected
from outreach.timebands import service_date

CREATED, DUPLICATE, UPDATED = "created", "duplicate", "updated"
DEFAULT_AD_HOC_LENGTH = dt.timedelta(hours=4)
# A night's outreach, however long, ends within a day of its start (docs/sync-protocol.md §2.1).
MAX_AD_HOC_LENGTH = dt.timedelta(hours=24)
DEBRIEF_FIELDS = (
    "young_people_seen",
    "atmosphere",
    "recruiters_present",
    "clients_present",
    "police_present",
    "material_handed_out",
    "debrief_notes",
)


def _writable(ctx: PushContext, uuid: uuid_lib.UUID) -> OutreachSession | None:
    session = ctx.sessions.get(uuid)
    if session is not None and session.team_id not in ctx.team_ids:
        raise rejected("forbidden", "uuid", _("This session belongs to another team."))
    return session


def _check_time(ctx: PushContext, name: str, moment: dt.datetime) -> dt.datetime:
    moment = ctx.clock.correct(moment)
    if moment > ctx.future_limit():
        raise rejected("invalid", name, _("This time is in the future; check the phone's date and time."))
    return moment


def start_session(
    *, ctx: PushContext, uuid: uuid_lib.UUID, data: dict[str, Any], client_updated_at: dt.datetime
) -> tuple[str, OutreachSession]:
    """Mark a planned session under way, or create an ad-hoc one; starting twice is a duplicate."""
    session = _writable(ctx, uuid)
    started_at = _check_time(ctx, "started_at", data.get("started_at") or client_updated_at)
    if session is None:
        return _create_ad_hoc(ctx=ctx, uuid=uuid, data=data, started_at=started_at)
    if session.status == SessionStatus.CANCELLED:
        raise rejected("invalid", "uuid", _("This session was cancelled."))
    with transaction.atomic():
        session.members.add(ctx.actor)
        # Lock and re-read: an identical batch may be starting it right now.
        current = OutreachSession.objects.select_for_update(no_key=True).get(pk=session.pk)
        if current.status != SessionStatus.PLANNED:
            current.team = session.team
            ctx.sessions[uuid] = current
            return DUPLICATE, current
        # The version counts changes to the debrief and tallies: starting is a state change
        # that nobody's debrief can conflict with, so it leaves the version alone.
        current.status = SessionStatus.UNDER_WAY
        current.started_at = started_at
        current.team = session.team
        current.save()
        ctx.sessions[uuid] = current
    return UPDATED, current


def _create_ad_hoc(*, ctx, uuid, data, started_at) -> tuple[str, OutreachSession]:
    try:
        validate_debrief(data)
    except RecordInvalid as exc:
        raise OpRejected(exc.reason, exc.errors) from None
    errors: dict[str, list[str]] = {}
    team_id = data.get("team") or (ctx.actor.team_id if ctx.actor.team_id else None)
    if team_id is None or team_id not in ctx.team_ids:
        errors["team"] = [_("Say which of your teams this session is for.")]
    if not data.get("kind"):
        errors["kind"] = [_("This field is required to start an unplanned session.")]
    territory_id = data.get("territory")
    if territory_id is None:
        errors["territory"] = [_("This field is required to start an unplanned session.")]
    elif territory_id not in ctx.covered_territories():
        errors["territory"] = [_("This territory is not covered by your team.")]
    planned_end = data.get("planned_end") or started_at + DEFAULT_AD_HOC_LENGTH
    if planned_end <= started_at:
        errors["planned_end"] = [_("The end must come after the start.")]
    elif planned_end > started_at + MAX_AD_HOC_LENGTH:
        errors["planned_end"] = [_("A session ends at most 24 hours after its start.")]
    if errors:
        raise OpRejected("invalid", errors)
    team = Team.objects.get(pk=team_id)
    session = OutreachSession(
        uuid=uuid,
        team=team,
        kind=data["kind"],
        status=SessionStatus.UNDER_WAY,
        territory_id=territory_id,
        title=data.get("title") or "",
        planned_start=started_at,
        planned_end=planned_end,
        started_at=started_at,
        service_date=service_date(started_at, team.day_boundary_hour),
        created_by=ctx.actor,
    )
    try:
        with transaction.atomic():
            session.save(force_insert=True)
            session.members.add(ctx.actor)
    except IntegrityError:
        again = OutreachSession.objects.select_related("team").filter(uuid=uuid).first()
        if again is None:
            raise rejected(
                "invalid", "non_field_errors", _("The session breaks a data rule of the server.")
            ) from None
        ctx.sessions[uuid] = again
        _writable(ctx, uuid)
        return DUPLICATE, again
    ctx.sessions[uuid] = session
    return CREATED, session


def rollup_refresher(session_id: int):
    """The after-commit hook that recounts a session's night in the reports."""

    def refresh_rollups() -> None:
        rollups.sessions_changed([session_id])

    return refresh_rollups


def change_session(
    *,
    ctx: PushContext,
    op: str,
    uuid: uuid_lib.UUID,
    data: dict[str, Any],
    client_updated_at: dt.datetime,
    base_version: int | None,
) -> tuple[str, OutreachSession]:
    """`session.update` (debrief, tallies, digital counts) or `session.end` (the same, and ends it)."""
    session = _writable(ctx, uuid)
    if session is None:
        raise rejected("not_found", "uuid", _("The server has no session with this UUID."))
    done = ctx.receipt(uuid, op, client_updated_at)
    if done is not None:
        return DUPLICATE, session
    try:
        validate_debrief(data, team=session.team)
    except RecordInvalid as exc:
        raise OpRejected(exc.reason, exc.errors) from None
    ending = op == "session.end"
    ended_at = _check_time(ctx, "ended_at", data["ended_at"]) if ending else None
    try:
        with transaction.atomic():
            current = OutreachSession.objects.select_for_update(no_key=True).get(pk=session.pk)
            if current.version != session.version:
                session = current
                ctx.sessions[uuid] = current
            if (
                base_version is not None
                and base_version != session.version
                and not ctx.only_own_changes(uuid, base_version, session.version)
            ):
                raise OpConflict(session)
            if ending and session.status == SessionStatus.DONE:
                raise OpConflict(session)
            if session.status == SessionStatus.CANCELLED:
                raise rejected("invalid", "uuid", _("This session was cancelled."))
            for name in DEBRIEF_FIELDS:
                if name in data:
                    value = data[name]
                    if value is None and name in ("atmosphere", "debrief_notes"):
                        value = ""
                    setattr(session, name, value)
            if data.get("custom_values") is not None:
                _set_custom_values(ctx, session, data["custom_values"])
            if "tallies" in data:
                replace_tallies(session, data["tallies"])
            if data.get("digital_slots"):
                update_slots(session, data["digital_slots"])
            if ending:
                if session.started_at is None:
                    session.started_at = min(session.planned_start, ended_at)
                if ended_at < session.started_at:
                    raise rejected("invalid", "ended_at", _("The end comes before the session's start."))
                session.ended_at = ended_at
                session.status = SessionStatus.DONE
            session.version += 1
            session.save()
            # Done sessions, their hours, tallies and online counts feed the reports.
            transaction.on_commit(rollup_refresher(session.pk), robust=True)
            ctx.remember_receipt(uuid, op, client_updated_at, session.version)
    except IntegrityError:
        session = OutreachSession.objects.select_related("team").get(pk=session.pk)
        ctx.sessions[uuid] = session
        from outreach.models.sync import SyncReceipt

        if SyncReceipt.objects.filter(record_uuid=uuid, op=op, client_updated_at=client_updated_at).exists():
            return DUPLICATE, session
        raise rejected(
            "invalid", "non_field_errors", _("The session breaks a data rule of the server.")
        ) from None
    except (OpConflict, OpRejected):
        ctx.sessions[uuid] = OutreachSession.objects.select_related("team").get(pk=session.pk)
        raise
    return UPDATED, session


def _set_custom_values(ctx: PushContext, session: OutreachSession, changes: dict[str, Any]) -> None:
    merged, errors = custom_values.merge(
        catalogue=ctx.catalogue(session.team.organisation_id),
        target=CustomFieldTarget.DEBRIEF,
        current=session.custom_values,
        changes=changes,
    )
    if errors:
        raise OpRejected("invalid", errors)
    session.custom_values = merged


def replace_tallies(session: OutreachSession, tallies: list[dict[str, Any]]) -> None:
    cells: dict[tuple, int] = {}
    for tally in tallies:
        key = (tally.get("level") or "seen", tally["age_band"], tally["gender"])
        cells[key] = cells.get(key, 0) + tally["count"]
    SessionTally.objects.filter(session=session).delete()
    SessionTally.objects.bulk_create(
        [
            SessionTally(session=session, level=level, age_band=age, gender=gender, count=count)
            for (level, age, gender), count in cells.items()
            if count > 0
        ]
    )


def update_slots(session: OutreachSession, slots: list[dict[str, Any]]) -> None:
    known = {slot.pk: slot for slot in DigitalSlot.objects.filter(session=session)}
    unknown = [str(item["id"]) for item in slots if item["id"] not in known]
    if unknown:
        raise rejected(
            "invalid",
            "digital_slots",
            _("Unknown slot(s) for this session: %s.") % ", ".join(unknown),
        )
    changed = []
    request_rows = (
        SlotRequest.objects.filter(slot__session=session).values("slot_id").annotate(n=Sum("count"))
    )
    requests = {row["slot_id"]: row["n"] for row in request_rows}
    for item in slots:
        slot = known[item["id"]]
        for name in ("profiles_spotted", "messages_sent", "conversations"):
            if name in item:
                setattr(slot, name, item[name])
        errors = funnel_errors(
            conversations=slot.conversations,
            requests={"all": requests.get(slot.pk, 0)},
            orientations=slot.orientations,
        )
        if errors:
            raise OpRejected("invalid", {f"digital_slots.{item['id']}.{k}": v for k, v in errors.items()})
        changed.append(slot)
    DigitalSlot.objects.bulk_update(changed, ["profiles_spotted", "messages_sent", "conversations"])
