"""Retention: contact rows older than settings.RETENTION_DAYS are deleted, and the purge audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from outreach import journal
from outreach.models import Contact


@dataclass(frozen=True)
class PurgeResult:
    cutoff: dt.datetime
    deleted: int


def retention_cutoff(*, now: dt.datetime | None = None, days: int | None = None) -> dt.datetime:
    """The instant before which a contact has outlived the retention period."""
    days = settings.RETENTION_DAYS if days is None else days
    return (now or timezone.now()) - dt.timedelta(days=days)


def count_expired_contacts(*, now: dt.datetime | None = None) -> PurgeResult:
    """What a purge would delete now, without deleting anything."""
    cutoff = retention_cutoff(now=now)
    return PurgeResult(cutoff, Contact.objects.filter(occurred_at__lt=cutoff).count())


def purge_expired_contacts(*, now: dt.datetime | None = None) -> PurgeResult:
    """Delete every contact that occurred before the retention cutoff, in one audited transaction.

    Their orientations and concern/action links go with them; sessions, tallies and debriefs
    (which identify nobody) remain, so past activity can still be counted.
    """
    cutoff = retention_cutoff(now=now)
    with transaction.atomic():
        _, per_model = Contact.objects.filter(occurred_at__lt=cutoff).delete()
        deleted = per_model.get(Contact._meta.label, 0)
        # Logged even when nothing expired: the journal then shows the purge does run.
        journal.log_retention_purge(count=deleted, before=cutoff.isoformat(timespec="seconds"))
    return PurgeResult(cutoff, deleted)
