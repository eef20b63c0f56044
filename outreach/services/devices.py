"""A phone's life: enrol it (replacing the same phone's previous sign-in), recognise it by its
token, record what it still holds at each push, revoke it."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from outreach import journal
from outreach.choices import Role
from outreach.models import Device, Team, User
from outreach.services import team_keys
from outreach.services.sync_context import ClockReading

FIELD_ROLES = (Role.WORKER, Role.COORDINATOR)
# last_seen_at is written at most this often per device, so reads do not turn into writes.
LAST_SEEN_RESOLUTION = dt.timedelta(minutes=1)


class EnrolmentRefused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def may_enrol(user: User) -> bool:
    return user.is_active and user.role in FIELD_ROLES


def install_digest(user: User, install_id: uuid.UUID) -> str:
    """What the server keeps of a phone's install identity: bound to its owner, not reversible."""
    return hashlib.sha256(f"{user.pk}:{install_id}".encode()).hexdigest()


@transaction.atomic
def enrol_device(
    *, user: User, label: str, install_id: uuid.UUID | None = None, request=None
) -> tuple[Device, str]:
    """Register a device for `user` and return it with its token (shown once, stored hashed).

    With the phone's `install_id`, the same user's active devices enrolled earlier from that
    install are replaced (they stop working, their data stays on the phone): signing in again on
    a phone never leaves two active devices. Another user's devices are never touched, whatever
    the install id says.
    """
    if not may_enrol(user):
        raise EnrolmentRefused(
            "role_not_allowed", "Only outreach workers and coordinators can use the field app."
        )
    digest = install_digest(user, install_id) if install_id else ""
    previous: list[Device] = []
    if digest:
        # One enrolment at a time per user, so two racing sign-ins cannot both stay active.
        User.objects.select_for_update().filter(pk=user.pk).first()
        previous = list(
            Device.objects.select_for_update().filter(owner=user, install_digest=digest, revoked_at=None)
        )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    device = Device.objects.create(
        owner=user,
        label=label.strip(),
        token_hash=token_digest(token),
        last_seen_at=now,
        install_digest=digest,
    )
    journal.log_device_enrolled(user=user, device=str(device.pk), request=request, label=device.label)
    for old in previous:
        old.revoked_at, old.revoked_by, old.replaced_by = now, user, device
        old.save(update_fields=["revoked_at", "revoked_by", "replaced_by"])
        journal.log_device_revoked(
            actor=user,
            device=str(old.pk),
            request=request,
            label=old.label,
            owner=user.get_username(),
            reason="replaced",
            replaced_by=str(device.pk),
        )
    return device, token


def replaced_by(device: Device) -> list[Device]:
    """The devices this enrolment replaced (same owner, same phone)."""
    return list(Device.objects.filter(replaced_by=device, owner_id=device.owner_id).order_by("created_at"))


def unsent_elsewhere(device: Device) -> list[Device]:
    """The owner's other active devices that still held records at their last push."""
    return list(
        Device.objects.filter(owner_id=device.owner_id, revoked_at=None, outbox_count__gt=0)
        .exclude(pk=device.pk)
        .order_by("-state_reported_at")
    )


def device_for_token(token: str) -> Device | None:
    """The device holding this token (revoked or not), with its owner; None if unknown."""
    if not token or len(token) > 200:
        return None
    return (
        Device.objects.select_related("owner", "owner__team").filter(token_hash=token_digest(token)).first()
    )


@dataclass(frozen=True)
class ReportedState:
    """What a phone says about itself in a push: its outbox and its last successful sync."""

    outbox: int  # operations in the outbox when the push was sent, that batch included
    last_sync_at: dt.datetime | None


ACKNOWLEDGED = frozenset({"created", "duplicate", "updated"})


def record_state(
    *,
    device: Device,
    state: ReportedState,
    statuses: list[str],
    clock_skew_seconds: int | None = None,
) -> None:
    """Keep what the phone still holds once this push is answered, for the coordinator.

    The batch's acknowledged operations leave the phone's outbox; everything else (later batches,
    refused or conflicting records) stays there and would be lost with the phone. The phone's
    clock is corrected by the offset the push measured.
    """
    now = timezone.now()
    remaining = max(0, state.outbox - sum(1 for s in statuses if s in ACKNOWLEDGED))
    last_sync = state.last_sync_at
    if last_sync is not None:
        # The same correction as the batch's contacts get (docs/sync-protocol.md §2.5).
        skew = clock_skew_seconds or 0
        clock = ClockReading(skew, abs(skew) > settings.SYNC_CLOCK_SKEW_TOLERANCE_SECONDS)
        last_sync = min(now, clock.correct(last_sync))
    Device.objects.filter(pk=device.pk).update(
        outbox_count=remaining, last_sync_at=last_sync, state_reported_at=now
    )
    device.outbox_count, device.last_sync_at, device.state_reported_at = remaining, last_sync, now


def is_usable(device: Device) -> bool:
    """A device may talk to the API while it is not revoked and its owner may still enrol."""
    return device.revoked_at is None and may_enrol(device.owner)


def touch(device: Device) -> None:
    """Record that the device was seen now (at most once a minute)."""
    now = timezone.now()
    if device.last_seen_at is None or now - device.last_seen_at >= LAST_SEEN_RESOLUTION:
        Device.objects.filter(pk=device.pk).update(last_seen_at=now)
        device.last_seen_at = now


@transaction.atomic
def revoke_device(*, actor: User, device: Device, request=None) -> Device:
    """Revoke a device: its next request answers 410 and the app wipes its data. Idempotent."""
    if device.revoked_at is None:
        device.revoked_at = timezone.now()
        device.revoked_by = actor
        device.save(update_fields=["revoked_at", "revoked_by"])
        journal.log_device_revoked(
            actor=actor,
            device=str(device.pk),
            request=request,
            label=device.label,
            owner=device.owner.get_username(),
        )
        # Keys it held are no longer used for new notes (ADR 010): the team makes a new one.
        held = Team.objects.filter(keys__wrapped__device=device).distinct()
        team_keys.retire_keys(held, actor=actor, why="device_revoked", request=request)
    return device
