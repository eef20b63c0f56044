"""Single-use recovery codes: the way back in when the phone with the authenticator is lost.

Each code carries 79 random bits (16 characters of a 31-letter alphabet) and is stored only as a
salted SHA-256 digest; using one marks it used for good. Issuing a new set replaces the old one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from outreach import journal
from outreach.models import RecoveryCode, RecoveryCodeDevice, User

COUNT = 10
# No 0/O, 1/I/L: codes are copied by hand from paper.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
LENGTH = 16


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _digest(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{_normalise(code)}".encode()).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, LENGTH, 4))


def looks_like_recovery_code(code: str) -> bool:
    return len(_normalise(code)) == LENGTH


@transaction.atomic
def issue(*, user: User, request=None) -> list[str]:
    """A fresh set of codes for `user` (shown once, never stored in clear); the old set stops working."""
    RecoveryCodeDevice.objects.filter(user=user).delete()
    device = RecoveryCodeDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [_new_code() for _ in range(COUNT)]
    rows = []
    for code in codes:
        salt = secrets.token_hex(8)
        rows.append(RecoveryCode(device=device, salt=salt, digest=_digest(salt, code)))
    RecoveryCode.objects.bulk_create(rows)
    journal.log_recovery_codes_issued(user=user, count=COUNT, request=request)
    return codes


@transaction.atomic
def use_code(*, device: RecoveryCodeDevice, code: str) -> bool:
    """True, and the code is spent, if `code` is one of the device's unused codes."""
    if not looks_like_recovery_code(code):
        return False
    for row in RecoveryCode.objects.select_for_update().filter(device=device, used_at__isnull=True):
        if hmac.compare_digest(row.digest, _digest(row.salt, code)):
            row.used_at = timezone.now()
            row.save(update_fields=["used_at"])
            return True
    return False


def remaining(user: User) -> int:
    return RecoveryCode.objects.filter(device__user=user, used_at__isnull=True).count()
