"""Accounts in the back office: users (never a password typed by an administrator), invitations,
one-time reset links and second-factor resets, each journaled."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from outreach import journal
from outreach.models import Invitation, User
from outreach.services import invitations, passwords, second_factor

# django-otp's own admin shows authenticator secrets and QR codes to administrators: no.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "role", "organisation", "team", "is_active", "last_login", "second_factor"]
    list_filter = ["role", "is_active", "organisation"]
    search_fields = ["username", "first_name", "last_name", "email"]
    autocomplete_fields = ["organisation", "team"]
    list_select_related = ["organisation", "team"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Maraude"), {"fields": ("role", "organisation", "team", "language")}),
    )
    actions = ["issue_password_reset", "reset_second_factor"]

    @admin.display(description=_("second factor"), boolean=True)
    def second_factor(self, obj: User) -> bool:
        return second_factor.has_second_factor(obj)

    def has_add_permission(self, request):
        return False  # accounts are created by invitation (Invitations › Add)

    def user_change_password(self, request, id, form_url=""):
        messages.info(
            request,
            _(
                "Passwords are never typed by someone else: "
                "use the action “Issue a one-time password reset link”."
            ),
        )
        return redirect(reverse("admin:outreach_user_change", args=[id]))

    def save_model(self, request, obj, form, change):
        watched = {
            "role",
            "organisation",
            "team",
            "is_staff",
            "is_superuser",
            "is_active",
            "groups",
            "user_permissions",
        }
        changed = sorted(watched.intersection(form.changed_data))
        super().save_model(request, obj, form, change)
        if changed:
            journal.log_permission_change(
                actor=request.user, subject=obj.get_username(), request=request, fields=changed, role=obj.role
            )

    @admin.action(description=_("Issue a one-time password reset link"))
    def issue_password_reset(self, request, queryset):
        for user in queryset:
            try:
                link = passwords.issue_reset(actor=request.user, user=user, request=request)
            except PermissionDenied:
                messages.error(request, _("Not for your own account: use “Forgot your password?”."))
                continue
            url = request.build_absolute_uri(link.path)
            messages.success(
                request,
                format_html(_("Reset link for {}, valid once: <code>{}</code>"), user.get_username(), url),
            )

    @admin.action(description=_("Reset the second factor (the next sign-in enrols again)"))
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            second_factor.reset(actor=request.user, user=user, request=request)
        messages.success(request, _("Second factors reset: %(n)s account(s).") % {"n": queryset.count()})


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["username", "email", "role", "organisation", "team"]

    def clean(self):
        data = super().clean()
        try:
            invitations.check(
                actor=self.actor,
                username=data.get("username") or "",
                email=data.get("email") or "",
                role=data.get("role") or "",
                organisation=data.get("organisation"),
                team=data.get("team"),
            )
        except PermissionDenied:
            raise ValidationError(_("You cannot invite this account.")) from None
        except ValidationError as error:
            raise ValidationError(error.message_dict) from None
        return data


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    form = InvitationForm
    list_display = ["username", "role", "organisation", "team", "email", "status", "created_by", "expires_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["username", "email"]
    autocomplete_fields = ["organisation", "team"]
    actions = ["revoke"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def has_change_permission(self, request, obj=None):
        return False  # an invitation is created or revoked, never edited

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the record stays

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        invitation, token = invitations.create(
            actor=request.user,
            username=data["username"],
            email=data["email"],
            role=data["role"],
            organisation=data.get("organisation"),
            team=data.get("team"),
            request=request,
        )
        url = request.build_absolute_uri(reverse("accounts:invitation", args=[token]))
        emailed = invitations.send(invitation=invitation, link=url)
        obj.pk = invitation.pk
        messages.success(
            request,
            format_html(
                _("Invitation link (shown once{}): <code>{}</code>"),
                _(", also sent by e-mail") if emailed else "",
                url,
            ),
        )

    @admin.action(description=_("Revoke the selected invitations"))
    def revoke(self, request, queryset):
        for invitation in queryset:
            invitations.revoke(actor=request.user, invitation=invitation, request=request)
