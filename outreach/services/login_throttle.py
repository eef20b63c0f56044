"""Login throttling against password guessing, shared by the web sign-in and the device enrolment.

Failures are counted in the cache (Redis when several app servers run) per account and per
client address; past the limit, sign-in is refused for a lockout period, even with the right password.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _keys(username: str, ip: str | None) -> list[str]:
    keys = ["login-fail:user:" + hashlib.sha256(username.strip().lower().encode()).hexdigest()]
    if ip:
        keys.append(f"login-fail:ip:{ip}")
    return keys


def is_locked(username: str, ip: str | None) -> bool:
    limit = settings.LOGIN_FAILURE_LIMIT
    # The address gets a wider allowance: several workers may sign in from one office.
    counts = cache.get_many(_keys(username, ip))
    for key, count in counts.items():
        allowed = limit * 4 if key.startswith("login-fail:ip:") else limit
        if count >= allowed:
            return True
    return False


def record_failure(username: str, ip: str | None) -> None:
    for key in _keys(username, ip):
        cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)


def record_success(username: str, ip: str | None) -> None:
    cache.delete(_keys(username, None)[0])
