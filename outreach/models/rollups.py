"""Roll-up tables behind every report: counts per (team, service date, territory, kind).

They are derived data: `outreach.reporting.rollups` keeps them in step with contacts and
sessions, bucket by bucket, and `manage.py rebuild_rollups` recomputes them from scratch.
Nothing here is shown to anyone directly: reports read them and apply disclosure control.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from outreach.choices import SessionKind


class ActivityRollup(models.Model):
    """One count of one measure (`dimension`, `value`) in one bucket, territory and kind.

    Examples: ("contacts", ""), ("age_band", "15_17"), ("concern", "running_away"),
    ("minutes", "") for outreach time. A missing row means zero.
    """

    team = models.ForeignKey("outreach.Team", on_delete=models.CASCADE, related_name="+")
    # Copied from the team so scoped reports need no join.
    organisation = models.ForeignKey("outreach.Organisation", on_delete=models.CASCADE, related_name="+")
    service_date = models.DateField()
    territory = models.ForeignKey("outreach.Territory", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=SessionKind.choices)
    dimension = models.CharField(max_length=24)
    value = models.CharField(max_length=50, blank=True)
    count = models.BigIntegerField()

    class Meta:
        verbose_name = _("activity roll-up")
        verbose_name_plural = _("activity roll-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "service_date", "territory", "kind", "dimension", "value"],
                name="activityrollup_cell_unique",
            )
        ]
        indexes = [
            models.Index(fields=["service_date", "organisation"], name="rollup_date_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.team_id} {self.service_date} {self.dimension}={self.value}: {self.count}"


class PersonRollup(models.Model):
    """A pseudonymous person met by a team on a service date: distinct persons are counted here.

    Person codes are chosen per team, so a person is (team, person_code). Never shown.
    """

    team = models.ForeignKey("outreach.Team", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("outreach.Organisation", on_delete=models.CASCADE, related_name="+")
    service_date = models.DateField()
    territory = models.ForeignKey("outreach.Territory", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=SessionKind.choices)
    person_code = models.CharField(max_length=47)  # a plain code or its pseudonym (ADR 010)
    contacts = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("person roll-up")
        verbose_name_plural = _("person roll-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "service_date", "territory", "kind", "person_code"],
                name="personrollup_cell_unique",
            )
        ]
        indexes = [
            models.Index(fields=["service_date", "organisation"], name="personrollup_date_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.team_id} {self.service_date} person"


class RollupLedger(models.Model):
    """The bucket each contact or session was last rolled up into.

    When a record moves (its team or service date changes) or disappears, the ledger names the
    old bucket, so it is refreshed too. Object ids are plain integers: the record may be gone.
    """

    class Source(models.TextChoices):
        CONTACT = "contact", _("contact")
        SESSION = "session", _("session")

    source = models.CharField(max_length=8, choices=Source.choices)
    object_id = models.BigIntegerField()
    team_id = models.BigIntegerField()
    service_date = models.DateField()

    class Meta:
        verbose_name = _("roll-up ledger entry")
        verbose_name_plural = _("roll-up ledger")
        constraints = [models.UniqueConstraint(fields=["source", "object_id"], name="rollupledger_unique")]
        indexes = [models.Index(fields=["team_id", "service_date"], name="rollupledger_bucket_idx")]

    def __str__(self) -> str:
        return f"{self.source} {self.object_id} → {self.team_id}/{self.service_date}"


class MonthlyRollup(models.Model):
    """`ActivityRollup` summed over a calendar month: what long reports read."""

    team = models.ForeignKey("outreach.Team", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("outreach.Organisation", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="First day of the month.")
    territory = models.ForeignKey("outreach.Territory", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=SessionKind.choices)
    dimension = models.CharField(max_length=24)
    value = models.CharField(max_length=50, blank=True)
    count = models.BigIntegerField()

    class Meta:
        verbose_name = _("monthly roll-up")
        verbose_name_plural = _("monthly roll-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "month", "territory", "kind", "dimension", "value"],
                name="monthlyrollup_cell_unique",
            )
        ]
        indexes = [models.Index(fields=["month", "organisation"], name="monthly_month_org_idx")]

    def __str__(self) -> str:
        return f"{self.team_id} {self.month:%Y-%m} {self.dimension}={self.value}: {self.count}"


class MonthlyPersonRollup(models.Model):
    """`PersonRollup` summed over a calendar month."""

    team = models.ForeignKey("outreach.Team", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("outreach.Organisation", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    territory = models.ForeignKey("outreach.Territory", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=SessionKind.choices)
    person_code = models.CharField(max_length=47)  # a plain code or its pseudonym (ADR 010)
    contacts = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("monthly person roll-up")
        verbose_name_plural = _("monthly person roll-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "month", "territory", "kind", "person_code"],
                name="monthlypersonrollup_unique",
            )
        ]
        indexes = [models.Index(fields=["month", "organisation"], name="monthlyperson_month_org_idx")]

    def __str__(self) -> str:
        return f"{self.team_id} {self.month:%Y-%m} person"
