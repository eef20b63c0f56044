"""Sync bookkeeping: the change log pulled by devices and the receipts that make pushes idempotent."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CurrentTransactionId(models.Func):
    """The writing transaction's id on PostgreSQL (xid8 as a bigint), 0 elsewhere.

    SQLite serialises writers, so the change sequence alone is already in commit order there.
    """

    output_field = models.BigIntegerField()
    template = "0"

    def as_postgresql(self, compiler, connection, **extra_context):
        return "pg_current_xact_id()::text::bigint", []

    def as_sql(self, compiler, connection, **extra_context):
        return "0", []


class ChangeType(models.TextChoices):
    CONCERN = "concern", _("Concern")
    ACTION = "action", _("Action")
    PLATFORM = "platform", _("Platform category")
    HOTSPOT = "hotspot", _("Hotspot")
    PARTNER = "partner", _("Partner service")
    SESSION = "session", _("Outreach session")
    CONTACT = "contact", _("Contact")
    FIELD = "field", _("Organisation field")


class ChangeLogEntry(models.Model):
    """One write that devices may need, appended in the same transaction as the write.

    Pulls read it in (txid, seq) order and only below the oldest running transaction, so a
    change committed late can never fall behind a cursor (docs/adr/001-sync-cursor.md).
    """

    seq = models.BigAutoField(primary_key=True)
    txid = models.BigIntegerField(_("transaction id"), db_default=CurrentTransactionId())
    type = models.CharField(_("type"), max_length=16, choices=ChangeType.choices)
    # The object's key as the pull sends it: a code, an integer id or a UUID.
    key = models.CharField(_("key"), max_length=64)
    deleted = models.BooleanField(_("deleted"), default=False)
    # Who may receive it; all empty means everybody (reference lists).
    organisation_id = models.BigIntegerField(_("organisation"), null=True, blank=True)
    team_id = models.BigIntegerField(_("team"), null=True, blank=True)
    author_id = models.BigIntegerField(_("author"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("change log entry")
        verbose_name_plural = _("change log")
        indexes = [models.Index(fields=["txid", "seq"], name="changelog_position_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(type__in=ChangeType.values), name="changelog_type_valid"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.type} {self.key}{' (deleted)' if self.deleted else ''}"


class SyncReceipt(models.Model):
    """Proof that an update-like operation was applied, so its replay answers `duplicate`.

    The unique key is the operation's identity: (record UUID, operation, client time of the change).
    """

    record_uuid = models.UUIDField(_("record"))
    op = models.CharField(_("operation"), max_length=32)
    client_updated_at = models.DateTimeField(_("changed on the device"))
    version = models.PositiveIntegerField(_("resulting version"))
    device = models.ForeignKey(
        "outreach.Device", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("sync receipt")
        verbose_name_plural = _("sync receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["record_uuid", "op", "client_updated_at"], name="syncreceipt_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.op} {self.record_uuid} → v{self.version}"


class ChangeLogPurge(models.Model):
    """Where the change log was cut: cursors from before this position must start over."""

    txid = models.BigIntegerField(_("transaction id"))
    seq = models.BigIntegerField(_("sequence"))
    purged_at = models.DateTimeField(_("purged"), auto_now_add=True)
    rows = models.PositiveIntegerField(_("rows deleted"), default=0)

    class Meta:
        verbose_name = _("change log purge")
        verbose_name_plural = _("change log purges")
        ordering = ["-txid", "-seq"]

    def __str__(self) -> str:
        return f"{self.purged_at:%Y-%m-%d} ≤ ({self.txid}, {self.seq})"
