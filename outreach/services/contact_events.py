"""The single point every contact write passes after it has written: `contacts_changed`.

It feeds the sync change log in the writing transaction, and refreshes the reporting roll-ups
once that transaction has committed: a phone's push never waits on another phone's roll-up lock,
and a failing refresh never turns a committed push into an error (it is logged; the nightly
`rebuild_rollups --since` repairs it, see docs/operations.md). Writers that save many
contacts wrap the work in `collecting()` so the hook runs once per batch, still inside the
writing transaction.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator

from django.db import transaction

from outreach.models import Contact
from outreach.models.sync import ChangeType
from outreach.reporting import rollup_delta
from outreach.reporting.contact_cells import InHand
from outreach.services import change_log


class _Pending:
    """What a block of writes changed: contacts to look up, and new ones already in hand."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.created: list[tuple[Contact, InHand]] = []


_pending: contextvars.ContextVar[_Pending | None] = contextvars.ContextVar(
    "contact_events_pending", default=None
)


def contacts_changed(contact_ids: Iterable[int]) -> None:
    """Contacts were created or changed (call inside the writing transaction)."""
    ids = list(contact_ids)
    if not ids:
        return
    pending = _pending.get()
    if pending is not None:
        pending.ids.extend(ids)
        return
    _dispatch(ids, [])


def contacts_created(contacts: list[tuple[Contact, InHand]]) -> None:
    """The same for contacts just inserted, with their rows and links in hand
    (`contact_cells.in_hand`): neither the change log nor the roll-ups read them back."""
    if not contacts:
        return
    pending = _pending.get()
    if pending is not None:
        pending.created.extend(contacts)
        return
    _dispatch([], contacts)


@contextlib.contextmanager
def collecting() -> Iterator[None]:
    """Defer `contacts_changed` calls made inside the block to one call at its end."""
    if _pending.get() is not None:  # already collecting: the outer block flushes
        yield
        return
    pending = _Pending()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    _dispatch(pending.ids, pending.created)


def _dispatch(ids: list[int], created: list[tuple[Contact, InHand]]) -> None:
    rows = [(c.uuid, c.team_id, c.author_id) for c, _ in created]
    others = set(ids) - {c.pk for c, _ in created}
    if others:
        rows += Contact.objects.filter(pk__any_of=list(others)).values_list("uuid", "team_id", "author_id")
    change_log.append_rows(
        (ChangeType.CONTACT, str(uuid), False, None, team_id, author_id) for uuid, team_id, author_id in rows
    )
    # A contact changed again after its creation in the same block (a create and its correction in
    # one push): its row in hand is stale, so it is read back like any changed contact.
    changed = set(ids)
    in_hand = [row for contact, row in created if contact.pk not in changed]
    if not ids and not in_hand:
        return

    # A named function, not a partial: Django logs a failing robust hook by its __qualname__.
    def refresh_rollups() -> None:
        rollup_delta.contacts_changed(ids, in_hand)

    transaction.on_commit(refresh_rollups, robust=True)
