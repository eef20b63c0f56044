"""Response headers the progressive web app needs from the server."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

SERVICE_WORKER_PATH = "/serviceworker.js"
MANIFEST_PATH = "/manifest.json"


class ServiceWorkerHeadersMiddleware:
    """Keeps the service worker and the manifest fresh, and lets the worker control the whole site.

    A long-cached worker would pin phones to an old app after an upgrade, so both files are
    revalidated on every load (`no-cache`: cached, but checked). `Service-Worker-Allowed: /`
    makes the scope explicit should the worker ever move under /static/.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 200:
            return response
        if request.path == SERVICE_WORKER_PATH:
            response["Cache-Control"] = "no-cache"
            response["Service-Worker-Allowed"] = "/"
        elif request.path == MANIFEST_PATH:
            response["Cache-Control"] = "no-cache"
        return response
