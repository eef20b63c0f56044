"""One error shape for the whole API: {"code": "...", "detail": "...", "errors"?: {...}}."""

from __future__ import annotations

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from api.authentication import DeviceRevoked
from api.parsers import TooDeep


class BatchTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "batch_too_large"


class InvalidCursor(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_cursor"


CODES = {
    TooDeep: "too_deep",  # before ParseError, its base class
    exceptions.ParseError: "malformed_json",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    exceptions.ValidationError: "invalid",
}


def handler(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, DeviceRevoked):
        response.data = {"code": "device_revoked", "wipe": True, "detail": str(exc.detail)}
        return response
    code = next((c for cls, c in CODES.items() if isinstance(exc, cls)), None)
    if isinstance(exc, exceptions.AuthenticationFailed):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "invalid_token"
    if isinstance(exc, exceptions.ValidationError):
        data = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {"code": "invalid", "detail": "Some fields are not valid.", "errors": data}
        return response
    if code is None:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        code = codes if isinstance(codes, str) else "error"
    detail = response.data.get("detail") if isinstance(response.data, dict) else None
    extra = getattr(exc, "extra", {})
    response.data = {"code": code, "detail": str(detail or exc), **extra}
    return response


def error(code: str, detail: str, http_status: int, **extra) -> Response:
    return Response({"code": code, "detail": detail, **extra}, status=http_status)
