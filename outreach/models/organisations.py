from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from outreach.choices import FunderKind, OrganisationKind
from outreach.models.places import COORDINATE_DECIMALS


class Organisation(models.Model):
    """An association running outreach teams, or a funder (département, State, city, foundation)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=OrganisationKind.choices)
    funder_kind = models.CharField(_("funder kind"), max_length=16, choices=FunderKind.choices, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind=OrganisationKind.FUNDER, funder_kind__in=FunderKind.values)
                | Q(kind=OrganisationKind.OUTREACH, funder_kind=""),
                name="organisation_funder_kind_only_for_funders",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """An outreach team of an organisation, covering some territories."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="teams"
    )
    name = models.CharField(_("name"), max_length=200)
    territories = models.ManyToManyField(
        "outreach.Territory", verbose_name=_("territories covered"), related_name="teams"
    )
    day_boundary_hour = models.PositiveSmallIntegerField(
        _("day boundary hour"),
        default=12,
        validators=[MaxValueValidator(23)],
        help_text=_(
            "A night belongs to the date it began: events before this hour count for the day before."
        ),
    )
    edit_window_hours = models.PositiveSmallIntegerField(
        _("edit window (hours)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("How long a contact stays correctable from the field. Empty: the site default."),
    )
    # Which of its keys person pseudonyms are derived from: the first, unless every device holding
    # it was lost (ADR 010).
    pseudonym_kid = models.PositiveIntegerField(
        _("pseudonym key number"), null=True, blank=True, editable=False
    )
    # When the team's first key was made (ADR 010): from then on its notes and person codes
    # are only accepted sealed.
    sealed_since = models.DateTimeField(_("notes encrypted since"), null=True, blank=True, editable=False)
    # Where the team's nights usually begin (its premises, a van's parking spot): a place of the
    # team, at 3 decimals like every place, never a person's location.
    base_name = models.CharField(_("base"), max_length=120, blank=True)
    base_latitude = models.DecimalField(
        _("base latitude"), max_digits=6, decimal_places=COORDINATE_DECIMALS, null=True, blank=True
    )
    base_longitude = models.DecimalField(
        _("base longitude"), max_digits=7, decimal_places=COORDINATE_DECIMALS, null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="team_name_unique_per_organisation"
            ),
            models.CheckConstraint(
                condition=Q(day_boundary_hour__lte=23), name="team_day_boundary_hour_valid"
            ),
            models.CheckConstraint(
                condition=Q(base_latitude__isnull=True, base_longitude__isnull=True)
                | Q(
                    base_latitude__isnull=False,
                    base_longitude__isnull=False,
                    base_latitude__gte=-90,
                    base_latitude__lte=90,
                    base_longitude__gte=-180,
                    base_longitude__lte=180,
                ),
                name="team_base_both_coordinates_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.name}"

    @property
    def base(self) -> tuple[float, float] | None:
        if self.base_latitude is None or self.base_longitude is None:
            return None
        return float(self.base_latitude), float(self.base_longitude)
