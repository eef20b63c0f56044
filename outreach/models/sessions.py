"""Outreach sessions: a team's night in the street or slot online, planned then lived."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from outreach.choices import (
    AgeBand,
    Atmosphere,
    ContactLevel,
    Gender,
    RouteStart,
    SessionKind,
    SessionStatus,
    YesNoUnknown,
)
from outreach.models.places import COORDINATE_DECIMALS
from outreach.rules.sealed import DEBRIEF_ENVELOPE_MAX_LENGTH


class OutreachSession(models.Model):
    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey(
        "outreach.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="sessions"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SessionKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    territory = models.ForeignKey(
        "outreach.Territory",
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("workers"),
        blank=True,
        related_name="outreach_sessions",
    )
    title = models.CharField(_("title"), max_length=120, blank=True)
    planned_start = models.DateTimeField(_("planned start"))
    planned_end = models.DateTimeField(_("planned end"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    service_date = models.DateField(
        _("service date"),
        help_text=_("The date the night began (team day boundary)."),
        db_index=True,
    )
    start_latitude = models.DecimalField(
        _("start point latitude"),
        max_digits=6,
        decimal_places=COORDINATE_DECIMALS,
        null=True,
        blank=True,
    )
    start_longitude = models.DecimalField(
        _("start point longitude"),
        max_digits=7,
        decimal_places=COORDINATE_DECIMALS,
        null=True,
        blank=True,
    )
    start_kind = models.CharField(
        _("route starts from"),
        max_length=8,
        choices=RouteStart.choices,
        blank=True,
        help_text=_("The team's base or a point (the start point above), a stop, or the best stop."),
    )
    # Debrief: the team's observation sheet, no identities.
    young_people_seen = models.PositiveIntegerField(_("young people seen"), null=True, blank=True)
    atmosphere = models.CharField(_("atmosphere"), max_length=16, choices=Atmosphere.choices, blank=True)
    recruiters_present = models.CharField(
        _("recruiters or pimps present"),
        max_length=8,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
    )
    clients_present = models.CharField(
        _("clients present"),
        max_length=8,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
    )
    police_present = models.CharField(
        _("police present"),
        max_length=8,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
    )
    material_handed_out = models.PositiveIntegerField(
        _("prevention material handed out"), null=True, blank=True
    )
    # Encrypted on the phone with the team key once the team has one (ADR 010): `enc1.…`.
    debrief_notes = models.TextField(
        _("notable events (team only)"), blank=True, max_length=DEBRIEF_ENVELOPE_MAX_LENGTH
    )
    # The organisation's own debrief fields, keyed by field id (outreach/models/custom_fields.py).
    custom_values = models.JSONField(_("organisation fields"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("outreach session")
        verbose_name_plural = _("outreach sessions")
        ordering = ["-planned_start"]
        indexes = [models.Index(fields=["team", "service_date"], name="session_team_date_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=SessionKind.values), name="session_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=SessionStatus.values), name="session_status_valid"),
            models.CheckConstraint(
                condition=Q(planned_end__gt=F("planned_start")), name="session_planned_period_valid"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True)
                | Q(started_at__isnull=False, ended_at__gte=F("started_at")),
                name="session_actual_period_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=SessionStatus.DONE) | Q(started_at__isnull=False, ended_at__isnull=False),
                name="session_done_has_times",
            ),
            # A base or a point is a place; a stop or the best stop leaves no start point.
            models.CheckConstraint(
                condition=Q(start_kind="")
                | Q(
                    start_kind__in=[RouteStart.BASE, RouteStart.POINT],
                    start_latitude__isnull=False,
                    start_longitude__isnull=False,
                )
                | Q(
                    start_kind__in=[RouteStart.STOP, RouteStart.BEST],
                    start_latitude__isnull=True,
                    start_longitude__isnull=True,
                ),
                name="session_start_kind_consistent",
            ),
        ]

    def __str__(self) -> str:
        label = self.title or self.get_kind_display()
        return f"{label} · {self.service_date:%d/%m/%Y}"


class RouteStop(models.Model):
    """One ordered stop of a street session's planned route."""

    session = models.ForeignKey(OutreachSession, on_delete=models.CASCADE, related_name="route_stops")
    hotspot = models.ForeignKey("outreach.Hotspot", verbose_name=_("hotspot"), on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField(_("position"))
    minutes_planned = models.PositiveSmallIntegerField(
        _("minutes on site"), default=20, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("route stop")
        verbose_name_plural = _("route stops")
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="routestop_position_unique"),
            models.UniqueConstraint(fields=["session", "hotspot"], name="routestop_hotspot_once"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.hotspot}"


class DigitalSlot(models.Model):
    """A platform category and time slot of a digital session, with its funnel counts."""

    session = models.ForeignKey(OutreachSession, on_delete=models.CASCADE, related_name="digital_slots")
    platform = models.ForeignKey(
        "outreach.PlatformCategory", verbose_name=_("platform"), on_delete=models.PROTECT
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    # Phones create slots offline: the UUID is drawn on the phone, as for contacts.
    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    profiles_spotted = models.PositiveIntegerField(_("profiles or ads spotted"), default=0)
    messages_sent = models.PositiveIntegerField(_("messages sent"), default=0)
    conversations = models.PositiveIntegerField(_("conversations established"), default=0)
    orientations = models.PositiveIntegerField(_("orientations to a partner service"), default=0)
    # When the phone last changed the counts: a late replay of older counts never wins.
    changed_on_device_at = models.DateTimeField(_("changed on the device"), null=True, blank=True)

    class Meta:
        verbose_name = _("digital slot")
        verbose_name_plural = _("digital slots")
        ordering = ["session", "starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="digitalslot_period_valid"),
            # An orientation follows a conversation (outreach/services/digital_funnel.py).
            models.CheckConstraint(
                condition=Q(orientations__lte=F("conversations")), name="digitalslot_orientations_follow"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    def clean(self) -> None:
        """The funnel rule for forms (admin): requests and orientations come out of conversations."""
        from outreach.models.counts import funnel_errors  # counts.py points back here by name

        requests = {r.category: r.count for r in self.requests.all()} if self.pk else {}
        errors = funnel_errors(
            conversations=self.conversations or 0, requests=requests, orientations=self.orientations or 0
        )
        if errors:
            # Requests are not a field of the slot's own form: they are said about the whole slot.
            raise ValidationError(
                {("orientations" if k == "orientations" else NON_FIELD_ERRORS): v for k, v in errors.items()}
            )


class SessionTally(models.Model):
    """Anonymous head counts for a busy spot: how many young people seen, never who."""

    session = models.ForeignKey(OutreachSession, on_delete=models.CASCADE, related_name="tallies")
    level = models.CharField(
        _("level"), max_length=16, choices=ContactLevel.choices, default=ContactLevel.SEEN
    )
    age_band = models.CharField(_("age band"), max_length=16, choices=AgeBand.choices)
    gender = models.CharField(_("gender"), max_length=16, choices=Gender.choices)
    count = models.PositiveIntegerField(_("count"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "level", "age_band", "gender"], name="tally_cell_unique"
            ),
            models.CheckConstraint(condition=Q(count__gte=1), name="tally_count_positive"),
            models.CheckConstraint(condition=Q(age_band__in=AgeBand.values), name="tally_age_band_valid"),
            models.CheckConstraint(condition=Q(gender__in=Gender.values), name="tally_gender_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.count} × {self.get_age_band_display()} / {self.get_gender_display()}"
