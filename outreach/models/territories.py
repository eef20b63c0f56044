from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from outreach.choices import TerritoryLevel


class TerritoryQuerySet(models.QuerySet):
    def departements(self) -> TerritoryQuerySet:
        return self.filter(level=TerritoryLevel.DEPARTEMENT)

    def regions(self) -> TerritoryQuerySet:
        return self.filter(level=TerritoryLevel.REGION)


class Territory(models.Model):
    """A node of the reporting hierarchy: national → région → département → commune → sector.

    Régions, départements and communes carry their INSEE code; sectors are defined by an
    organisation (a station area, a neighbourhood) inside a commune or a département.
    """

    level = models.CharField(_("level"), max_length=16, choices=TerritoryLevel.choices)
    code = models.CharField(
        _("code"), max_length=32, help_text=_("INSEE code for régions, départements and communes.")
    )
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    organisation = models.ForeignKey(
        "outreach.Organisation",
        verbose_name=_("defined by"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sectors",
        help_text=_("Only for sectors: the organisation that drew it."),
    )

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["level", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=TerritoryLevel.values), name="territory_level_valid"
            ),
            models.UniqueConstraint(
                fields=["level", "code"],
                condition=~Q(level=TerritoryLevel.SECTOR),
                name="territory_official_code_unique",
            ),
            models.UniqueConstraint(
                fields=["organisation", "code"],
                condition=Q(level=TerritoryLevel.SECTOR),
                name="territory_sector_code_unique_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(level=TerritoryLevel.NATIONAL, parent__isnull=True)
                | (~Q(level=TerritoryLevel.NATIONAL) & Q(parent__isnull=False)),
                name="territory_parent_unless_national",
            ),
            models.CheckConstraint(
                condition=Q(level=TerritoryLevel.SECTOR, organisation__isnull=False)
                | (~Q(level=TerritoryLevel.SECTOR) & Q(organisation__isnull=True)),
                name="territory_sector_has_organisation",
            ),
        ]

    def __str__(self) -> str:
        if self.level in (TerritoryLevel.DEPARTEMENT, TerritoryLevel.COMMUNE):
            return f"{self.name} ({self.code})"
        return self.name

    def ancestors(self) -> list[Territory]:
        """From the parent up to the national root (walks the FKs: at most four queries)."""
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def departement(self) -> Territory | None:
        for node in [self, *self.ancestors()]:
            if node.level == TerritoryLevel.DEPARTEMENT:
                return node
        return None
