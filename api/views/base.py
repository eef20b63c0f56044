from __future__ import annotations

from rest_framework.views import APIView

from api.exceptions import handler


class MaraudeAPIView(APIView):
    """APIView answering every error in the API's one shape (see api/exceptions.py)."""

    def get_exception_handler(self):
        return handler
