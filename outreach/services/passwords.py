"""Password recovery: self-service by e-mail (administrators, coordinators, funders) and a
one-time reset link a coordinator issues for a worker of their organisation (the 11 pm case).

Both end on the same page and the same rule (`complete_reset`): the new password, every browser
session and phone of the account signed out (phones keep their encrypted data: the PIN is not the
password), the journal. Links are Django's password-reset tokens: they expire after
PASSWORD_RESET_TIMEOUT and stop working once the password has changed (single use).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from outreach import access, journal
from outreach.choices import Role
from outreach.models import Device, User
from outreach.services import login_throttle, signin

logger = logging.getLogger(__name__)
SELF_SERVICE_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.FUNDER)


@dataclass(frozen=True)
class ResetLink:
    user: User
    path: str


def reset_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:reset-confirm", args=[uid, default_token_generator.make_token(user)])


def user_for_link(uidb64: str) -> User | None:
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def link_is_valid(user: User | None, token: str) -> bool:
    return user is not None and default_token_generator.check_token(user, token)


def request_reset(*, email: str, request=None) -> list[ResetLink]:
    """Links to e-mail for a self-service request. The caller answers the same whatever this returns.

    Requests count in the sign-in throttle (per address, and per address asked about), so nobody
    can flood a mailbox or probe addresses; past the limit nothing is sent, silently.
    """
    email = (email or "").strip().lower()
    ip = signin.client_ip(request)
    bucket = f"reset:{email}"
    if not email or login_throttle.is_locked(bucket, ip):
        journal.log_password_reset_requested(subject="", request=request, sent=False)
        return []
    login_throttle.record_failure(bucket, ip)
    users = [
        u
        for u in User.objects.filter(email__iexact=email, is_active=True, role__in=SELF_SERVICE_ROLES)
        if u.has_usable_password()
    ]
    journal.log_password_reset_requested(
        subject=",".join(u.get_username() for u in users), request=request, sent=bool(users)
    )
    return [ResetLink(user=u, path=reset_path(u)) for u in users]


def reset_email(*, link: ResetLink, url: str) -> EmailMessage:
    """The self-service reset e-mail for one account (in the language of the request)."""
    context = {"user": link.user, "url": url, "minutes": settings.PASSWORD_RESET_TIMEOUT // 60}
    body = render_to_string("accounts/email/password_reset.txt", context)
    return EmailMessage(_("Reset your Maraude password"), body, None, [link.user.email])


def send_reset_emails(messages: list[EmailMessage]) -> None:
    """Send after the answer left: a failure is logged (the person already saw the same page)."""
    for message in messages:
        try:
            message.send()
        except OSError:
            logger.exception("Password reset e-mail could not be sent")


def validate_new_password(*, user: User, password: str) -> None:
    validate_password(password, user)


def issue_reset(*, actor: User, user: User, request=None) -> ResetLink:
    """A coordinator's (or administrator's) one-time reset link for someone they are responsible for."""
    if not access.password_resettable_by(actor).filter(pk=user.pk).exists():
        raise PermissionDenied
    journal.log_password_reset_issued(actor=actor, subject=user.get_username(), request=request)
    return ResetLink(user=user, path=reset_path(user))


@transaction.atomic
def complete_reset(*, user: User, password: str, request=None) -> int:
    """Set the new password; sign the account out of every session and phone. Returns the number
    of phones signed out (they ask to sign in again and keep their local data)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    phones = Device.objects.filter(owner=user, revoked_at__isnull=True, signed_out_at__isnull=True).update(
        signed_out_at=timezone.now()
    )
    login_throttle.record_success(user.get_username(), None)
    journal.log_password_reset_done(user=user, request=request, phones_signed_out=phones)
    return phones


@transaction.atomic
def change_password(*, user: User, password: str, request=None) -> None:
    """A signed-in person changes their own password (other browser sessions end; phones stay)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    journal.log_password_changed(user=user, request=request)
