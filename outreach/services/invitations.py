"""Accounts are created by invitation: a single-use, expiring link, never a password typed by
someone else. Administrators invite anyone; coordinators invite their own organisation's
workers and coordinators (`access.may_invite`). Every step is journaled.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach import access, journal
from outreach.choices import Role
from outreach.models import Invitation, Organisation, Team, User

STAFF_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.FUNDER)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check(*, username: str, email: str, role: str, organisation: Organisation | None, team: Team | None):
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        errors.setdefault("role", []).append(_("Choose a role."))
    if User.objects.filter(username__iexact=username).exists() or (
        Invitation.objects.open().filter(username__iexact=username).exists()
    ):
        errors.setdefault("username", []).append(_("This username is already taken or invited."))
    if role in STAFF_ROLES and not email:
        errors.setdefault("email", []).append(
            _("Administrators, coordinators and funders need an e-mail address to recover their password.")
        )
    if role == Role.WORKER and team is None:
        errors.setdefault("team", []).append(_("A worker belongs to a team."))
    if team is not None and organisation is not None and team.organisation_id != organisation.pk:
        errors.setdefault("team", []).append(_("This team belongs to another organisation."))
    if role in (Role.COORDINATOR, Role.FUNDER, Role.WORKER) and organisation is None:
        errors.setdefault("organisation", []).append(_("Choose the organisation."))
    if role == Role.FUNDER and organisation is not None and organisation.kind != "funder":
        errors.setdefault("organisation", []).append(_("A funder account belongs to a funding organisation."))
    if errors:
        raise ValidationError(errors)


def check(
    *, actor: User, username: str, email: str, role: str, organisation: Organisation | None, team: Team | None
) -> tuple[str, str, Organisation | None, Team | None]:
    """The invitation's normalised fields, or PermissionDenied / ValidationError (by field)."""
    username, email = username.strip(), email.strip().lower()
    if team is not None and organisation is None:
        organisation = team.organisation
    if role == Role.ADMIN:
        organisation, team = None, None
    if role != Role.WORKER:
        team = None
    if not access.may_invite(
        actor,
        role=role,
        organisation_id=organisation.pk if organisation else None,
        team_id=team.pk if team else None,
    ):
        raise PermissionDenied
    _check(username=username, email=email, role=role, organisation=organisation, team=team)
    return username, email, organisation, team


@transaction.atomic
def create(
    *,
    actor: User,
    username: str,
    role: str,
    email: str = "",
    organisation: Organisation | None = None,
    team: Team | None = None,
    request=None,
) -> tuple[Invitation, str]:
    """An open invitation and its token (to build the link; shown once, stored only as a digest).

    Raises PermissionDenied when `actor` may not invite this account, ValidationError (by field)
    when the account would be invalid.
    """
    username, email, organisation, team = check(
        actor=actor, username=username, email=email, role=role, organisation=organisation, team=team
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        username=username,
        email=email,
        role=role,
        organisation=organisation,
        team=team,
        token_hash=_digest(token),
        created_by=actor,
        expires_at=timezone.now() + dt.timedelta(hours=settings.INVITATION_LIFETIME_HOURS),
    )
    journal.log_invitation_created(
        actor=actor,
        subject=username,
        request=request,
        role=role,
        invitation=invitation.pk,
        by_email=bool(email),
    )
    return invitation, token


def send(*, invitation: Invitation, link: str) -> bool:
    """E-mail the link when the invitation has an address. True if sent."""
    if not invitation.email:
        return False
    context = {"invitation": invitation, "link": link, "hours": settings.INVITATION_LIFETIME_HOURS}
    send_mail(
        _("Your Maraude account"),
        render_to_string("accounts/email/invitation.txt", context),
        None,
        [invitation.email],
    )
    return True


def find_open(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.open()
        .select_related("organisation", "team")
        .filter(token_hash=_digest(token))
        .first()
    )


def open_for_email(email: str) -> Invitation | None:
    """The open invitation for this address, if exactly one (ProConnect matches by e-mail)."""
    matches = list(Invitation.objects.open().filter(email__iexact=email.strip())[:2]) if email else []
    return matches[0] if len(matches) == 1 else None


def validate_new_password(*, invitation: Invitation, password: str) -> None:
    """Django's password validators, run against the account about to exist."""
    validate_password(password, User(username=invitation.username, email=invitation.email))


@transaction.atomic
def accept(*, invitation: Invitation, password: str | None, request=None, via: str = "password") -> User:
    """Create the invited account (once: a used, revoked or expired invitation raises ValidationError).

    Without a password (ProConnect) the account has no usable password: it signs in through the
    federation, or sets one later with a reset link.
    """
    locked = Invitation.objects.select_for_update().open().filter(pk=invitation.pk).first()
    if locked is None:
        raise ValidationError(_("This invitation is no longer valid."), code="invitation_used")
    if User.objects.filter(username__iexact=locked.username).exists():
        raise ValidationError(_("This username is already taken."), code="username_taken")
    user = User(
        username=locked.username,
        email=locked.email,
        role=locked.role,
        organisation=locked.organisation,
        team=locked.team,
        # Administrators run the back office (Django's admin needs staff and permissions).
        is_staff=locked.role == Role.ADMIN,
        is_superuser=locked.role == Role.ADMIN,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    locked.accepted_at = timezone.now()
    locked.accepted_user = user
    locked.save(update_fields=["accepted_at", "accepted_user"])
    journal.log_invitation_accepted(user=user, request=request, invitation=locked.pk, via=via, role=user.role)
    invitation.accepted_at, invitation.accepted_user = locked.accepted_at, user
    return user


@transaction.atomic
def revoke(*, actor: User, invitation: Invitation, request=None) -> None:
    if invitation.accepted_at or invitation.revoked_at:
        return
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    journal.log_invitation_revoked(actor=actor, subject=invitation.username, request=request)
