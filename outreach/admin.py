"""The administrator's back office: organisations, teams, users, territories, lists and records."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from outreach.admin_sessions import OutreachSessionAdmin  # noqa: F401 (registers it)
from outreach.models import (
    Action,
    Concern,
    Contact,
    CustomField,
    CustomFieldChoice,
    FundingAgreement,
    Hotspot,
    JournalEntry,
    Organisation,
    PartnerService,
    PlatformCategory,
    ReleasedTable,
    ReleaseSnapshot,
    Team,
    Territory,
)
from outreach.rules.contacts import ContactInvalid, ContactRefs, validate_contact
from outreach.services import contacts, routes

admin.site.site_header = _("Maraude administration")
admin.site.site_title = "Maraude"


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent", "organisation"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    ordering = ["level", "code"]
    autocomplete_fields = ["parent", "organisation"]
    list_select_related = ["parent", "organisation"]


class TeamInline(admin.TabularInline):
    model = Team
    fields = ["name", "day_boundary_hour", "is_active"]
    extra = 0
    show_change_link = True


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "funder_kind", "is_active", "created_at"]
    list_filter = ["kind", "funder_kind", "is_active"]
    search_fields = ["name", "siret"]
    readonly_fields = ["created_at"]
    inlines = [TeamInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "day_boundary_hour", "edit_window_hours", "is_active"]
    list_filter = ["is_active", "organisation"]
    search_fields = ["name", "organisation__name"]
    autocomplete_fields = ["organisation", "territories"]
    list_select_related = ["organisation"]
    readonly_fields = ["created_at"]

    def save_model(self, request, obj, form, change):
        base = {"base_name", "base_latitude", "base_longitude"}
        if change and base & set(form.changed_data):
            # Through the routes service, so planned routes from the base follow it.
            values = {name: form.cleaned_data[name] for name in base}
            old = Team.objects.get(pk=obj.pk)
            obj.base_name, obj.base_latitude, obj.base_longitude = (
                old.base_name,
                old.base_latitude,
                old.base_longitude,
            )
            super().save_model(request, obj, form, change)
            routes.move_base(
                team=obj,
                name=values["base_name"],
                latitude=values["base_latitude"],
                longitude=values["base_longitude"],
            )
            obj.refresh_from_db()
            return
        super().save_model(request, obj, form, change)


@admin.register(FundingAgreement)
class FundingAgreementAdmin(admin.ModelAdmin):
    list_display = ["reference", "funder", "starts_on", "ends_on"]
    list_filter = ["funder"]
    search_fields = ["reference", "funder__name"]
    autocomplete_fields = ["funder", "funded", "territories"]
    date_hierarchy = "starts_on"
    readonly_fields = ["created_at"]


class ReferenceItemAdmin(admin.ModelAdmin):
    list_display = ["code", "label_fr", "label_en", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "label_fr", "label_en"]
    ordering = ["position", "code"]

    def get_readonly_fields(self, request, obj=None):
        # A code is what the phones and the reports use: once created it never changes.
        return ["code"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False  # retire with "active" so past records stay readable


admin.site.register(Concern, ReferenceItemAdmin)
admin.site.register(PlatformCategory, ReferenceItemAdmin)


@admin.register(Action)
class ActionAdmin(ReferenceItemAdmin):
    list_display = [*ReferenceItemAdmin.list_display, "is_orientation"]


@admin.register(Hotspot)
class HotspotAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation", "territory", "is_active"]
    list_filter = ["kind", "is_active", "organisation"]
    search_fields = ["name", "territory__name"]
    autocomplete_fields = ["organisation", "territory"]
    list_select_related = ["organisation", "territory"]


@admin.register(PartnerService)
class PartnerServiceAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "name",
        "category",
        "territory",
        "open_at_night",
        "accepts_unaccompanied_minors",
        "is_active",
    ]
    list_filter = [
        "category",
        "open_at_night",
        "accepts_unaccompanied_minors",
        "is_active",
        "from_data_inclusion",
        "missing_at_source",
    ]
    search_fields = ["name", "structure_name", "territory__name", "source_id"]
    autocomplete_fields = ["organisation", "territory"]
    list_select_related = ["territory"]


class ContactAdminForm(forms.ModelForm):
    """What an administrator may correct, checked by the contact rules (outreach/rules/contacts.py)."""

    class Meta:
        model = Contact
        fields = [
            "hotspot",
            "platform",
            "conversation_established",
            "request_category",
            "level",
            "age_band",
            "gender",
            "is_first_contact",
            "known_to_child_welfare",
            "concerns",
            "actions",
        ]

    def record(self) -> dict:
        """The changed fields as a contact record carries them (codes, ids)."""
        data = {}
        for name in self.changed_data:
            value = self.cleaned_data.get(name)
            if name == "hotspot":
                value = value.pk if value else None
            elif name == "platform":
                value = value.code if value else None
            elif name in ("concerns", "actions"):
                value = [item.code for item in value]
            data[name] = value
        return data

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        data = self.record()
        refs = ContactRefs.for_team(
            self.instance.team, hotspot_ids=[data["hotspot"]] if data.get("hotspot") else []
        )
        try:
            validate_contact(
                data, partial=True, existing=self.instance, session=self.instance.session, refs=refs
            )
        except ContactInvalid as exc:
            for name, messages in exc.errors.items():
                self.add_error(name if name in self.fields else None, messages)
        return cleaned


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    """Contacts are the field's record: an administrator can read and fix, not rewrite history.

    Corrections go through `services.contacts.correct_contact` (rules, version, change log,
    roll-ups, journal). Team notes and person codes stay within the team (docs/privacy.md): the
    admin neither shows nor searches them.
    """

    form = ContactAdminForm
    list_display = [
        "uuid",
        "kind",
        "service_date",
        "hour_band",
        "team",
        "age_band",
        "gender",
        "level",
    ]
    list_filter = [
        "kind",
        "level",
        "age_band",
        "gender",
        "known_to_child_welfare",
        "team__organisation",
    ]
    search_fields = ["uuid"]
    date_hierarchy = "service_date"
    list_select_related = ["team__organisation"]
    autocomplete_fields = ["hotspot"]
    readonly_fields = [
        "uuid",
        "session",
        "team",
        "territory",
        "kind",
        "author",
        "occurred_at",
        "service_date",
        "hour_band",
        "oriented_to",
        "client_created_at",
        "client_updated_at",
        "received_at",
        "updated_at",
        "clock_skew_seconds",
        "clock_flagged",
        "version",
        "anonymised_at",
        # Written only through the services, which check them against the definitions.
        "custom_values",
    ]
    filter_horizontal = ["concerns", "actions"]

    def has_add_permission(self, request):
        return False  # contacts come from the field, through the sync API

    @admin.display(description=_("oriented to"))
    def oriented_to(self, obj) -> str:
        return ", ".join(str(link.partner) for link in obj.orientation_links.select_related("partner"))

    def save_model(self, request, obj, form, change):
        """Nothing here: `save_related` writes the whole correction, lists included, in one service call."""

    def save_related(self, request, form, formsets, change):
        data = form.record()
        if data:
            form.instance = contacts.correct_contact(
                actor=request.user, contact=form.instance, data=data, request=request
            )


@admin.register(JournalEntry)
class JournalEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "actor_username", "target", "ip_address"]
    list_filter = ["event"]
    search_fields = ["actor_username", "target"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CustomFieldChoiceInline(admin.TabularInline):
    model = CustomFieldChoice
    extra = 0
    fields = ["code", "label_fr", "label_en", "position", "is_active"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CustomField)
class CustomFieldAdmin(admin.ModelAdmin):
    """Read-only here: coordinators define their fields in the planning pages, through the
    service that journals every change and tells the phones (outreach/services/custom_fields.py)."""

    list_display = ["label_fr", "organisation", "target", "kind", "reportable", "is_active"]
    list_filter = ["target", "kind", "is_active", "organisation"]
    search_fields = ["label_fr", "label_en"]
    inlines = [CustomFieldChoiceInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """The release ledger can be read, never written, from the admin (ADR 016)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReleasedTable)
class ReleasedTableAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "universe",
        "territory",
        "period_kind",
        "period_start",
        "period_end",
        "agreement",
    ]
    list_filter = ["period_kind"]
    search_fields = ["universe", "territory__name", "agreement__reference"]
    date_hierarchy = "created_at"
    exclude = ["values"]  # the hidden cells' true values are never shown, not even here
    readonly_fields = ["hidden", "audit"]


@admin.register(ReleaseSnapshot)
class ReleaseSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "universe", "month"]
    exclude = ["cells", "persons"]
