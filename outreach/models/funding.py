from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from outreach.choices import OrganisationKind


class FundingAgreement(models.Model):
    """What a funder pays for: which organisations' outreach, over which territories, for which period.

    A funder sees aggregates only inside the territories and period of its agreements.
    """

    funder = models.ForeignKey(
        "outreach.Organisation",
        verbose_name=_("funder"),
        on_delete=models.PROTECT,
        related_name="agreements_as_funder",
        limit_choices_to={"kind": OrganisationKind.FUNDER},
    )
    funded = models.ManyToManyField(
        "outreach.Organisation",
        verbose_name=_("funded organisations"),
        related_name="agreements_as_funded",
        limit_choices_to={"kind": OrganisationKind.OUTREACH},
    )
    territories = models.ManyToManyField(
        "outreach.Territory", verbose_name=_("territories"), related_name="funding_agreements"
    )
    reference = models.CharField(_("reference"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("funding agreement")
        verbose_name_plural = _("funding agreements")
        ordering = ["-starts_on", "reference"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="funding_period_valid"),
            models.UniqueConstraint(
                fields=["funder", "reference"], name="funding_reference_unique_per_funder"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.funder} · {self.reference} ({self.starts_on:%Y-%m-%d} → {self.ends_on:%Y-%m-%d})"
