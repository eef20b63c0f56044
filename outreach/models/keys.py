"""Team keys the server only ever holds wrapped (ADR 010).

Each team has numbered AES-GCM keys (`kid` 1, 2, …) made on a member's device; the newest one
not retired seals new notes. The server stores each key only encrypted for one device's public
key (`WrappedTeamKey`): it can hand a key to a device but never read it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TeamKey(models.Model):
    team = models.ForeignKey(
        "outreach.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="keys"
    )
    kid = models.PositiveIntegerField(_("key number"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        "outreach.Device", verbose_name=_("made by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Set when a device is revoked or a member leaves: new notes need a new key.
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        verbose_name = _("team key")
        verbose_name_plural = _("team keys")
        ordering = ["team", "kid"]
        constraints = [models.UniqueConstraint(fields=["team", "kid"], name="teamkey_team_kid_unique")]

    def __str__(self) -> str:
        return f"{self.team_id}#{self.kid}"


class WrappedTeamKey(models.Model):
    """One team key encrypted for one device's public key (`wk1.…`, outreach/rules/sealed.py)."""

    team_key = models.ForeignKey(
        TeamKey, verbose_name=_("team key"), on_delete=models.CASCADE, related_name="wrapped"
    )
    device = models.ForeignKey(
        "outreach.Device", verbose_name=_("for device"), on_delete=models.CASCADE, related_name="team_keys"
    )
    wrapped = models.CharField(_("wrapped key"), max_length=200)
    wrapped_by = models.ForeignKey(
        "outreach.Device",
        verbose_name=_("wrapped by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("wrapped team key")
        verbose_name_plural = _("wrapped team keys")
        constraints = [models.UniqueConstraint(fields=["team_key", "device"], name="wrappedteamkey_unique")]

    def __str__(self) -> str:
        return f"{self.team_key} → {self.device_id}"
