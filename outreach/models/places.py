"""Places a team works with: hotspots (where young people are met) and partner services."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from outreach.choices import HotspotKind, PartnerCategory

# Three decimals of a degree is about 100 m: enough to plan a route, too coarse to follow a person.
COORDINATE_DECIMALS = 3


class Hotspot(models.Model):
    """A place where outreach happens (a station, a square): never a person's location."""

    organisation = models.ForeignKey(
        "outreach.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="hotspots",
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=HotspotKind.choices)
    territory = models.ForeignKey(
        "outreach.Territory",
        verbose_name=_("sector or commune"),
        on_delete=models.PROTECT,
        related_name="hotspots",
    )
    latitude = models.DecimalField(_("latitude"), max_digits=6, decimal_places=COORDINATE_DECIMALS)
    longitude = models.DecimalField(_("longitude"), max_digits=7, decimal_places=COORDINATE_DECIMALS)
    notes = models.TextField(_("notes"), blank=True, max_length=1000)
    is_active = models.BooleanField(_("active"), default=True)
    photo = models.ImageField(
        _("photo of the place"),
        upload_to="hotspots/",
        blank=True,
        help_text=_("A place, never a person. Metadata is removed on upload."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("hotspot")
        verbose_name_plural = _("hotspots")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=HotspotKind.values), name="hotspot_kind_valid"),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="hotspot_coordinates_valid",
            ),
            models.UniqueConstraint(
                fields=["organisation", "name"], name="hotspot_name_unique_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PartnerService(models.Model):
    """A service young people can be oriented to, in the data·inclusion shape plus outreach needs.

    `themes`, `publics` and `reception_modes` hold data·inclusion value codes;
    `eligibility_codes` holds INSEE codes of the area served; `opening_hours` is OpenStreetMap syntax.
    """

    organisation = models.ForeignKey(
        "outreach.Organisation",
        verbose_name=_("kept by"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="partner_services",
        help_text=_("Empty for services shared by every organisation (national hotlines)."),
    )
    name = models.CharField(_("service name"), max_length=200)
    structure_name = models.CharField(_("structure"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=24, choices=PartnerCategory.choices)
    territory = models.ForeignKey(
        "outreach.Territory",
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        related_name="partner_services",
    )
    description = models.TextField(_("description"), blank=True, max_length=2000)
    themes = models.JSONField(_("themes"), default=list, blank=True)
    publics = models.JSONField(_("publics"), default=list, blank=True)
    reception_modes = models.JSONField(_("reception modes"), default=list, blank=True)
    eligibility_codes = models.JSONField(_("eligibility area (INSEE codes)"), default=list, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    opening_hours = models.CharField(_("opening hours (OSM syntax)"), max_length=255, blank=True)
    open_at_night = models.BooleanField(_("open at night"), default=False)
    accepts_unaccompanied_minors = models.BooleanField(_("accepts minors without a guardian"), default=False)
    source = models.CharField(_("source"), max_length=100, blank=True)
    source_id = models.CharField(_("id at source"), max_length=100, blank=True)
    source_updated_on = models.DateField(_("last updated at source"), null=True, blank=True)
    from_data_inclusion = models.BooleanField(
        _("from data·inclusion"),
        default=False,
        help_text=_("Kept up to date by the imports of the official directory (data·inclusion)."),
    )
    missing_at_source = models.BooleanField(
        _("gone from its source"),
        default=False,
        help_text=_(
            "Deactivated by an import because the source no longer lists it; a later import that "
            "finds it again turns it back on."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("partner service")
        verbose_name_plural = _("partner services")
        ordering = ["category", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=PartnerCategory.values), name="partner_category_valid"
            ),
            # An import updates by (source, id): one entry per organisation and source id.
            models.UniqueConstraint(
                fields=["organisation", "source", "source_id"],
                condition=~Q(source_id=""),
                name="partner_source_id_unique_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.name
