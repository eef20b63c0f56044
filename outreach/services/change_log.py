"""Append to the sync change log, always inside the transaction of the write it describes."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from outreach.models.sync import ChangeLogEntry, ChangeType
from outreach.services.bulk_insert import insert_values

# Every column but `seq` (the sequence) and `txid` (the writing transaction, filled by the database).
COLUMNS = ("type", "key", "deleted", "organisation_id", "team_id", "author_id", "created_at")


def entry(
    type: str,
    key: object,
    *,
    organisation_id: int | None = None,
    team_id: int | None = None,
    author_id: int | None = None,
    deleted: bool = False,
) -> ChangeLogEntry:
    """An unsaved entry; pass a batch of them to `append`."""
    return ChangeLogEntry(
        type=ChangeType(type),
        key=str(key),
        organisation_id=organisation_id,
        team_id=team_id,
        author_id=author_id,
        deleted=deleted,
    )


def append(entries: Iterable[ChangeLogEntry]) -> None:
    """Write entries in one statement (COPY on PostgreSQL). Their `txid` is filled by the
    database (see the model)."""
    append_rows((str(e.type), e.key, e.deleted, e.organisation_id, e.team_id, e.author_id) for e in entries)


def append_rows(rows: Iterable[tuple]) -> None:
    """The same from plain rows: (type, key, deleted, organisation_id, team_id, author_id)."""
    now = timezone.now()
    insert_values(ChangeLogEntry, COLUMNS, [(*row, now) for row in rows])
