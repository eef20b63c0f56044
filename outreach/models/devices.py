"""Enrolled phones: each holds its own API token, stored only as a SHA-256 digest."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Device(models.Model):
    """A phone a worker signed in on. Revoking it makes the app wipe its local data."""

    id = models.UUIDField(_("id"), primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="devices",
    )
    label = models.CharField(_("label"), max_length=100)
    # SHA-256 hex digest of the token: a stolen database does not yield usable tokens.
    token_hash = models.CharField(_("token digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("enrolled"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # A password reset signs the account's phones out: the token stops working (401, not 410),
    # the phone keeps its encrypted data and asks to sign in again.
    signed_out_at = models.DateTimeField(_("signed out"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The phone's install identity (a UUID it keeps across sign-ins), as SHA-256 of the owner
    # and the UUID: signing in again on the same phone replaces that owner's previous device.
    install_digest = models.CharField(_("install digest"), max_length=64, blank=True, editable=False)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # What the phone said at its last push: operations it still held once that push was answered
    # (records not on the server yet), and its last successful sync (clock-corrected).
    outbox_count = models.PositiveIntegerField(_("records not yet on the server"), null=True, blank=True)
    last_sync_at = models.DateTimeField(_("last successful sync"), null=True, blank=True)
    state_reported_at = models.DateTimeField(_("state reported"), null=True, blank=True)
    # The device's ECDH P-256 public key (base64url, uncompressed point), made on the device at
    # enrolment; teammates wrap the team key for it (ADR 010). Its private key never leaves it.
    public_key = models.CharField(_("public key"), max_length=100, blank=True, editable=False)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "install_digest"], name="device_install_idx")]

    def __str__(self) -> str:
        return f"{self.label} ({self.owner_id})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_replaced(self) -> bool:
        return self.replaced_by_id is not None
