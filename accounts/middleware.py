"""A password alone does not open a session that needs a second factor."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from outreach.services import signin


def pending_user(request: HttpRequest):
    """The account whose password this session passed, while its second factor is pending."""
    bool(request.user.is_authenticated)  # resolve the lazy user, which sets the pending one
    return getattr(request, "_pending_user", None)


class SecondFactorMiddleware:
    """Shows a session that needs a second factor and has not passed one as anonymous.

    Runs after django-otp's OTPMiddleware. Every view, the admin and the API then treat such a
    session as signed out, so a forgotten decorator cannot leak a page; only the second-factor
    pages read `pending_user(request)`. A pending sign-in older than signin.PENDING_MAX_SECONDS
    is dropped. Sessions opened with `force_login` (tests, shells) get no exemption.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        request.user = SimpleLazyObject(lambda: self._effective_user(request, user))
        return self.get_response(request)

    @staticmethod
    def _effective_user(request: HttpRequest, user):
        if not user.is_authenticated or not signin.requires_second_factor(user):
            return user
        if signin.second_factor_passed(request, user):
            return user
        if signin.pending(request) is None:
            # Stale (or never started through a door): nothing of it is kept.
            request.session.flush()
            return AnonymousUser()
        request._pending_user = user
        return AnonymousUser()
