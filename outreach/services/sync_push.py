"""Apply a batch of operations pushed by a device: one result per operation, in order.

The batch runs in one transaction with a savepoint per write, so a bad operation never drops
the good ones and the phone learns every outcome only once it is committed. Consecutive contact
creations are checked one by one, then inserted together (one statement per table). Should
PostgreSQL pick this batch as a deadlock victim, the batch is applied again one transaction per
operation — harmless, because every operation is idempotent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import OperationalError, transaction

from outreach.models import Device, User
from outreach.services import contact_events, digital_funnel, session_recounts, tallies
from outreach.services.contacts import NewContact, create_contacts, record_contact
from outreach.services.sessions_field import change_session, start_session
from outreach.services.sync_context import OpConflict, OpRejected, PushContext

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

# Operations inserted together when they come in a row (one statement per table).
BATCHED = ("contact.create", "tally.add")
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
    valid = [op for op in operations if "rejected" not in op]
    if whole:
        with transaction.atomic():
            ctx = PushContext.load(actor=actor, operations=valid, device=device, sent_at=sent_at)
            # Once per batch, inside the transaction: contacts' and field counts' hooks.
            with contact_events.collecting(), session_recounts.collecting():
                results = _apply_in_order(ctx, operations)
    else:
        ctx = PushContext.load(actor=actor, operations=valid, device=device, sent_at=sent_at)
        results = []
        for op in operations:
            with transaction.atomic():
                results.append(_apply(ctx, op))
    return PushOutcome(results=results, clock_skew_seconds=ctx.clock.skew_seconds)


def _apply_in_order(ctx: PushContext, operations: list[dict[str, Any]]) -> list[OpResult]:
    """Apply operations in order; runs of consecutive contact creations, or of head count taps,
    are inserted together.

    Every other operation first flushes the run before it, so it sees what came earlier.
    """
    results: list[OpResult | None] = [None] * len(operations)
    run: list[int] = []

    def outcomes_of(kind: str) -> list:
        if kind == "tally.add":
            return tallies.add_taps(
                ctx=ctx,
                items=[
                    (
                        operations[i]["uuid"],
                        operations[i].get("data") or {},
                        operations[i]["client_updated_at"],
                    )
                    for i in run
                ],
            )
        items = [
            NewContact(
                uuid=operations[i]["uuid"],
                data=operations[i].get("data") or {},
                client_updated_at=operations[i]["client_updated_at"],
                client_created_at=operations[i].get("client_created_at"),
            )
            for i in run
        ]
        return create_contacts(ctx=ctx, items=items)

    def flush() -> None:
        if not run:
            return
        for i, outcome in zip(run, outcomes_of(operations[run[0]]["op"]), strict=True):
            op = operations[i]
            if isinstance(outcome, OpRejected):
                results[i] = OpResult(
                    op["uuid"], op["op"], "rejected", reason=outcome.reason, errors=outcome.errors
                )
            else:
                status, record = outcome
                results[i] = OpResult(op["uuid"], op["op"], status, version=record.version, record=record)
        run.clear()

    for index, op in enumerate(operations):
        if op["op"] in BATCHED and "rejected" not in op:
            if run and operations[run[0]]["op"] != op["op"]:
                flush()
            run.append(index)
            continue
        flush()
        results[index] = _apply(ctx, op)
    flush()
    return results


def _apply(ctx: PushContext, op: dict[str, Any]) -> OpResult:
    name, uuid = op["op"], op["uuid"]
    if "rejected" in op:
        return OpResult(uuid, name, "rejected", reason="invalid", errors=op["rejected"])
    try:
        if name.startswith("contact."):
            status, record = record_contact(
                ctx=ctx,
                uuid=uuid,
                data=op.get("data") or {},
                client_created_at=op.get("client_created_at"),
                client_updated_at=op["client_updated_at"],
                base_version=op.get("base_version") if name == "contact.update" else None,
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
