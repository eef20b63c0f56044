"""Keep the sync bookkeeping bounded: drop old change log rows and push receipts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from outreach.models.sync import ChangeLogEntry, ChangeLogPurge, SyncReceipt


@dataclass(frozen=True)
class SyncPurgeResult:
    cutoff: dt.datetime
    log_rows: int
    receipts: int


def purge_sync_log(*, now: dt.datetime | None = None, days: int | None = None) -> SyncPurgeResult:
    """Delete change log rows and receipts older than the retention period.

    The log is cut at a position, not a date: every row up to the newest old row goes, and the
    position is recorded so a cursor from before it is refused (the phone pulls a new snapshot)
    instead of silently missing what was cut.
    """
    days = settings.SYNC_LOG_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    with transaction.atomic():
        last = (
            ChangeLogEntry.objects.filter(created_at__lt=cutoff)
            .order_by("-txid", "-seq")
            .values_list("txid", "seq")
            .first()
        )
        log_rows = 0
        if last is not None:
            txid, seq = last
            log_rows, _ = (
                ChangeLogEntry.objects.filter(txid__lte=txid).exclude(txid=txid, seq__gt=seq).delete()
            )
            ChangeLogPurge.objects.create(txid=txid, seq=seq, rows=log_rows)
        receipts, _ = SyncReceipt.objects.filter(created_at__lt=cutoff).delete()
    return SyncPurgeResult(cutoff, log_rows, receipts)
