"""WebAuthn ceremonies for passkeys, as JSON endpoints for accounts/static/accounts/passkeys.js.

POST only, CSRF-protected (the script sends the token header). Each ceremony keeps its challenge
in the session and spends it on the first answer, right or wrong.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.middleware import pending_user
from accounts.views.second_factor import setup_user
from accounts.views.signin import safe_next
from outreach.services import passkeys, second_factor, signin

REGISTER_CHALLENGE = "passkey_register_challenge"
AUTH_CHALLENGE = "passkey_auth_challenge"
MAX_BODY = 64 * 1024


def _relying_party(request: HttpRequest) -> tuple[str, str]:
    """(RP id, origin): this site's host name and its origin, as the browser sees them."""
    host = request.get_host()
    return host.rsplit(":", 1)[0] if not host.endswith("]") else host, f"{request.scheme}://{host}"


def _body(request: HttpRequest) -> dict:
    if len(request.body) > MAX_BODY:
        return {}
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _refused(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@require_POST
def register_options(request: HttpRequest) -> JsonResponse:
    user, _first = setup_user(request)
    if user is None:
        return _refused(_("Sign in first."), 403)
    rp_id, _origin = _relying_party(request)
    options, challenge = passkeys.registration_options(user=user, rp_id=rp_id)
    request.session[REGISTER_CHALLENGE] = challenge
    return JsonResponse({"options": json.loads(options)})


@require_POST
def register(request: HttpRequest) -> JsonResponse:
    user, first_sign_in = setup_user(request)
    challenge = request.session.pop(REGISTER_CHALLENGE, None)
    if user is None or challenge is None:
        return _refused(_("Sign in first."), 403)
    data = _body(request)
    rp_id, origin = _relying_party(request)
    try:
        device = passkeys.register(
            user=user,
            credential=json.dumps(data.get("credential")),
            challenge=challenge,
            rp_id=rp_id,
            origin=origin,
            name=str(data.get("name") or _("Passkey")),
            request=request,
        )
    except passkeys.PasskeyRefused:
        return _refused(_("The passkey could not be registered. Try again."))
    if first_sign_in:
        signin.complete_second_factor(request, user, device, kind=second_factor.PASSKEY)
    target = f"{reverse('accounts:recovery-codes')}?{urlencode({'next': safe_next(request)})}"
    return JsonResponse({"redirect": target if first_sign_in else reverse("accounts:security")})


@require_POST
def authenticate_options(request: HttpRequest) -> JsonResponse:
    user = pending_user(request)
    if user is None or not second_factor.has_passkey(user):
        return _refused(_("Sign in first."), 403)
    rp_id, _origin = _relying_party(request)
    options, challenge = passkeys.authentication_options(user=user, rp_id=rp_id)
    request.session[AUTH_CHALLENGE] = challenge
    return JsonResponse({"options": json.loads(options)})


@require_POST
def authenticate(request: HttpRequest) -> JsonResponse:
    user = pending_user(request)
    challenge = request.session.pop(AUTH_CHALLENGE, None)
    if user is None or challenge is None:
        return _refused(_("Sign in first."), 403)
    try:
        signin.ensure_not_locked(
            username=user.get_username(), request=request, door=signin.Door.SECOND_FACTOR
        )
    except signin.SignInRefused as refused:
        return _refused(str(refused.message), 429)
    rp_id, origin = _relying_party(request)
    try:
        device = passkeys.authenticate(
            user=user,
            credential=json.dumps(_body(request).get("credential")),
            challenge=challenge,
            rp_id=rp_id,
            origin=origin,
        )
    except passkeys.PasskeyRefused:
        signin.record_failure(
            username=user.get_username(), request=request, door=signin.Door.SECOND_FACTOR, reason="passkey"
        )
        return _refused(_("This passkey was not accepted."))
    signin.complete_second_factor(request, user, device, kind=second_factor.PASSKEY)
    return JsonResponse({"redirect": safe_next(request)})
