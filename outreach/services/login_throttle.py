"""Failure counting against password guessing, used only through `outreach.services.signin`.

Failures are counted in the cache (Redis when several app servers run) per account and per
client address; past the limit, sign-in is refused for a lockout period, even with the right
password. Doors without an account name (a bad invitation or reset link) count for the address.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

# The address gets a wider allowance: several workers may sign in from one office.
ADDRESS_ALLOWANCE = 4


def _account_key(username: str) -> str:
    return "login-fail:user:" + hashlib.sha256(username.strip().lower().encode()).hexdigest()


def _keys(username: str | None, ip: str | None) -> list[str]:
    keys = [_account_key(username)] if username is not None else []
    if ip:
        keys.append(f"login-fail:ip:{ip}")
    return keys


def is_locked(username: str | None, ip: str | None) -> bool:
    limit = settings.LOGIN_FAILURE_LIMIT
    counts = cache.get_many(_keys(username, ip))
    for key, count in counts.items():
        allowed = limit * ADDRESS_ALLOWANCE if key.startswith("login-fail:ip:") else limit
        if count >= allowed:
            return True
    return False


def record_failure(username: str | None, ip: str | None) -> None:
    for key in _keys(username, ip):
        cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)


def record_success(username: str, ip: str | None) -> None:
    cache.delete(_account_key(username))
