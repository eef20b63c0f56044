"""The pull cursor: where a device stands in the change log, sealed into an opaque string.

A position (txid, seq) means "every change log row up to here, in (txid, seq) order, was sent".
While a first full snapshot is being paged, the cursor also holds the snapshot's progress.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.db import connection

MAX_SEQ = 2**63 - 1
_SALT = "maraude.sync.cursor.v1"


class InvalidCursor(Exception):
    pass


@dataclass(frozen=True, order=True)
class Position:
    txid: int
    seq: int


@dataclass(frozen=True)
class Cursor:
    position: Position
    # During a snapshot: the index of the type being sent and the last primary key sent.
    snapshot_type: int | None = None
    snapshot_after_pk: int = 0

    @property
    def in_snapshot(self) -> bool:
        return self.snapshot_type is not None

    def encode(self) -> str:
        payload = [self.position.txid, self.position.seq]
        if self.in_snapshot:
            payload += [self.snapshot_type, self.snapshot_after_pk]
        return signing.dumps(payload, salt=_SALT, compress=True)

    @classmethod
    def decode(cls, raw: str) -> Cursor:
        try:
            payload = signing.loads(raw, salt=_SALT)
            position = Position(int(payload[0]), int(payload[1]))
            if len(payload) == 4:
                return cls(position, int(payload[2]), int(payload[3]))
            if len(payload) == 2:
                return cls(position)
        except (signing.BadSignature, ValueError, TypeError, IndexError, KeyError):
            pass
        raise InvalidCursor("This cursor is not one the server issued; pull without a cursor.")


def committed_bound() -> int | None:
    """Transaction ids below this belong to finished transactions (PostgreSQL); None elsewhere.

    Any transaction still running, or yet to start, has an id at or above it: change log rows
    below it can no longer appear, so a cursor may safely move past them.
    """
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
        return cursor.fetchone()[0]


def high_water_mark() -> Position:
    """A position such that every change not yet reflected in the tables is after it."""
    bound = committed_bound()
    if bound is not None:
        return Position(bound - 1, MAX_SEQ)
    # SQLite runs one writer at a time (BEGIN IMMEDIATE): sequence order is commit order.
    from outreach.models.sync import ChangeLogEntry

    last = ChangeLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    return Position(0, last or 0)
