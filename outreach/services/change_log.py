"""Append to the sync change log, always inside the transaction of the write it describes."""

from __future__ import annotations

from collections.abc import Iterable

from outreach.models.sync import ChangeLogEntry, ChangeType


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
    """Write entries in one statement. Their `txid` is filled by the database (see the model)."""
    entries = list(entries)
    if entries:
        ChangeLogEntry.objects.bulk_create(entries)
