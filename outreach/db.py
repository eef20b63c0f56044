"""Where reporting queries read from: the optional read replica.

Field work (sessions, contacts, sync) always reads and writes the primary, so a worker sees
what they just recorded. Reporting (funder summaries, dashboards) tolerates a few seconds of
replication lag and is the heavy reader, so it may run on a replica when DATABASE_REPLICA_URL
is set. Without a replica everything below falls back to the primary, so reporting code can use
it unconditionally:

    from outreach.db import reporting_db, reporting_queries

    Contact.objects.using(reporting_db()).filter(...)      # one explicit queryset
    with reporting_queries():                               # every read in the block
        rows = build_summary(...)

    @reporting_read                                         # every read of a function
    def load_counts(...): ...

Never write through `reporting_db()`: a replica is read-only.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

REPLICA_DB_ALIAS = "replica"

# Models only reporting reads (e.g. pre-computed aggregates): always read from the replica.
# Labels as "app_label.ModelName"; the reporting code registers its own.
REPORTING_MODELS: set[str] = set()

_reporting = ContextVar("reporting_queries", default=False)


def replica_configured() -> bool:
    return REPLICA_DB_ALIAS in settings.DATABASES


def reporting_db() -> str:
    """The alias reporting queries should read from: the replica if configured, else the primary."""
    return REPLICA_DB_ALIAS if replica_configured() else DEFAULT_DB_ALIAS


@contextmanager
def reporting_queries() -> Iterator[str]:
    """Within the block, reads that go through the router use `reporting_db()`; yields the alias."""
    token = _reporting.set(True)
    try:
        yield reporting_db()
    finally:
        _reporting.reset(token)


P = ParamSpec("P")
R = TypeVar("R")


def reporting_read(func: Callable[P, R]) -> Callable[P, R]:
    """Decorator: every read the function makes goes to `reporting_db()` (the report code's seam)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with reporting_queries():
            return func(*args, **kwargs)

    return wrapper


class ReportingRouter:
    """Sends reporting reads to the replica; everything else, and every write, to the primary."""

    def db_for_read(self, model, **hints) -> str | None:
        if not replica_configured():
            return None
        if _reporting.get() or model._meta.label in REPORTING_MODELS:
            return REPLICA_DB_ALIAS
        return None

    def db_for_write(self, model, **hints) -> str | None:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # The replica holds the same rows as the primary.
        aliases = {DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        # The replica follows the primary's schema through replication.
        if db == REPLICA_DB_ALIAS:
            return False
        return None
