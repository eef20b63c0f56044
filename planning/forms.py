"""Forms of the planning pages. Choices are always scoped to what the user may touch."""

from __future__ import annotations

import datetime as dt

from data_inclusion.schema.v1 import ModeAccueil, Public, Thematique
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach import access
from outreach.choices import HotspotKind, RouteStart, SessionKind
from outreach.models import Hotspot, PartnerService, PlatformCategory
from outreach.services.directory_csv import _ZONE_CODE, split_codes
from outreach.services.photos import sanitise_place_photo
from outreach.services.planning import coarse
from outreach.services.routes import StartChoice

LATITUDE = {"min_value": -90, "max_value": 90, "max_digits": 9, "decimal_places": 6}
LONGITUDE = {"min_value": -180, "max_value": 180, "max_digits": 10, "decimal_places": 6}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class SessionForm(forms.Form):
    team = forms.ModelChoiceField(queryset=None, label=_("Team"))
    kind = forms.ChoiceField(choices=SessionKind.choices, label=_("Kind"))
    territory = forms.ModelChoiceField(queryset=None, label=_("Territory"))
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
    day = forms.DateField(label=_("Date (evening it begins)"), widget=DateInput())
    start_time = forms.TimeField(label=_("Starts at"), widget=TimeInput())
    end_time = forms.TimeField(
        label=_("Ends at"),
        widget=TimeInput(),
        help_text=_("An end before the start is the next morning."),
    )
    members = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("Workers"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    start_latitude = forms.DecimalField(label=_("Start point latitude"), required=False, **LATITUDE)
    start_longitude = forms.DecimalField(label=_("Start point longitude"), required=False, **LONGITUDE)

    def __init__(self, *args, user, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = access.teams_managed_by(user).filter(is_active=True)
        self.fields["territory"].queryset = access.territories_plannable_by(user).order_by("level", "name")
        self.fields["members"].queryset = access.workers_assignable_by(user).order_by("username")
        self.fields["members"].label_from_instance = lambda u: f"{u.get_username()} · {u.team.name}"
        if session is not None:
            # Team and kind define what a session is; change them by planning another one.
            for name in ("team", "kind"):
                self.fields[name].disabled = True
                self.fields[name].required = False

    def clean_start_latitude(self):
        return coarse(self.cleaned_data.get("start_latitude"))

    def clean_start_longitude(self):
        return coarse(self.cleaned_data.get("start_longitude"))

    def clean(self):
        cleaned = super().clean()
        team, members = cleaned.get("team"), cleaned.get("members") or []
        if team is not None:
            strangers = [m.get_username() for m in members if m.team_id != team.pk]
            if strangers:
                self.add_error(
                    "members",
                    _("Not in this team: %(names)s.") % {"names": ", ".join(strangers)},
                )
        if (cleaned.get("start_latitude") is None) != (cleaned.get("start_longitude") is None):
            self.add_error("start_longitude", _("Give both latitude and longitude, or neither."))
        return cleaned


class CopyForm(forms.Form):
    day = forms.DateField(label=_("Copy to the evening of"), widget=DateInput())


class RouteForm(forms.Form):
    """Stops picked from the organisation's active hotspots, each with a position and minutes,
    and where the route starts (the team's base, a point, a stop or the best stop)."""

    start_kind = forms.ChoiceField(label=_("Where the route starts"), widget=forms.RadioSelect)
    start_latitude = forms.DecimalField(label=_("Start point latitude"), required=False, **LATITUDE)
    start_longitude = forms.DecimalField(label=_("Start point longitude"), required=False, **LONGITUDE)
    start_stop = forms.TypedChoiceField(label=_("Start at"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, hotspots, current, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team
        self.hotspots = list(hotspots)
        kinds = [
            (RouteStart.BASE, _("The team's base: %(name)s") % {"name": team.base_name or _("base")}),
            (RouteStart.POINT, _("A point (latitude, longitude, or placed on the map)")),
            (RouteStart.STOP, _("One of the stops")),
            (RouteStart.BEST, _("The best start: the stop from which the walk is shortest")),
        ]
        if team.base is None:
            kinds = kinds[1:]
        self.fields["start_kind"].choices = kinds
        self.fields["start_stop"].choices = [("", "—"), *((h.pk, h.name) for h in self.hotspots)]
        for hotspot in self.hotspots:
            stop = current.get(hotspot.pk)
            self.fields[f"stop_{hotspot.pk}"] = forms.BooleanField(
                required=False, label=hotspot.name, initial=stop is not None
            )
            self.fields[f"pos_{hotspot.pk}"] = forms.IntegerField(
                required=False,
                min_value=1,
                max_value=999,
                label=_("Order"),
                initial=stop.position if stop else None,
                widget=forms.NumberInput(
                    attrs={"aria-label": _("Order of %(name)s") % {"name": hotspot.name}}
                ),
            )
            self.fields[f"min_{hotspot.pk}"] = forms.IntegerField(
                min_value=1,
                max_value=600,
                label=_("Minutes on site"),
                initial=stop.minutes_planned if stop else 20,
                widget=forms.NumberInput(
                    attrs={"aria-label": _("Minutes at %(name)s") % {"name": hotspot.name}}
                ),
            )

    def rows(self):
        """(hotspot, checkbox, position, minutes) bound fields, chosen stops first in order."""
        rows = [(h, self[f"stop_{h.pk}"], self[f"pos_{h.pk}"], self[f"min_{h.pk}"]) for h in self.hotspots]

        def key(row):
            hotspot, chosen, position, _minutes = row
            value = position.value()
            try:
                number = int(value)
            except (TypeError, ValueError):
                number = 10_000
            return (not chosen.value(), number, hotspot.name)

        return sorted(rows, key=key)

    def chosen(self) -> list[tuple[Hotspot, int]]:
        """The picked hotspots in the order asked (no position: after the others, by name)."""
        picked = [h for h in self.hotspots if self.cleaned_data.get(f"stop_{h.pk}")]
        picked.sort(key=lambda h: (self.cleaned_data.get(f"pos_{h.pk}") or 10_000, h.name))
        return [(h, self.cleaned_data[f"min_{h.pk}"]) for h in picked]

    def clean_start_latitude(self):
        return coarse(self.cleaned_data.get("start_latitude"))

    def clean_start_longitude(self):
        return coarse(self.cleaned_data.get("start_longitude"))

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("start_kind")
        point = (cleaned.get("start_latitude"), cleaned.get("start_longitude"))
        if kind == RouteStart.POINT and None in point:
            self.add_error("start_longitude", _("Give the start point's latitude and longitude."))
        if kind == RouteStart.STOP:
            stop = cleaned.get("start_stop")
            if stop is None:
                self.add_error("start_stop", _("Choose the stop the route starts from."))
            elif not cleaned.get(f"stop_{stop}"):
                self.add_error("start_stop", _("Tick this stop too: the route starts there."))
        return cleaned

    def start_choice(self) -> StartChoice:
        data = self.cleaned_data
        hotspot = next((h for h in self.hotspots if h.pk == data.get("start_stop")), None)
        return StartChoice(
            kind=data["start_kind"],
            point=(data.get("start_latitude"), data.get("start_longitude")),
            hotspot=hotspot,
        )


class SlotForm(forms.Form):
    platform = forms.ModelChoiceField(
        queryset=PlatformCategory.objects.filter(is_active=True), label=_("Platform")
    )
    start_time = forms.TimeField(label=_("From"), widget=TimeInput())
    end_time = forms.TimeField(label=_("To"), widget=TimeInput())


class BaseSlotFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        # Table cells carry no visible label: name each input for screen readers.
        row = "" if index is None else f" ({index + 1})"
        for name, field in form.fields.items():
            label = _("Remove") if name == "DELETE" else field.label
            field.widget.attrs["aria-label"] = f"{label}{row}"


SlotFormSet = forms.formset_factory(SlotForm, formset=BaseSlotFormSet, extra=3, can_delete=True)


class HotspotForm(forms.ModelForm):
    latitude = forms.DecimalField(label=_("Latitude"), **LATITUDE)
    longitude = forms.DecimalField(label=_("Longitude"), **LONGITUDE)
    photo_upload = forms.FileField(
        label=_("Photo of the place"),
        required=False,
        help_text=_(
            "A place, never a person. The photo is re-encoded and resized; GPS and camera data are removed."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    no_person = forms.BooleanField(label=_("I confirm this photo shows no person"), required=False)
    remove_photo = forms.BooleanField(label=_("Remove the current photo"), required=False)

    class Meta:
        model = Hotspot
        fields = ["name", "kind", "territory", "latitude", "longitude", "notes", "is_active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id = user.organisation_id
        self.fields["kind"].choices = HotspotKind.choices
        self.fields["territory"].queryset = access.territories_plannable_by(user).order_by("level", "name")
        self.fields["notes"].help_text = _(
            "About the place only: never names or descriptions of young people."
        )

    def clean_latitude(self):
        return coarse(self.cleaned_data["latitude"])

    def clean_longitude(self):
        return coarse(self.cleaned_data["longitude"])

    def clean_name(self):
        name = self.cleaned_data["name"]
        others = Hotspot.objects.filter(organisation_id=self.organisation_id, name=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("Your organisation already has a hotspot of this name."))
        return name

    def clean_photo_upload(self):
        upload = self.cleaned_data.get("photo_upload")
        if not upload:
            return None
        return sanitise_place_photo(upload)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("photo_upload") and not cleaned.get("no_person"):
            self.add_error("no_person", _("Confirm the photo shows no person before uploading."))
        return cleaned


def _enum_choices(enum) -> list[tuple[str, str]]:
    return [(item.value, item._label) for item in enum]


class PartnerForm(forms.ModelForm):
    themes = forms.MultipleChoiceField(
        label=_("Themes (data·inclusion)"),
        choices=_enum_choices(Thematique),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    publics = forms.MultipleChoiceField(
        label=_("Publics (data·inclusion)"),
        choices=_enum_choices(Public),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reception_modes = forms.MultipleChoiceField(
        label=_("Reception modes (data·inclusion)"),
        choices=_enum_choices(ModeAccueil),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    eligibility_codes = forms.CharField(
        label=_("Eligibility area (INSEE codes, separated by |)"), required=False
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = PartnerService
        fields = [
            "name",
            "structure_name",
            "category",
            "territory",
            "description",
            "themes",
            "publics",
            "reception_modes",
            "eligibility_codes",
            "address",
            "phone",
            "email",
            "website",
            "opening_hours",
            "open_at_night",
            "accepts_unaccompanied_minors",
            "is_active",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["eligibility_codes"] = "|".join(self.instance.eligibility_codes)
        self.fields["territory"].queryset = access.territories_for_partners_of(user).order_by("level", "name")

    def clean_eligibility_codes(self):
        codes = split_codes(self.cleaned_data["eligibility_codes"])
        bad = [code for code in codes if not _ZONE_CODE.match(code)]
        if bad:
            raise forms.ValidationError(_("Unknown code(s): %(codes)s.") % {"codes": ", ".join(bad)})
        return codes


class DirectoryImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
    skip_invalid = forms.BooleanField(
        label=_("Import the valid rows even if some rows are refused"), required=False
    )


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    territory = forms.ModelChoiceField(queryset=None, label=_("Territory"), required=False)

    def __init__(self, data=None, *args, user, **kwargs):
        # Unfiltered, the page shows the last four weeks: fill the inputs so the person sees it.
        if not data:
            today = timezone.localdate()
            data = {"start": today - dt.timedelta(days=27), "end": today}
        super().__init__(data, *args, **kwargs)
        self.fields["territory"].queryset = access.territories_plannable_by(user).order_by("level", "name")

    def period(self) -> tuple[dt.date, dt.date]:
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or timezone.localdate()
        start = data.get("start") or end - dt.timedelta(days=27)
        if start > end:
            start, end = end, start
        return start, end


class ActivityForm(PeriodForm):
    team = forms.ModelChoiceField(queryset=None, label=_("Team"), required=False)
    kind = forms.ChoiceField(
        choices=[("", _("All kinds")), *SessionKind.choices], label=_("Kind"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["team"].queryset = access.teams_managed_by(user)
