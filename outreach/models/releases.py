"""The release ledger: every funder table ever published, frozen (docs/adr/016-joint-disclosure-control.md).

Once a table has left (page, download, e-mail), its figures and its suppression pattern are
stored here and never change: the same table is served from here again, and every later
publication is protected with these figures counted as known. The months a released table
covers are frozen too (`ReleaseSnapshot`), so later tables keep adding up with earlier ones.
Rows are written only by `outreach.reporting.ledger`; updating or deleting one raises.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReleaseIsFrozen(Exception):
    """Raised on any attempt to change or remove a released table or a frozen month."""


class FrozenQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ReleaseIsFrozen("Released figures cannot be updated.")

    def delete(self):
        raise ReleaseIsFrozen("Released figures cannot be deleted.")


class FrozenModel(models.Model):
    objects = FrozenQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ReleaseIsFrozen("Released figures cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ReleaseIsFrozen("Released figures cannot be deleted.")


class ReleaseSnapshot(FrozenModel):
    """One month of the funded organisations' roll-ups, as it stood when first published."""

    universe = models.CharField(_("organisations"), max_length=255)
    month = models.DateField(_("month"))
    # [[territory id, kind, dimension, value, count], ...]
    cells = models.JSONField(_("counts"))
    # [[territory id, digest of (team, person code), contacts], ...]: never a person code
    persons = models.JSONField(_("persons"))
    created_at = models.DateTimeField(_("frozen at"), auto_now_add=True)

    class Meta:
        verbose_name = _("frozen month")
        verbose_name_plural = _("frozen months")
        ordering = ["universe", "month"]
        constraints = [models.UniqueConstraint(fields=["universe", "month"], name="releasesnapshot_unique")]

    def __str__(self) -> str:
        return f"{self.universe} · {self.month:%m/%Y}"


class ReleasedTable(FrozenModel):
    """One published table: every cell's value (hidden ones included, never shown) and which are hidden."""

    universe = models.CharField(_("organisations"), max_length=255)
    territory = models.ForeignKey(
        "outreach.Territory", verbose_name=_("territory"), on_delete=models.PROTECT, related_name="+"
    )
    period_kind = models.CharField(_("period"), max_length=16)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    values = models.JSONField(_("figures"))
    hidden = models.JSONField(_("suppressed cells"))
    audit = models.JSONField(_("audit"))
    agreement = models.ForeignKey(
        "outreach.FundingAgreement",
        verbose_name=_("first published for"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("released table")
        verbose_name_plural = _("release ledger")
        ordering = ["universe", "period_start", "period_end", "territory_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["universe", "territory", "period_start", "period_end"], name="releasedtable_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.universe} · {self.territory_id} · {self.period_start} → {self.period_end}"
