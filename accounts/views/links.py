"""Pages reached by a link: accepting an invitation, and setting a password after a reset.

A wrong, used or expired link counts against the address in the sign-in throttle, and a locked
address cannot use links either (the same rule as every door).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.forms import PasswordPairForm, ResetRequestForm
from accounts.views.signin import after_sign_in
from outreach.services import invitations, passwords, signin

RESET_SESSION_KEY = "reset_token"
# Django's trick: the token leaves the URL (and so the Referer) for a neutral path.
SET_PASSWORD_TOKEN = "set-password"  # noqa: S105 — a path segment, not a secret


def after_response(response: HttpResponse, task) -> HttpResponse:
    """Run `task` when the server closes the response, after the client has it all."""
    close = response.close

    def close_then_run():
        try:
            close()
        finally:
            task()

    response.close = close_then_run
    return response


def _bad_link(request: HttpRequest, *, door: str) -> HttpResponse:
    signin.record_address_failure(request=request, door=door, reason="bad_link")
    return render(request, "accounts/bad_link.html", status=404)


def _locked(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/bad_link.html", {"locked": True}, status=429)


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    if signin.address_locked(request):
        return _locked(request)
    invitation = invitations.find_open(token)
    if invitation is None:
        return _bad_link(request, door=signin.Door.INVITATION)
    form = PasswordPairForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.accept(
                invitation=invitation, password=form.cleaned_data["new_password1"], request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return after_sign_in(request, user, door=signin.Door.INVITATION, next_url=reverse("home"))
    # With ProConnect, the callback finds this invitation by its e-mail address.
    return render(
        request,
        "accounts/invitation.html",
        {
            "invitation": invitation,
            "form": form,
            "proconnect": settings.PROCONNECT_ENABLED and invitation.email,
        },
    )


def reset_request(request: HttpRequest) -> HttpResponse:
    """Self-service reset: the same answer, and the same time, whatever the address."""
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        links = passwords.request_reset(email=form.cleaned_data["email"], request=request)
        response = render(request, "accounts/reset_sent.html")
        # The e-mails leave once the answer is out, so the time to answer reveals nothing.
        mails = [
            passwords.reset_email(link=link, url=request.build_absolute_uri(link.path)) for link in links
        ]
        return after_response(response, lambda: passwords.send_reset_emails(mails))
    return render(request, "accounts/reset_request.html", {"form": form})


def reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    if signin.address_locked(request):
        return _locked(request)
    user = passwords.user_for_link(uidb64)
    if token != SET_PASSWORD_TOKEN:
        if not passwords.link_is_valid(user, token):
            return _bad_link(request, door=signin.Door.RESET_LINK)
        request.session[RESET_SESSION_KEY] = token
        return redirect(reverse("accounts:reset-confirm", args=[uidb64, SET_PASSWORD_TOKEN]))
    if not passwords.link_is_valid(user, request.session.get(RESET_SESSION_KEY, "")):
        return _bad_link(request, door=signin.Door.RESET_LINK)
    form = PasswordPairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            passwords.validate_new_password(user=user, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            form.add_error("new_password1", error)
        else:
            phones = passwords.complete_reset(
                user=user, password=form.cleaned_data["new_password1"], request=request
            )
            request.session.pop(RESET_SESSION_KEY, None)
            return render(request, "accounts/reset_done.html", {"phones": phones, "account": user})
    return render(request, "accounts/reset_confirm.html", {"form": form, "account": user})
