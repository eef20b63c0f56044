"""A contact: one meeting with a young person, recorded pseudonymously in seconds."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from outreach.choices import (
    AgeBand,
    ContactLevel,
    Gender,
    RequestCategory,
    SessionKind,
    YesNoUnknown,
)
from outreach.rules.fields import PERSON_CODE_PATTERN
from outreach.rules.sealed import NOTE_ENVELOPE_MAX_LENGTH, PSEUDONYM_LENGTH, PSEUDONYM_PATTERN
from outreach.timebands import HourBand

# A team's plain code (before its first key, ADR 010) or its keyed pseudonym `pc1.…`.
person_code_validator = RegexValidator(
    f"(?:{PERSON_CODE_PATTERN})|(?:{PSEUDONYM_PATTERN})",
    _("A person code is 2 to 16 capital letters, digits or dashes chosen by the team — never a name."),
)


class Contact(models.Model):
    # Identity: generated on the phone, so a replayed sync can never create a second row.
    uuid = models.UUIDField(_("UUID"), unique=True, editable=False)
    session = models.ForeignKey(
        "outreach.OutreachSession",
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    # Copied from the session so scoped queries and aggregates need no join.
    team = models.ForeignKey(
        "outreach.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SessionKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # When: stored exactly for the team; leaves the team only as service date + hour band.
    occurred_at = models.DateTimeField(_("when"))
    service_date = models.DateField(_("service date"))
    hour_band = models.CharField(_("hour band"), max_length=8, choices=HourBand.choices)
    # Where: the reporting territory (a sector, commune or département) and, in the street, a hotspot.
    territory = models.ForeignKey(
        "outreach.Territory",
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    hotspot = models.ForeignKey(
        "outreach.Hotspot",
        verbose_name=_("hotspot"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
    )
    platform = models.ForeignKey(
        "outreach.PlatformCategory",
        verbose_name=_("platform"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    conversation_established = models.BooleanField(_("conversation established"), null=True, blank=True)
    request_category = models.CharField(
        _("request"), max_length=16, choices=RequestCategory.choices, blank=True
    )
    # Who, pseudonymously.
    level = models.CharField(
        _("level"), max_length=16, choices=ContactLevel.choices, default=ContactLevel.EXCHANGE
    )
    person_code = models.CharField(
        _("person code"), max_length=PSEUDONYM_LENGTH, blank=True, validators=[person_code_validator]
    )
    age_band = models.CharField(_("age band"), max_length=16, choices=AgeBand.choices)
    gender = models.CharField(_("gender"), max_length=16, choices=Gender.choices)
    is_first_contact = models.BooleanField(_("first contact"), default=True)
    known_to_child_welfare = models.CharField(
        _("already known to child welfare"),
        max_length=8,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
    )
    concerns = models.ManyToManyField(
        "outreach.Concern", verbose_name=_("concerns"), blank=True, related_name="+"
    )
    actions = models.ManyToManyField(
        "outreach.Action", verbose_name=_("actions"), blank=True, related_name="+"
    )
    orientations = models.ManyToManyField(
        "outreach.PartnerService",
        verbose_name=_("oriented to"),
        through="outreach.Orientation",
        blank=True,
        related_name="+",
    )
    # Encrypted on the phone with the team key once the team has one (ADR 010): `enc1.…`.
    note = models.TextField(_("team note"), blank=True, max_length=NOTE_ENVELOPE_MAX_LENGTH)
    # The organisation's own fields, keyed by field id (outreach/models/custom_fields.py).
    custom_values = models.JSONField(_("organisation fields"), default=dict, blank=True)
    # Sync bookkeeping.
    client_created_at = models.DateTimeField(_("created on the device"))
    client_updated_at = models.DateTimeField(_("updated on the device"))
    received_at = models.DateTimeField(_("received by the server"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    clock_skew_seconds = models.IntegerField(
        _("device clock offset (s)"),
        null=True,
        blank=True,
        help_text=_("Device time minus server time when received; large offsets are flagged."),
    )
    clock_flagged = models.BooleanField(_("device clock flagged"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    # SHA-256 of the contact.create that made the record (docs/sync-protocol.md §2.3): a replay
    # of it is a duplicate, another create with this UUID a conflict. Empty: not made by a push.
    create_digest = models.CharField(max_length=64, blank=True, default="", db_default="", editable=False)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["team", "service_date"], name="contact_team_date_idx"),
            models.Index(fields=["territory", "service_date"], name="contact_territory_date_idx"),
            models.Index(fields=["received_at"], name="contact_received_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=SessionKind.values), name="contact_kind_valid"),
            models.CheckConstraint(condition=Q(age_band__in=AgeBand.values), name="contact_age_band_valid"),
            models.CheckConstraint(condition=Q(gender__in=Gender.values), name="contact_gender_valid"),
            models.CheckConstraint(condition=Q(level__in=ContactLevel.values), name="contact_level_valid"),
            models.CheckConstraint(
                condition=Q(hour_band__in=HourBand.values), name="contact_hour_band_valid"
            ),
            models.CheckConstraint(
                condition=Q(known_to_child_welfare__in=YesNoUnknown.values),
                name="contact_known_ase_valid",
            ),
            models.CheckConstraint(
                condition=Q(request_category="") | Q(request_category__in=RequestCategory.values),
                name="contact_request_category_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    kind=SessionKind.STREET,
                    platform__isnull=True,
                    conversation_established__isnull=True,
                )
                | Q(kind=SessionKind.DIGITAL, hotspot__isnull=True),
                name="contact_place_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(person_code="") | Q(level=ContactLevel.EXCHANGE),
                name="contact_seen_has_no_person_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.service_date:%d/%m/%Y} · {self.uuid}"


class Orientation(models.Model):
    """A contact oriented to a partner service from the directory."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="orientation_links")
    partner = models.ForeignKey(
        "outreach.PartnerService",
        verbose_name=_("partner service"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("orientation")
        verbose_name_plural = _("orientations")
        constraints = [
            models.UniqueConstraint(fields=["contact", "partner"], name="orientation_once_per_partner")
        ]

    def __str__(self) -> str:
        return str(self.partner)
