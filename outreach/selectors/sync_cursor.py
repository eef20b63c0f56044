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


# The oldest transaction of *this database* still running, else the next id to be assigned.
# pg_snapshot_xmin() alone would be cluster-wide: a long write in another database of the same
# server would hold every pull back. xip holds 64-bit ids, pg_stat_activity 32-bit ones.
_BOUND_SQL = """
SELECT COALESCE(
    (SELECT min(x::text::bigint)
       FROM pg_snapshot_xip(s) AS x
      WHERE (x::text::bigint % 4294967296) IN (
            SELECT backend_xid::text::bigint FROM pg_stat_activity
             WHERE backend_xid IS NOT NULL
               AND datid = (SELECT oid FROM pg_database WHERE datname = current_database()))),
    pg_snapshot_xmax(s)::text::bigint),
    pg_current_xact_id_if_assigned()::text::bigint
FROM pg_current_snapshot() AS s
"""


@dataclass(frozen=True)
class LogBound:
    """How far a pull may read the change log right now.

    `below`: read only rows with a smaller txid (None: no limit, SQLite). `furthest`: the
    position a cursor may jump to once every readable row was read.
    """

    below: int | None
    furthest: Position | None


def log_bound() -> LogBound:
    """Transaction ids under `below` belong to finished transactions (PostgreSQL).

    Any transaction of this database still running, or yet to start, has an id at or above it:
    change log rows below it can no longer appear, so a cursor may safely move past them.
    """
    if connection.vendor != "postgresql":
        return LogBound(None, None)
    with connection.cursor() as cursor:
        # Backend states are cached per transaction: read them fresh.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(_BOUND_SQL)
        below, own = cursor.fetchone()
    if own is None:  # the normal case: a pull is a read-only request of its own
        return LogBound(below, Position(below - 1, MAX_SEQ))
    # A pull inside a transaction that has written (tests, scripts) may read its own rows, and
    # its cursor must not jump past the rows that transaction may still add. Only such a
    # transaction interleaved with other writers could then miss one: never a device's pull.
    return LogBound(max(below, own + 1), Position(min(below, own) - 1, MAX_SEQ))


def high_water_mark() -> Position:
    """A position such that every change not yet reflected in the tables is after it."""
    bound = log_bound()
    if bound.furthest is not None:
        return bound.furthest
    # SQLite runs one writer at a time (BEGIN IMMEDIATE): sequence order is commit order.
    from outreach.models.sync import ChangeLogEntry

    last = ChangeLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    return Position(0, last or 0)
