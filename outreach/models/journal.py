"""The append-only audit journal. Entries are written only through `outreach.journal`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JournalIsAppendOnly(Exception):
    """Raised on any attempt to change or remove an audit entry."""


class JournalQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise JournalIsAppendOnly("Journal entries cannot be updated.")

    def delete(self):
        raise JournalIsAppendOnly("Journal entries cannot be deleted.")


class JournalEvent(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOGIN_LOCKED = "login_locked", _("Sign-in locked after failures")
    LOGOUT = "logout", _("Signed out")
    EXPORT = "export", _("Export")
    REPORT_VIEW = "report_view", _("Report viewed")
    PERMISSION_CHANGE = "permission_change", _("Permission change")
    DEVICE_ENROLLED = "device_enrolled", _("Device enrolled")
    DEVICE_REVOKED = "device_revoked", _("Device revoked")
    RETENTION_PURGE = "retention_purge", _("Retention purge")
    SUMMARY_SENT = "summary_sent", _("Summary sent")
    PASSWORD_OK = "password_ok", _("Password accepted, second factor pending")
    SECOND_FACTOR_FAILED = "second_factor_failed", _("Wrong second factor")
    SECOND_FACTOR_ADDED = "second_factor_added", _("Second factor added")
    SECOND_FACTOR_REMOVED = "second_factor_removed", _("Second factor removed")
    SECOND_FACTOR_RESET = "second_factor_reset", _("Second factors reset")
    RECOVERY_CODES_ISSUED = "recovery_codes_issued", _("Recovery codes issued")
    INVITATION_CREATED = "invitation_created", _("Invitation created")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
    INVITATION_REVOKED = "invitation_revoked", _("Invitation revoked")
    PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Password reset requested")
    PASSWORD_RESET_ISSUED = "password_reset_issued", _("One-time password reset issued")
    PASSWORD_RESET_DONE = "password_reset_done", _("Password reset")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    DIRECTORY_IMPORT = "directory_import", _("Partner directory import")
    CONTACT_CORRECTED = "contact_corrected", _("Contact corrected outside the field app")
    SESSION_CORRECTED = "session_corrected", _("Session corrected outside the field app")
    HOTSPOT_SAVED = "hotspot_saved", _("Hotspot created or changed")
    PARTNER_SAVED = "partner_saved", _("Partner service created or changed")
    CUSTOM_FIELD_CHANGED = "custom_field_changed", _("Organisation field changed")
    TEAM_KEY_CREATED = "team_key_created", _("Team key created")
    TEAM_KEY_SHARED = "team_key_shared", _("Team key shared with devices")
    TEAM_KEY_RETIRED = "team_key_retired", _("Team key retired")
    LEGACY_NOTES_SEALED = "legacy_notes_sealed", _("Notes typed before the team key sealed")


class JournalEntry(models.Model):
    Event = JournalEvent

    event = models.CharField(_("event"), max_length=32, choices=JournalEvent.choices)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept even when the account is later deleted.
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    target = models.CharField(_("target"), max_length=200, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = JournalQuerySet.as_manager()

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(event__in=JournalEvent.values), name="journal_event_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_username} {self.event}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise JournalIsAppendOnly("Journal entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise JournalIsAppendOnly("Journal entries cannot be deleted.")
