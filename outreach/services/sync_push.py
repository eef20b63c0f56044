"""Apply a batch of operations pushed by a device: one result per operation, in order.

The batch runs in one transaction with a savepoint per write, so a bad operation never drops
the good ones and the phone learns every outcome only once it is committed. Consecutive contact
creations are checked one by one, then inserted together (one statement per table). Should
PostgreSQL pick this batch as a deadlock victim, the batch is applied again one transaction per
operation — harmless, because every operation is idempotent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach.models import Device, Hotspot, PartnerService, User
from outreach.services import contact_events, digital_funnel, session_recounts, tallies
from outreach.services.contacts import DUPLICATE, NewContact, create_contacts, record_contact
from outreach.services.sessions_field import change_session, start_session
from outreach.services.sync_context import ClockReading, OpConflict, OpRejected, PushContext

OPERATIONS = (
    "contact.create",
    "contact.update",
    "session.start",
    "session.update",
    "session.end",
    "tally.add",
    "tally.remove",
    "slot.save",
)

# Counts entered fast in the field, each kind by its own service.
FIELD_COUNTS = {
    "tally.add": tallies.add_tap,
    "tally.remove": tallies.remove_tap,
    "slot.save": digital_funnel.save_slot,
}


@dataclass
class OpResult:
    uuid: Any
    op: str
    status: str
    version: int | None = None
    reason: str | None = None
    errors: dict[str, list[str]] | None = None
    current: Any = None  # the server's record, on conflict
    record: Any = field(default=None, repr=False)


@dataclass
class PushOutcome:
    results: list[OpResult]
    clock_skew_seconds: int | None


def push(
    *,
    actor: User,
    operations: list[dict[str, Any]],
    device: Device | None = None,
    sent_at: dt.datetime | None = None,
) -> PushOutcome:
    """Apply `operations` (already checked for shape by the API) for `actor`.

    Operations the API already rejected arrive as {"op", "uuid", "rejected": errors} and keep
    their place in the results.
    """
    try:
        return _run(actor=actor, operations=operations, device=device, sent_at=sent_at, whole=True)
    except OperationalError as exc:
        if getattr(getattr(exc, "__cause__", None), "sqlstate", None) not in ("40P01", "40001"):
            raise
        return _run(actor=actor, operations=operations, device=device, sent_at=sent_at, whole=False)


def _run(*, actor, operations, device, sent_at, whole: bool) -> PushOutcome:
    now = timezone.now()
    clock = ClockReading.measure(sent_at, now)
    operations = [_check_phone_times(op, clock, now) for op in operations]
    valid = [op for op in operations if "rejected" not in op]
    if whole:
        with transaction.atomic():
            ctx = PushContext.load(actor=actor, operations=valid, device=device, sent_at=sent_at)
            scope = Scope.load(ctx, valid)
            # Once per batch, inside the transaction: contacts' and field counts' hooks.
            with contact_events.collecting(), session_recounts.collecting():
                results = _apply_in_order(ctx, scope, operations)
    else:
        ctx = PushContext.load(actor=actor, operations=valid, device=device, sent_at=sent_at)
        scope = Scope.load(ctx, valid)
        results = []
        for op in operations:
            with transaction.atomic():
                results.append(_apply(ctx, scope, op))
    return PushOutcome(results=results, clock_skew_seconds=ctx.clock.skew_seconds)


PHONE_TIMES = ("client_created_at", "client_updated_at")


def _check_phone_times(op: dict[str, Any], clock: ClockReading, now: dt.datetime) -> dict[str, Any]:
    """The operation, or its rejection if a time it was stamped with lies in the future.

    Read on the phone's clock corrected by the batch's measured offset (§2.5), as `occurred_at` is.
    """
    if "rejected" in op:
        return op
    limit = now + dt.timedelta(seconds=settings.SYNC_CLOCK_SKEW_TOLERANCE_SECONDS)
    errors = {
        name: [str(_("This time is in the future; check the phone's date and time."))]
        for name in PHONE_TIMES
        if op.get(name) is not None and clock.correct(op[name]) > limit
    }
    if errors:
        return {"op": op["op"], "uuid": op["uuid"], "rejected": errors}
    return op


def _apply_in_order(ctx: PushContext, scope: Scope, operations: list[dict[str, Any]]) -> list[OpResult]:
    """Apply operations in order; runs of consecutive contact creations are inserted together.

    Every other operation first flushes the run before it, so it sees what came earlier.
    """
    results: list[OpResult | None] = [None] * len(operations)
    run: list[int] = []
    taps: list[int] = []  # head count taps in a row: checked one by one, inserted together

    def flush() -> None:
        for i, result in zip(run, _create(ctx, scope, [operations[i] for i in run]), strict=True):
            results[i] = result
        run.clear()
        items = [
            (operations[i]["uuid"], operations[i].get("data") or {}, operations[i]["client_updated_at"])
            for i in taps
        ]
        for i, outcome in zip(taps, tallies.add_taps(ctx=ctx, items=items) if taps else [], strict=True):
            op = operations[i]
            if isinstance(outcome, OpRejected):
                results[i] = OpResult(
                    op["uuid"], op["op"], "rejected", reason=outcome.reason, errors=outcome.errors
                )
            else:
                status, record = outcome
                results[i] = OpResult(op["uuid"], op["op"], status, version=record.version, record=record)
        taps.clear()

    for index, op in enumerate(operations):
        if op["op"] == "contact.create" and "rejected" not in op:
            if taps:
                flush()
            run.append(index)
            continue
        if op["op"] == "tally.add" and "rejected" not in op:
            if run:
                flush()
            taps.append(index)
            continue
        flush()
        results[index] = _apply(ctx, scope, op)
    flush()
    return results


def content_digest(data: dict[str, Any]) -> str:
    """A fingerprint of a create's content: equal for a replay, whatever its spelling.

    Absent, null, "" and [] mean the same; times count as instants; code lists as sets.
    """
    canon = {}
    for name, value in data.items():
        if value is None or value == "" or value == []:
            continue
        if isinstance(value, dt.datetime):
            value = value.astimezone(dt.UTC).isoformat()
        elif isinstance(value, list):
            value = sorted(str(v) for v in value)
        canon[name] = value
    return hashlib.sha256(_CANONICAL.encode(canon).encode()).hexdigest()


# What `json.dumps(canon, sort_keys=True, default=str, separators=(",", ":"))` uses, made once.
_CANONICAL = json.JSONEncoder(sort_keys=True, default=str, separators=(",", ":"))


def _create(ctx: PushContext, scope: Scope, ops: list[dict[str, Any]]) -> list[OpResult]:
    """Results of consecutive `contact.create`s, inserted together.

    A UUID the server already has answers `duplicate` when the create is the one that made it (a
    replay) and `conflict`, with the server's record, when its content differs (§2.3).
    """
    results: list[OpResult | None] = [None] * len(ops)
    items, places = [], []
    for index, op in enumerate(ops):
        denied = None if op["uuid"] in ctx.contacts else scope.denied(op.get("data") or {})
        if denied is not None:
            results[index] = OpResult(op["uuid"], op["op"], "rejected", reason="forbidden", errors=denied)
            continue
        digest = content_digest(op.get("data") or {})
        items.append(
            NewContact(
                uuid=op["uuid"],
                data=op.get("data") or {},
                client_updated_at=op["client_updated_at"],
                client_created_at=op.get("client_created_at"),
                digest=digest,
            )
        )
        places.append((index, digest))
    for (index, digest), outcome in zip(places, create_contacts(ctx=ctx, items=items), strict=True):
        op = ops[index]
        if isinstance(outcome, OpRejected):
            results[index] = OpResult(
                op["uuid"], op["op"], "rejected", reason=outcome.reason, errors=outcome.errors
            )
            continue
        status, record = outcome
        if status == DUPLICATE and record.create_digest and record.create_digest != digest:
            results[index] = OpResult(
                op["uuid"], op["op"], "conflict", version=record.version, current=record
            )
        else:
            results[index] = OpResult(op["uuid"], op["op"], status, version=record.version, record=record)
    return results


@dataclass(frozen=True)
class Scope:
    """Which places and partners a batch names that are not the actor's to use (`forbidden`).

    Decided from the batch's maps (one query per referenced table per batch, only for ids the
    maps lack): another organisation's id and an id that does not exist answer alike, so nobody
    can probe others' ids; the organisation's own retired place or partner is left to the
    contact rules, which answer `invalid` in the worker's words.
    """

    usable_hotspots: frozenset[int]
    usable_partners: frozenset[int]
    own_hotspots: frozenset[int]
    own_partners: frozenset[int]

    @classmethod
    def load(cls, ctx: PushContext, operations: list[dict[str, Any]]) -> Scope:
        hotspots: set[int] = set()
        partners: set[int] = set()
        for op in operations:
            if op["op"].startswith("contact."):
                data = op.get("data") or {}
                if data.get("hotspot") is not None and data["hotspot"] not in ctx.hotspots:
                    hotspots.add(data["hotspot"])
                partners.update(pk for pk in data.get("orientations") or [] if pk not in ctx.partners)
        organisation = ctx.actor.organisation_id
        own_hotspots = own_partners = ()
        if hotspots:
            own_hotspots = Hotspot.objects.filter(pk__in=hotspots, organisation_id=organisation).values_list(
                "pk", flat=True
            )
        if partners:
            own_partners = PartnerService.objects.filter(
                Q(organisation__isnull=True) | Q(organisation_id=organisation), pk__in=partners
            ).values_list("pk", flat=True)
        return cls(
            frozenset(ctx.hotspots), frozenset(ctx.partners), frozenset(own_hotspots), frozenset(own_partners)
        )

    def denied(self, data: dict[str, Any]) -> dict[str, list[str]] | None:
        """Field errors for the places and partners in `data` that are not the actor's, or None."""
        errors = {}
        hotspot = data.get("hotspot")
        if hotspot is not None and hotspot not in self.usable_hotspots and hotspot not in self.own_hotspots:
            errors["hotspot"] = [str(_("Unknown hotspot, or not one of your organisation's."))]
        foreign = [
            pk
            for pk in data.get("orientations") or []
            if pk not in self.usable_partners and pk not in self.own_partners
        ]
        if foreign:
            errors["orientations"] = [
                str(_("Unknown partner service, or not in your directory: %s.") % pk) for pk in foreign
            ]
        return errors or None


