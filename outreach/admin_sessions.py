"""The back office's session pages: a change goes through the session service, as a phone's."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from outreach.models import DigitalSlot, OutreachSession, RouteStop, SessionTally
from outreach.rules.fields import SESSION_FREE_TEXT
from outreach.rules.reasons import RecordInvalid
from outreach.rules.sessions import validate_debrief
from outreach.services import session_corrections, session_recounts


class RouteStopInline(admin.TabularInline):
    model = RouteStop
    extra = 0
    autocomplete_fields = ["hotspot"]


class DigitalSlotInline(admin.TabularInline):
    """The funnel counts a phone sends in `session.update`; the slot itself comes from the field
    or the planning pages."""

    model = DigitalSlot
    extra = 0
    fields = ["platform", "starts_at", "ends_at", "profiles_spotted", "messages_sent", "conversations"]
    readonly_fields = ["platform", "starts_at", "ends_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SessionTallyInline(admin.TabularInline):
    model = SessionTally
    extra = 0


class OutreachSessionAdminForm(forms.ModelForm):
    """A session's fields, checked by the session rules (outreach/rules/sessions.py)."""

    def clean(self):
        cleaned = super().clean()
        free_text = {name: cleaned.get(name) for name in SESSION_FREE_TEXT if name in self.fields}
        try:
            validate_debrief(free_text)
        except RecordInvalid as exc:
            for name, messages in exc.errors.items():
                self.add_error(name, messages)
        return cleaned


@admin.register(OutreachSession)
class OutreachSessionAdmin(admin.ModelAdmin):
    """Changes go through `services.session_corrections.correct_session` (rules, version, change
    log, roll-ups, journal), as a phone's `session.update` does."""

    form = OutreachSessionAdminForm
    list_display = ["__str__", "team", "kind", "status", "territory", "planned_start"]
    list_filter = ["kind", "status", "team__organisation"]
    search_fields = ["title", "team__name", "uuid"]
    date_hierarchy = "service_date"
    autocomplete_fields = ["team", "territory", "members"]
    list_select_related = ["team__organisation", "territory"]
    # custom_values: written only through the services, which check them against the definitions.
    readonly_fields = [
        "uuid",
        "service_date",
        "version",
        "created_by",
        "created_at",
        "updated_at",
        "custom_values",
    ]
    # The debrief's notable events are the team's own words (docs/privacy.md): not shown here.
    exclude = ["debrief_notes"]
    inlines = [RouteStopInline, DigitalSlotInline, SessionTallyInline]

    def save_model(self, request, obj, form, change):
        """A new session is saved here; a change is written whole by `save_related`."""
        if not change:
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        data = {}
        if change:
            data = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        else:
            form.save_m2m()
        tallies = slots = None
        for formset in formsets:
            if formset.model is SessionTally:
                if formset.has_changed():
                    tallies = [
                        {name: f.cleaned_data[name] for name in ("level", "age_band", "gender", "count")}
                        for f in formset.forms
                        if f.cleaned_data and not f.cleaned_data.get("DELETE")
                    ]
            elif formset.model is DigitalSlot:
                slots = [
                    {"id": f.instance.pk, **{name: f.cleaned_data[name] for name in f.changed_data}}
                    for f in formset.forms
                    if f.instance.pk and f.has_changed()
                ]
            else:
                self.save_formset(request, form, formset, change)  # planned route stops
                continue
            # Written by the service below; the admin's history message reads these.
            formset.new_objects, formset.deleted_objects = [], []
            formset.changed_objects = [(f.instance, f.changed_data) for f in formset.forms if f.has_changed()]
        if not (change or tallies or slots):
            session_recounts.counts_changed(form.instance)  # a new session entered as done
            return
        form.instance = session_corrections.correct_session(
            actor=request.user,
            session=form.instance,
            data=data,
            tallies=tallies,
            slots=slots,
            request=request,
        )
