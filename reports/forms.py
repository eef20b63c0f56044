"""The report filter: which territory and which period (a calendar unit or whole weeks)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from outreach.reporting.periods import (
    FUNDER_PERIOD_KINDS,
    PERIOD_KINDS,
    Period,
    custom_period,
    last_complete,
    period_containing,
)


class ReportFilterForm(forms.Form):
    territory = forms.TypedChoiceField(label=_("Territory"), coerce=int, required=False)
    period = forms.ChoiceField(label=_("Period"), choices=list(PERIOD_KINDS.items()), required=False)
    day = forms.DateField(
        label=_("Any day in the period"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, territories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].choices = [(t.id, str(t)) for t in territories]
        self.default_territory = territories[0].id if territories else None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("period") == "custom" and not (cleaned.get("start") and cleaned.get("end")):
            raise forms.ValidationError(_("A custom range needs a start and an end date."))
        return cleaned

    def chosen_territory(self) -> int | None:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("territory"):
            return self.cleaned_data["territory"]
        return self.default_territory

    def chosen_period(self, today: dt.date) -> Period:
        """The requested period; by default the last complete month."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        kind = data.get("period") or "month"
        if kind == "custom":
            return custom_period(data["start"], data["end"])
        if data.get("day"):
            return period_containing(kind, data["day"])
        return last_complete(kind, today)


class FunderFilterForm(forms.Form):
    """A funder picks a table of the fixed catalogue: no weeks, no free ranges (ADR 016)."""

    territory = forms.TypedChoiceField(label=_("Territory"), coerce=int, required=False)
    period = forms.ChoiceField(label=_("Period"), choices=list(FUNDER_PERIOD_KINDS.items()), required=False)
    day = forms.DateField(
        label=_("Any day in the period"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, territories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].choices = [(t.id, str(t)) for t in territories]
        self.default_territory = territories[0].id if territories else None

    def clean(self):
        cleaned = super().clean()
        unknown = sorted(set(self.data) - set(self.fields) - {"lang"})
        if unknown:
            raise forms.ValidationError(
                _("Funder reports are fixed calendar periods: %(fields)s cannot be chosen.")
                % {"fields": ", ".join(unknown)}
            )
        return cleaned

    def chosen_territory(self) -> int | None:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("territory"):
            return self.cleaned_data["territory"]
        return self.default_territory

    def chosen(self) -> tuple[str, dt.date | None]:
        """The period kind and the day it must hold (None: the latest of that kind)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("period") or "month", data.get("day")
