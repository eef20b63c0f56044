"""Project-wide middleware that is about the deployment, not the domain."""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class RealIPMiddleware:
    """Takes the client address from the reverse proxy's header (settings.REAL_IP_HEADER).

    Behind nginx every request comes from 127.0.0.1: login throttling per address and the
    journal need the real client. The header is trusted only when configured, and only if it
    holds a valid IP address.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        header = getattr(settings, "REAL_IP_HEADER", "")
        self.meta_key = "HTTP_" + header.upper().replace("-", "_") if header else ""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.meta_key:
            value = request.META.get(self.meta_key, "").strip()
            # No header, or not an address: keep the socket's address.
            with contextlib.suppress(ValueError):
                request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(value))
        return self.get_response(request)
