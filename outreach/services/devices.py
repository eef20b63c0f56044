"""Enrol a phone, recognise it by its token, revoke it."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from outreach import journal
from outreach.choices import Role
from outreach.models import Device, User

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


@transaction.atomic
def enrol_device(*, user: User, label: str, request=None) -> tuple[Device, str]:
    """Register a device for `user` and return it with its token (shown once, stored hashed)."""
    if not may_enrol(user):
        raise EnrolmentRefused(
            "role_not_allowed", "Only outreach workers and coordinators can use the field app."
        )
    token = secrets.token_urlsafe(32)
    device = Device.objects.create(
        owner=user, label=label.strip(), token_hash=token_digest(token), last_seen_at=timezone.now()
    )
    journal.log_device_enrolled(user=user, device=str(device.pk), request=request, label=device.label)
    return device, token


def device_for_token(token: str) -> Device | None:
    """The device holding this token (revoked or not), with its owner; None if unknown."""
    if not token or len(token) > 200:
        return None
    return (
        Device.objects.select_related("owner", "owner__team").filter(token_hash=token_digest(token)).first()
    )


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
    return device
