from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from outreach import journal
from outreach.services import login_throttle


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, refusing further attempts after repeated failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _(
            "Too many failed attempts. Sign-in is paused for this account for a few minutes; "
            "ask your coordinator if you forgot your password."
        ),
    }

    def _ip(self) -> str | None:
        return self.request.META.get("REMOTE_ADDR") if self.request else None

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if login_throttle.is_locked(username, self._ip()):
            journal.log_login_locked(username=username, request=self.request)
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_throttle.record_failure(username, self._ip())
            journal.log_login_failed(username=username, request=self.request)
            raise
        login_throttle.record_success(username, self._ip())
        return cleaned
