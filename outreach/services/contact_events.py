"""The single point every contact write passes after it has written: `contacts_changed`.

Today it feeds the sync change log; reporting roll-ups hook in here too. Writers that save many
contacts wrap the work in `collecting()` so the hook runs once per batch, still inside the
writing transaction.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator

from outreach.models import Contact
from outreach.models.sync import ChangeType
from outreach.services import change_log

_pending: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "contact_events_pending", default=None
)


def contacts_changed(contact_ids: Iterable[int]) -> None:
    """Contacts were created or changed (call inside the writing transaction)."""
    ids = list(contact_ids)
    if not ids:
        return
    pending = _pending.get()
    if pending is not None:
        pending.extend(ids)
        return
    _dispatch(ids)


@contextlib.contextmanager
def collecting() -> Iterator[None]:
    """Defer `contacts_changed` calls made inside the block to one call at its end."""
    if _pending.get() is not None:  # already collecting: the outer block flushes
        yield
        return
    pending: list[int] = []
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    _dispatch(pending)


def _dispatch(ids: list[int]) -> None:
    rows = Contact.objects.filter(pk__in=set(ids)).values_list("uuid", "team_id", "author_id")
    change_log.append(
        change_log.entry(ChangeType.CONTACT, uuid, team_id=team_id, author_id=author_id)
        for uuid, team_id, author_id in rows
    )
