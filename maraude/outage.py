"""When the database does not answer: 503 with Retry-After, never a 500.

A PostgreSQL restart, a failover or a network cut between the app and the database is not a bug
in the request: the same request will work in a moment. Clients are told so — 503 and
`Retry-After` (DB_RETRY_AFTER_SECONDS) — and the field app backs off and resends the same
operations (a replay is harmless, docs/sync-protocol.md §2.4). The API answers in its one
error shape; pages get a short page that needs no database to render.

Two doors lead here: `DatabaseUnavailableMiddleware` for errors raised by views (the API's
included), and `server_error` (Django's handler500) for errors raised anywhere else, such as the
session middleware saving a session.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger("maraude.outage")

# What a lost, refused or broken database connection raises (psycopg errors wrapped by Django).
OUTAGE_ERRORS = (OperationalError, InterfaceError)


def is_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, OUTAGE_ERRORS)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: JSON in the API's error shape under /api/, a plain page elsewhere."""
    detail = _("The service is briefly unavailable. Nothing was lost: try again in a moment.")
    wait = settings.DB_RETRY_AFTER_SECONDS
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"code": "unavailable", "detail": detail, "retry_after": wait}, status=503
        )
    else:
        title = escape(_("Briefly unavailable"))
        response = HttpResponse(
            f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body><h1>{title}</h1><p>{escape(detail)}</p></body></html>",
            status=503,
            content_type="text/html; charset=utf-8",
        )
    response["Retry-After"] = str(wait)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database outage raised by a view into a 503 (see the module docstring)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_outage(exception):
            return None
        logger.warning("Database unavailable during %s %s: %s", request.method, request.path, exception)
        return unavailable_response(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database outage outside a view is still a 503; anything else a real 500."""
    if is_outage(sys.exc_info()[1]):
        return unavailable_response(request)
    return defaults.server_error(request)
