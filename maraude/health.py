"""The health endpoint for load balancers, container engines and monitoring: GET /healthz.

It answers 200 with a small JSON body when the primary database answers a query, 503 otherwise.
A read replica, when configured, is reported but does not fail the check: the field app keeps
working without it, and taking every app server out of the pool for it would be worse.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse

HEALTH_PATH = "/healthz"


def _database_answers(alias: str) -> bool:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def healthz(request: HttpRequest) -> JsonResponse:
    """200 `{"status": "ok", ...}` when the primary database answers, 503 otherwise."""
    checks = {"database": "ok" if _database_answers("default") else "unavailable"}
    if "replica" in connections.settings:
        checks["replica"] = "ok" if _database_answers("replica") else "unavailable"
    healthy = checks["database"] == "ok"
    response = JsonResponse({"status": "ok" if healthy else "unavailable", **checks})
    response.status_code = 200 if healthy else 503
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answers /healthz before anything else runs.

    Probes come by IP address (so no ALLOWED_HOSTS entry matches) and over plain HTTP from
    inside the network (so the SSL redirect must not apply); nothing in the answer is secret.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == HEALTH_PATH and request.method in ("GET", "HEAD"):
            return healthz(request)
        return self.get_response(request)
