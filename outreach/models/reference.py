"""Configurable lists: concerns, actions and online platform categories.

Each item has a stable code (what the field app and the reports use) and French and English
labels. Items are retired with `is_active`, never deleted once used, so history stays readable.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ReferenceItem(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    label_fr = models.CharField(_("label (French)"), max_length=120)
    label_en = models.CharField(_("label (English)"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "fr").startswith("en") else self.label_fr


class Concern(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")


class Action(ReferenceItem):
    is_orientation = models.BooleanField(
        _("is an orientation"),
        default=False,
        help_text=_("Taking this action names a partner service from the directory."),
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = _("action")
        verbose_name_plural = _("actions")


class PlatformCategory(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("online platform category")
        verbose_name_plural = _("online platform categories")
