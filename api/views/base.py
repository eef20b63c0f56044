from __future__ import annotations

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
