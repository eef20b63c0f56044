"""Forms of the account pages. They parse input; the rules are in outreach/services."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from outreach.choices import Role
from outreach.models import Team
from outreach.services import invitations, signin


class SignInForm(AuthenticationForm):
    """Username and password, checked by the one sign-in rule (throttle, journal, same answers)."""

    def __init__(self, request=None, *args, door: str = signin.Door.WEB, **kwargs):
        self.door = door
        super().__init__(request, *args, **kwargs)

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = signin.check_password(
                    request=self.request, username=username, password=password, door=self.door
                )
            except signin.SignInRefused as refused:
                raise ValidationError(refused.message, code=refused.code) from None
        return self.cleaned_data


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class PasswordPairForm(forms.Form):
    """A new password typed twice, validated against the account it is for."""

    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, invitation=None, **kwargs):
        self.invitation = invitation
        super().__init__(*args, **kwargs)

    def clean(self):
        first, second = self.cleaned_data.get("new_password1"), self.cleaned_data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("The two passwords differ."))
        elif first and self.invitation is not None:
            try:
                invitations.validate_new_password(invitation=self.invitation, password=first)
            except ValidationError as error:
                self.add_error("new_password1", error)
        return self.cleaned_data


class ResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class InvitationForm(forms.Form):
    """What a coordinator gives to invite someone to their organisation."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("No full name needed: a first name and an initial, or a pseudonym."),
    )
    email = forms.EmailField(
        label=_("E-mail (optional for workers)"),
        required=False,
        help_text=_("The link is sent there. Without it, hand the link over yourself."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(Role.WORKER, Role.WORKER.label), (Role.COORDINATOR, Role.COORDINATOR.label)],
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(organisation=organisation, is_active=True)
