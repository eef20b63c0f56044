"""The sign-in and sign-out pages: /login/ and /admin/login/ are the same view, one door each."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from accounts import proconnect
from accounts.forms import SignInForm
from accounts.middleware import pending_user
from outreach import journal
from outreach.services import second_factor, signin


def safe_next(request: HttpRequest, default: str = "") -> str:
    """The `next` of the request if it stays on this site, else `default` (or the home page)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default or reverse(settings.LOGIN_REDIRECT_URL)


def second_factor_step(request: HttpRequest, user, *, next_url: str) -> HttpResponseRedirect:
    """Where a pending session goes: enrolment at first sign-in, else the verification."""
    name = "accounts:verify" if second_factor.has_second_factor(user) else "accounts:setup"
    return redirect(f"{reverse(name)}?{urlencode({'next': next_url})}")


def after_sign_in(request: HttpRequest, user, *, door: str, proven: str | None = None, next_url: str):
    """Open the session through the sign-in rule; go on, or to the second-factor step."""
    if signin.open_session(request, user, door=door, second_factor=proven):
        return redirect(next_url)
    return second_factor_step(request, user, next_url=next_url)


class LoginView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True
    door = signin.Door.WEB

    def dispatch(self, request, *args, **kwargs):
        user = pending_user(request)
        if user is not None and request.method == "GET":
            return second_factor_step(request, user, next_url=safe_next(request))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "door": self.door}

    def get_default_redirect_url(self):
        return (
            reverse("admin:index") if self.door == signin.Door.ADMIN else super().get_default_redirect_url()
        )

    def form_valid(self, form):
        return after_sign_in(self.request, form.get_user(), door=self.door, next_url=self.get_success_url())

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "proconnect": settings.PROCONNECT_ENABLED}


class AdminLoginView(LoginView):
    """/admin/login/: the same form, the same rule; only the door's name and default target differ."""

    door = signin.Door.ADMIN


class LogoutView(View):
    """Sign out (POST only); a ProConnect session is ended at ProConnect too."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        user = request.user if request.user.is_authenticated else pending_user(request)
        if user is not None:
            journal.log_logout(user=user, request=request)
        id_token = request.session.get(proconnect.ID_TOKEN_SESSION_KEY)
        auth.logout(request)
        if id_token and settings.PROCONNECT_ENABLED:
            return proconnect.logout_redirect(
                request,
                id_token=id_token,
                post_logout_redirect_uri=request.build_absolute_uri(
                    reverse("accounts:proconnect-logged-out")
                ),
            )
        return redirect(settings.LOGOUT_REDIRECT_URL)
