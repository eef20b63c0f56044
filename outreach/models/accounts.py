"""How accounts come to exist and prove who they are: invitations, passkeys, recovery codes.

Authenticator-app (TOTP) devices are django-otp's own `TOTPDevice`; passkeys and recovery codes
are django-otp devices too, so one session key says "this session passed its second factor".
Secrets that only need comparing are stored as digests: invitation tokens and recovery codes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device as OTPDevice

from outreach.choices import Role
from outreach.models.users import role_constraints


class InvitationQuerySet(models.QuerySet):
    def open(self) -> InvitationQuerySet:
        """Neither used, revoked nor expired."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A single-use, expiring link that creates one account with a role chosen by whoever invited.

    The token itself is never stored (only its SHA-256 digest): the link is shown once to the
    person who invites and, when the invitation carries an e-mail address, sent there.
    """

    email = models.EmailField(_("e-mail"), blank=True)
    username = models.CharField(_("username"), max_length=150)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    organisation = models.ForeignKey(
        "outreach.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    team = models.ForeignKey(
        "outreach.Team",
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    token_hash = models.CharField(_("token digest"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account created"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitation",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            *role_constraints("invitation"),
            # Accounts that read beyond a phone recover their password by e-mail.
            models.CheckConstraint(
                condition=Q(role=Role.WORKER) | ~Q(email=""), name="invitation_staff_have_email"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.username} ({self.get_role_display()})"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"


class PasskeyDevice(OTPDevice):
    """A WebAuthn credential (passkey or security key) registered as a second factor."""

    credential_id = models.CharField(_("credential id"), max_length=1024, unique=True, editable=False)
    public_key = models.BinaryField(_("public key"), editable=False)
    sign_count = models.PositiveBigIntegerField(_("signature counter"), default=0)
    transports = models.JSONField(_("transports"), default=list, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("passkey")
        verbose_name_plural = _("passkeys")


class RecoveryCodeDevice(OTPDevice):
    """The set of single-use recovery codes of one account (one set per account)."""

    created_at = models.DateTimeField(_("issued"), auto_now_add=True)

    class Meta:
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def verify_token(self, token) -> bool:
        from outreach.services import recovery_codes

        return recovery_codes.use_code(device=self, code=str(token))


class RecoveryCode(models.Model):
    """One recovery code, stored as a salted SHA-256 digest; `used_at` makes it single-use."""

    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    salt = models.CharField(max_length=32)
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self) -> str:
        return f"recovery code {self.pk} ({'used' if self.used_at else 'unused'})"
