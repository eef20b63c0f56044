"""Sign-in with ProConnect (when the instance enables it): start, callback, return from sign-out."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import proconnect
from accounts.views.signin import after_sign_in, safe_next
from outreach.services import federation, signin

logger = logging.getLogger(__name__)
NEXT_SESSION_KEY = "proconnect_next"


def _enabled() -> None:
    if not settings.PROCONNECT_ENABLED:
        raise Http404


def start(request: HttpRequest) -> HttpResponse:
    _enabled()
    if signin.address_locked(request):
        return render(
            request, "accounts/proconnect_refused.html", {"message": signin.LOCKED_MESSAGE}, status=429
        )
    request.session[NEXT_SESSION_KEY] = safe_next(request)
    try:
        return proconnect.authorize_redirect(
            request, request.build_absolute_uri(reverse("accounts:proconnect-callback"))
        )
    except OSError:
        logger.exception("ProConnect discovery failed")
        return render(
            request,
            "accounts/proconnect_refused.html",
            {"message": _("ProConnect cannot be reached right now. Try again in a moment.")},
            status=503,
        )


def callback(request: HttpRequest) -> HttpResponse:
    _enabled()
    next_url = request.session.pop(NEXT_SESSION_KEY, "") or reverse(settings.LOGIN_REDIRECT_URL)
    try:
        identity, id_token = proconnect.identity(request)
    except proconnect.ProConnectError as exc:
        logger.warning("ProConnect sign-in refused: %s", exc)
        signin.record_address_failure(request=request, door=signin.Door.PROCONNECT, reason="protocol")
        return render(
            request,
            "accounts/proconnect_refused.html",
            {"message": _("The answer from ProConnect could not be checked. Try signing in again.")},
            status=400,
        )
    try:
        user, proven = federation.sign_in(request=request, identity=identity)
    except signin.SignInRefused as refused:
        message = (
            refused.message
            if refused.code == "locked"
            else _(
                "No Maraude account or invitation matches the address %(email)s. Ask your "
                "coordinator or administrator for an invitation to this address."
            )
            % {"email": identity.email}
        )
        return render(request, "accounts/proconnect_refused.html", {"message": message}, status=403)
    response = after_sign_in(request, user, door=signin.Door.PROCONNECT, proven=proven, next_url=next_url)
    # Kept for signing out at ProConnect too (id_token_hint).
    request.session[proconnect.ID_TOKEN_SESSION_KEY] = id_token
    return response


def logged_out(request: HttpRequest) -> HttpResponse:
    if proconnect.logout_returned(request):
        messages.success(request, _("You are signed out of Maraude and ProConnect."))
    return redirect("login")
