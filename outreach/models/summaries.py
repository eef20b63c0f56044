"""Scheduled e-mail summaries for funders (sent by `manage.py send_funder_summaries`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SummaryFrequency(models.TextChoices):
    WEEKLY = "week", _("Weekly")
    MONTHLY = "month", _("Monthly")
    QUARTERLY = "quarter", _("Quarterly")
    YEARLY = "year", _("Yearly")


class FunderSummarySchedule(models.Model):
    """Who receives a funding agreement's summary, and for which period length.

    Each run sends the last complete period (last week, month, quarter or year) once.
    """

    agreement = models.ForeignKey(
        "outreach.FundingAgreement",
        verbose_name=_("funding agreement"),
        on_delete=models.CASCADE,
        related_name="summary_schedules",
    )
    frequency = models.CharField(
        _("period"), max_length=8, choices=SummaryFrequency.choices, default=SummaryFrequency.MONTHLY
    )
    recipients = models.TextField(
        _("recipients"), help_text=_("E-mail addresses, one per line or separated by commas.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_period_sent = models.DateField(
        _("start of the last period sent"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("funder summary schedule")
        verbose_name_plural = _("funder summary schedules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(frequency__in=SummaryFrequency.values),
                name="summaryschedule_frequency_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement} · {self.get_frequency_display()}"

    def recipient_list(self) -> list[str]:
        parts = self.recipients.replace(",", "\n").replace(";", "\n").splitlines()
        return [part.strip() for part in parts if part.strip()]
