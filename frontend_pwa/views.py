from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The landing page after sign-in: what this person can do, by role."""
    return render(request, "frontend_pwa/home.html", {"role": request.user.role})


@cache_control(no_cache=True)
def field_app(request: HttpRequest) -> HttpResponse:
    """The field app's shell: static markup the service worker caches; data comes from the API.

    No sign-in cookie is needed: the app enrols the phone and then talks to the API with a device
    token, so the shell is the same for everyone and can be served offline.
    """
    return render(request, "frontend_pwa/app.html")
