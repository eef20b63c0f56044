from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework.views import APIView

from api.exceptions import handler
from api.parsers import DEFAULT_MAX_BYTES, StrictJSONParser, check_declared_length


class MaraudeAPIView(APIView):
    """APIView answering every error in the API's one shape (see api/exceptions.py).

    Bodies are JSON only, read by the strict parser: at most `max_body_bytes`, 20 levels deep.
    """

    parser_classes = [StrictJSONParser]
    max_body_bytes = DEFAULT_MAX_BYTES

    def initial(self, request, *args, **kwargs):
        # Before authentication: an oversized body is refused without reading it.
        check_declared_length(request, self)
        super().initial(request, *args, **kwargs)

    def get_exception_handler(self):
        return handler


@csrf_exempt  # nothing is done here; a CSRF refusal would answer HTML
def not_found(request, *args, **kwargs) -> JsonResponse:
    """An address under /api/ that names nothing (a malformed device id included)."""
    return JsonResponse({"code": "not_found", "detail": _("Nothing is at this address.")}, status=404)