def _apply(ctx: PushContext, scope: Scope, op: dict[str, Any]) -> OpResult:
    name, uuid = op["op"], op["uuid"]
    if "rejected" in op:
        return OpResult(uuid, name, "rejected", reason="invalid", errors=op["rejected"])
    if name == "contact.create":
        return _create(ctx, scope, [op])[0]
    if name == "contact.update":
        denied = scope.denied(op.get("data") or {})
        if denied is not None:
            return OpResult(uuid, name, "rejected", reason="forbidden", errors=denied)
    try:
        if name == "contact.update":
            status, record = record_contact(
                ctx=ctx,
                uuid=uuid,
                data=op.get("data") or {},
                client_updated_at=op["client_updated_at"],
                base_version=op.get("base_version"),
            )
        elif name in FIELD_COUNTS:
            status, record = FIELD_COUNTS[name](
                ctx=ctx, uuid=uuid, data=op.get("data") or {}, client_updated_at=op["client_updated_at"]
            )
        elif name == "session.start":
            status, record = start_session(
                ctx=ctx,
                uuid=uuid,
                data=op.get("data") or {},
                client_updated_at=op["client_updated_at"],
            )
        else:
            status, record = change_session(
                ctx=ctx,
                op=name,
                uuid=uuid,
                data=op.get("data") or {},
                client_updated_at=op["client_updated_at"],
                base_version=op.get("base_version"),
            )
    except OpRejected as exc:
        return OpResult(uuid, name, "rejected", reason=exc.reason, errors=exc.errors)
    except OpConflict as exc:
        return OpResult(uuid, name, "conflict", version=exc.current.version, current=exc.current)
    return OpResult(uuid, name, status, version=getattr(record, "version", None), record=record)
