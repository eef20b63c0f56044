"""Fields an organisation defines for itself, on its contacts or on its session debriefs.

Values are stored on the record as JSON keyed by the field's id (and, for choices, by the
choice's stable code), so renaming a field, relabelling or retiring a choice, or retiring the
whole field never loses what was recorded: definitions are retired, never deleted once used.
There is no free-text kind: on a contact, free text is where names and handles creep in.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Number fields hold whole numbers within these bounds (counts, minutes, ages…).
NUMBER_LIMIT = 1_000_000
# Dates outside these years are typing mistakes.
FIRST_YEAR, LAST_YEAR = 1900, 2100


class CustomFieldTarget(models.TextChoices):
    CONTACT = "contact", _("Contact")
    DEBRIEF = "debrief", _("Session debrief")


class CustomFieldKind(models.TextChoices):
    YES_NO = "yes_no", _("Yes / no")
    CHOICE = "choice", _("One choice")
    MULTI_CHOICE = "multi_choice", _("Several choices")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")


CHOICE_KINDS = (CustomFieldKind.CHOICE, CustomFieldKind.MULTI_CHOICE)


def _label(item) -> str:
    return item.label_en if (get_language() or "fr").startswith("en") else item.label_fr


class CustomField(models.Model):
    organisation = models.ForeignKey(
        "outreach.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="custom_fields",
    )
    target = models.CharField(_("recorded on"), max_length=16, choices=CustomFieldTarget.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=CustomFieldKind.choices)
    label_fr = models.CharField(_("label (French)"), max_length=120)
    label_en = models.CharField(_("label (English)"), max_length=120)
    help_fr = models.CharField(_("help (French)"), max_length=200, blank=True)
    help_en = models.CharField(_("help (English)"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    min_value = models.IntegerField(_("minimum"), null=True, blank=True)
    max_value = models.IntegerField(_("maximum"), null=True, blank=True)
    reportable = models.BooleanField(
        _("reportable to funders"),
        default=False,
        help_text=_("Its breakdown appears in funder reports, under disclosure control."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("organisation field")
        verbose_name_plural = _("organisation fields")
        ordering = ["organisation", "target", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target__in=CustomFieldTarget.values), name="customfield_target_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=CustomFieldKind.values), name="customfield_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind=CustomFieldKind.NUMBER) | Q(min_value__isnull=True, max_value__isnull=True),
                name="customfield_bounds_only_for_numbers",
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(max_value__gte=F("min_value")),
                name="customfield_bounds_ordered",
            ),
            models.CheckConstraint(
                condition=Q(reportable=False) | Q(kind__in=CHOICE_KINDS),
                name="customfield_reportable_only_choices",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _label(self)

    @property
    def help(self) -> str:
        return self.help_en if (get_language() or "fr").startswith("en") else self.help_fr

    @property
    def key(self) -> str:
        """The key of this field's value in a record's `custom_values`."""
        return str(self.pk)

    @property
    def has_choices(self) -> bool:
        return self.kind in CHOICE_KINDS


class CustomFieldChoice(models.Model):
    field = models.ForeignKey(CustomField, on_delete=models.CASCADE, related_name="choices")
    code = models.SlugField(_("code"), max_length=50)
    label_fr = models.CharField(_("label (French)"), max_length=120)
    label_en = models.CharField(_("label (English)"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("field choice")
        verbose_name_plural = _("field choices")
        ordering = ["field", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["field", "code"], name="customfieldchoice_code_unique"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _label(self)
