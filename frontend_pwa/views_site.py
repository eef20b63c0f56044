"""Site-wide odds and ends browsers ask for by a fixed name."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """/favicon.ico, asked for by pages without an icon link (the admin, the API browser):
    the app's icon (pages of our own name it in their head)."""
    return HttpResponsePermanentRedirect(static("frontend_pwa/icons/icon-192.png"))
