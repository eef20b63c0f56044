"""Recount a done session's night in the reports after the field counts changed, once per batch.

Head count taps and slot funnels arrive by the hundred in one push; each would otherwise ask for
the same night's roll-ups to be recomputed. Inside `collecting()` (the push wraps its batch in
it), the requests are gathered and one refresh runs after the commit, as for contacts
(`contact_events`).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

from django.db import transaction

from outreach.choices import SessionStatus
from outreach.models import OutreachSession
from outreach.reporting import rollups

_pending: contextvars.ContextVar[set[int] | None] = contextvars.ContextVar("session_recounts", default=None)


def counts_changed(session: OutreachSession) -> None:
    """A session's taps or slots changed (inside the writing transaction); only done ones count."""
    if session.status != SessionStatus.DONE:
        return
    pending = _pending.get()
    if pending is not None:
        pending.add(session.pk)
        return
    _dispatch({session.pk})


@contextlib.contextmanager
def collecting() -> Iterator[None]:
    """Defer the recounts asked inside the block to one after-commit refresh at its end."""
    if _pending.get() is not None:
        yield
        return
    pending: set[int] = set()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    if pending:
        _dispatch(pending)


def _dispatch(session_ids: set[int]) -> None:
    ids = sorted(session_ids)

    def refresh_rollups() -> None:
        rollups.sessions_changed(ids)

    transaction.on_commit(refresh_rollups, robust=True)
