"""Second-factor pages: verification at sign-in, enrolment at first sign-in, recovery codes, and
the person's own security page. Passkey ceremonies are in accounts/views/passkeys.py."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import CodeForm
from accounts.middleware import pending_user
from accounts.views.signin import safe_next
from outreach.services import passwords, recovery_codes, second_factor, signin


def _to_login(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('login')}?{urlencode({'next': safe_next(request)})}")


def _refusal(request: HttpRequest, form, user) -> None:
    """A wrong code counts in the sign-in throttle and the journal, like a wrong password."""
    refused = signin.record_failure(
        username=user.get_username(), request=request, door=signin.Door.SECOND_FACTOR
    )
    form.add_error("code", refused.message)


def verify(request: HttpRequest) -> HttpResponse:
    """Second step of a sign-in: a code from the authenticator app, a recovery code, or a passkey."""
    user = pending_user(request)
    if user is None:
        return _to_login(request)
    if not second_factor.has_second_factor(user):
        return redirect(f"{reverse('accounts:setup')}?{urlencode({'next': safe_next(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signin.ensure_not_locked(
                username=user.get_username(), request=request, door=signin.Door.SECOND_FACTOR
            )
        except signin.SignInRefused as refused:
            form.add_error("code", refused.message)
        else:
            proof = second_factor.verify_code(user=user, code=form.cleaned_data["code"])
            if proof is None:
                _refusal(request, form, user)
            else:
                kind, device = proof
                signin.complete_second_factor(request, user, device, kind=kind)
                if kind == second_factor.RECOVERY:
                    left = recovery_codes.remaining(user)
                    messages.warning(
                        request,
                        _("Recovery code used: %(left)s left. Add a new authenticator or print new codes.")
                        % {"left": left},
                    )
                    return redirect("accounts:security")
                return redirect(safe_next(request))
    return render(
        request,
        "accounts/verify.html",
        {"form": form, "next": safe_next(request), "has_passkey": second_factor.has_passkey(user)},
    )


def setup_user(request: HttpRequest):
    """Who may add an authenticator here: a pending account without any factor yet (enrolment at
    first sign-in), or a fully signed-in person adding another one. Never a pending account that
    already has a factor: it must prove that one first."""
    user = pending_user(request)
    if user is not None:
        return (None if second_factor.has_second_factor(user) else user), True
    if request.user.is_authenticated:
        return request.user, False
    return None, False


def setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the secret), confirm one code."""
    user, first_sign_in = setup_user(request)
    if user is None:
        return _to_login(request)
    device = second_factor.pending_totp(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor.confirm_totp(
            user=user, device=device, code=form.cleaned_data["code"], request=request
        ):
            if first_sign_in:
                signin.complete_second_factor(request, user, device, kind=second_factor.TOTP)
            messages.success(request, _("Authenticator app added."))
            return redirect(f"{reverse('accounts:recovery-codes')}?{urlencode({'next': safe_next(request)})}")
        _refusal(request, form, user)
    return render(
        request,
        "accounts/setup.html",
        {
            "form": form,
            "qr_code": second_factor.totp_qr_code(device),
            "secret": second_factor.totp_secret(device),
            "first_sign_in": first_sign_in,
            "next": safe_next(request),
        },
    )


@login_required
def recovery_codes_page(request: HttpRequest) -> HttpResponse:
    """GET explains; POST issues a new set and shows it, once (nothing kept in clear)."""
    if request.method == "POST":
        codes = second_factor.issue_recovery_codes(user=request.user, request=request)
        return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": safe_next(request)})
    return render(
        request,
        "accounts/recovery_codes.html",
        {"remaining": recovery_codes.remaining(request.user), "next": safe_next(request)},
    )


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The person's own page: second factors, recovery codes, password."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        passwords.change_password(
            user=request.user, password=form.cleaned_data["new_password1"], request=request
        )
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Password changed."))
        return redirect("accounts:security")
    return render(
        request,
        "accounts/security.html",
        {
            "factors": second_factor.factors_of(request.user),
            "remaining": recovery_codes.remaining(request.user),
            "needs_factor": signin.requires_second_factor(request.user),
            "password_form": form,
        },
    )


@login_required
@require_POST
def remove_factor(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind not in (second_factor.TOTP, second_factor.PASSKEY):
        raise Http404
    try:
        second_factor.remove(user=request.user, kind=kind, device_id=pk, request=request)
    except second_factor.LastFactor:
        messages.error(request, _("Add another second factor before removing your last one."))
    except (second_factor.TOTPDevice.DoesNotExist, second_factor.PasskeyDevice.DoesNotExist) as exc:
        raise Http404 from exc
    else:
        messages.success(request, _("Second factor removed."))
    return redirect("accounts:security")
