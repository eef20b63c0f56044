"""The one sign-in rule. Every door calls it: /login/, /admin/login/, the phone's enrolment, the
second-factor step, ProConnect, invitation and reset links.

The same per-account and per-address throttle (`login_throttle`), the same journal entries (with
the door in their detail), the same refusals whether the account exists or not. A door only
turns a `SignInRefused` into its own wire format (a form error, a JSON 401/429).

Accounts that read beyond a phone (administrators, coordinators, funders, and any staff or
superuser account) need a second factor: after the password their session is *pending* — the
`SecondFactorMiddleware` shows it as anonymous everywhere except the second-factor pages — until
`complete_second_factor` marks it verified.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib import auth
from django.utils.translation import gettext_lazy as _
from django_otp import DEVICE_ID_SESSION_KEY

from outreach import journal
from outreach.choices import Role
from outreach.models import User
from outreach.services import login_throttle

# Session key of a password-only session waiting for its second factor: {"door", "since"}.
PENDING_KEY = "signin_pending"
# A pending session that has not passed its second factor within this many seconds is dropped.
PENDING_MAX_SECONDS = 10 * 60
# Set when the identity federation reported a multi-factor sign-in that stands for ours.
FEDERATED_MFA_KEY = "signin_federated_mfa"
SECOND_FACTOR_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.FUNDER)
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class Door:
    """Where a sign-in attempt came from, recorded in the journal's detail."""

    WEB = "web"
    ADMIN = "admin"
    DEVICE = "device"
    PROCONNECT = "proconnect"
    INVITATION = "invitation"
    RESET_LINK = "reset_link"
    SECOND_FACTOR = "second_factor"


LOCKED_MESSAGE = _(
    "Too many failed attempts. Sign-in is paused for this account for a few minutes; "
    "ask your coordinator if you forgot your password."
)
INVALID_MESSAGE = _("Wrong username or password.")
INVALID_CODE_MESSAGE = _("This code is not valid. Check your authenticator app or use a recovery code.")


class SignInRefused(Exception):
    """A refusal every door shows the same way for known and unknown accounts."""

    def __init__(self, code: str, message) -> None:
        super().__init__(str(message))
        self.code = code  # "locked" or "invalid"
        self.message = message


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def requires_second_factor(user) -> bool:
    """Whoever reads beyond their own phone: administrators, coordinators, funders, staff."""
    return bool(
        user
        and user.is_authenticated
        and (user.role in SECOND_FACTOR_ROLES or user.is_staff or user.is_superuser)
    )


def second_factor_passed(request, user) -> bool:
    """Has this session proven a second factor for `user` (a django-otp device, or the federation)?"""
    is_verified = getattr(user, "is_verified", None)
    return bool((is_verified and is_verified()) or request.session.get(FEDERATED_MFA_KEY) == user.pk)


def ensure_not_locked(*, username: str, request, door: str) -> None:
    """Refuse (and journal) while the account or the address is locked, whatever the credentials."""
    if login_throttle.is_locked(username, client_ip(request)):
        journal.log_login_locked(username=username, request=request, door=door)
        raise SignInRefused("locked", LOCKED_MESSAGE)


def record_failure(*, username: str, request, door: str, reason: str = "password") -> SignInRefused:
    """Count a failure against the account and the address, journal it, return the refusal."""
    login_throttle.record_failure(username, client_ip(request))
    if door == Door.SECOND_FACTOR:
        journal.log_second_factor_failed(username=username, request=request, reason=reason)
        return SignInRefused("invalid", INVALID_CODE_MESSAGE)
    journal.log_login_failed(username=username, request=request, door=door, reason=reason)
    return SignInRefused("invalid", INVALID_MESSAGE)


def check_password(*, request, username: str, password: str, door: str) -> User:
    """The user these credentials open, or SignInRefused. Inactive accounts fail like wrong passwords."""
    username = (username or "").strip()
    ensure_not_locked(username=username, request=request, door=door)
    django_request = getattr(request, "_request", request)
    user = auth.authenticate(django_request, username=username, password=password)
    if user is None:
        raise record_failure(username=username, request=request, door=door)
    login_throttle.record_success(username, client_ip(request))
    return user


def check_account(*, request, user: User | None, identity: str, door: str, reason: str) -> User:
    """For doors without a password (ProConnect, links): the same lock, the same refusal."""
    ensure_not_locked(username=user.get_username() if user else identity, request=request, door=door)
    if user is None or not user.is_active:
        raise record_failure(username=identity, request=request, door=door, reason=reason)
    login_throttle.record_success(user.get_username(), client_ip(request))
    return user


def record_address_failure(*, request, door: str, reason: str) -> None:
    """A failure with no account to charge (an unknown, used or expired link; a federation
    answer that cannot be trusted) counts against the address."""
    login_throttle.record_failure(None, client_ip(request))
    journal.log_login_failed(username="", request=request, door=door, reason=reason)


def address_locked(request) -> bool:
    return login_throttle.is_locked(None, client_ip(request))


def record_sign_in(*, user: User, request, door: str, second_factor: str | None = None) -> None:
    """Journal a completed sign-in (a session for a person, or a token for a phone)."""
    journal.log_login(user=user, request=request, door=door, second_factor=second_factor or "none")


def open_session(request, user: User, *, door: str, second_factor: str | None = None) -> bool:
    """Sign `user` in on this browser. True when complete; False when a second factor is pending.

    `second_factor` names one already proven on the way (ProConnect's multi-factor sign-in).
    """
    auth.login(request, user, backend=getattr(user, "backend", None) or MODEL_BACKEND)
    if second_factor is None and requires_second_factor(user):
        request.session[PENDING_KEY] = {"door": door, "since": int(time.time())}
        journal.log_password_ok(user=user, request=request, door=door)
        return False
    if second_factor is not None:
        request.session[FEDERATED_MFA_KEY] = user.pk
    record_sign_in(user=user, request=request, door=door, second_factor=second_factor)
    return True


def pending(request) -> dict[str, Any] | None:
    """The pending sign-in of this session, if it is still fresh."""
    info = request.session.get(PENDING_KEY)
    if not info or time.time() - info.get("since", 0) > PENDING_MAX_SECONDS:
        return None
    return info


def complete_second_factor(request, user: User, device, *, kind: str) -> None:
    """Mark this session as having passed its second factor with `device`; journal the sign-in."""
    info = request.session.get(PENDING_KEY) or {}
    request.session.cycle_key()  # a new session id for the now fully signed-in session
    request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    request.session.pop(PENDING_KEY, None)
    user.otp_device = device
    request.user = user
    login_throttle.record_success(user.get_username(), client_ip(request))
    record_sign_in(user=user, request=request, door=info.get("door", Door.WEB), second_factor=kind)
