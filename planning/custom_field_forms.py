"""The form a coordinator fills to define or change one of the organisation's own fields.

Shapes only; the rules (labels, bounds, choices in use, reportable choices) are checked by
outreach/services/custom_fields.py and its errors shown on the form.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from outreach.models.custom_fields import NUMBER_LIMIT, CustomField, CustomFieldKind, CustomFieldTarget
from outreach.services.custom_fields import ChoiceEdit, Definition

BOUNDS = {"min_value": -NUMBER_LIMIT, "max_value": NUMBER_LIMIT}


class CustomFieldForm(forms.Form):
    target = forms.ChoiceField(label=_("Recorded on"), choices=CustomFieldTarget.choices)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=CustomFieldKind.choices,
        help_text=_("No free text: on a contact, free text is where names and identifiers creep in."),
    )
    label_fr = forms.CharField(label=_("Label (French)"), max_length=120)
    label_en = forms.CharField(label=_("Label (English)"), max_length=120)
    help_fr = forms.CharField(label=_("Help (French)"), max_length=200, required=False)
    help_en = forms.CharField(label=_("Help (English)"), max_length=200, required=False)
    min_value = forms.IntegerField(label=_("Minimum (numbers)"), required=False, **BOUNDS)
    max_value = forms.IntegerField(label=_("Maximum (numbers)"), required=False, **BOUNDS)
    reportable = forms.BooleanField(
        label=_("Reportable to funders (choice fields)"),
        required=False,
        help_text=_("Its breakdown appears in funder reports, under the same disclosure control."),
    )
    new_choices = forms.CharField(
        label=_("New choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Choice fields: one choice per line, “French label | English label”."),
    )

    def __init__(self, *args, field: CustomField | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.custom = field
        self.choice_rows: list[tuple[str, str, str, str]] = []
        if field is None:
            return
        # What a field is (where it is recorded, its kind) never changes: define another one.
        for name in ("target", "kind"):
            del self.fields[name]
        for name in ("label_fr", "label_en", "help_fr", "help_en", "min_value", "max_value", "reportable"):
            self.fields[name].initial = getattr(field, name)
        if not field.has_choices:
            for name in ("reportable", "new_choices"):
                del self.fields[name]
        if field.kind != CustomFieldKind.NUMBER:
            for name in ("min_value", "max_value"):
                del self.fields[name]
        if field.has_choices:
            for index, choice in enumerate(field.choices.all()):
                prefix = f"choice_{index}"
                self.fields[f"{prefix}_fr"] = forms.CharField(
                    label=_("“%(code)s” in French") % {"code": choice.code},
                    max_length=120,
                    required=False,
                    initial=choice.label_fr,
                )
                self.fields[f"{prefix}_en"] = forms.CharField(
                    label=_("“%(code)s” in English") % {"code": choice.code},
                    max_length=120,
                    required=False,
                    initial=choice.label_en,
                )
                self.fields[f"{prefix}_active"] = forms.BooleanField(
                    label=_("“%(code)s” in use") % {"code": choice.code},
                    required=False,
                    initial=choice.is_active,
                )
                self.choice_rows.append((choice.code, f"{prefix}_fr", f"{prefix}_en", f"{prefix}_active"))

    def clean_new_choices(self) -> list[tuple[str, str]]:
        pairs = []
        for number, line in enumerate(self.cleaned_data.get("new_choices", "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) != 2 or not all(parts) or any(len(part) > 120 for part in parts):
                raise forms.ValidationError(
                    _("Line %(n)s: write “French label | English label” (120 characters at most each).")
                    % {"n": number}
                )
            pairs.append((parts[0], parts[1]))
        return pairs

    def definition(self) -> Definition:
        data = self.cleaned_data
        return Definition(
            label_fr=data["label_fr"],
            label_en=data["label_en"],
            help_fr=data.get("help_fr") or "",
            help_en=data.get("help_en") or "",
            min_value=data.get("min_value"),
            max_value=data.get("max_value"),
            reportable=bool(data.get("reportable")),
            new_choices=data.get("new_choices") or [],
            choice_edits=[
                ChoiceEdit(code, data.get(fr) or "", data.get(en) or "", bool(data.get(active)))
                for code, fr, en, active in self.choice_rows
            ],
        )

    def add_service_errors(self, error) -> None:
        """Show a service's ValidationError on the fields it names (choices errors on the lists)."""
        for name, messages in error.message_dict.items():
            if name == "choices":
                name = "new_choices" if "new_choices" in self.fields else None
            elif name not in self.fields:
                name = None
            for message in messages:
                self.add_error(name, message)
