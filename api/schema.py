"""Teach drf-spectacular what the API really does: the device token, strict bodies, every answer.

The schema is checked against the running server by schemathesis (tests/api/test_schemathesis.py):
an answer or a constraint missing here fails the suite.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiResponse


class DeviceTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.DeviceTokenAuthentication"
    name = "deviceToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Device <token>`, the token from POST /api/v1/devices/enrol.",
        }


class StrictSerializerScheme(OpenApiSerializerExtension):
    """A StrictSerializer refuses unknown fields: its schema says `additionalProperties: false`."""

    target_class = "api.serializers.fields.StrictSerializer"
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        schema["additionalProperties"] = False
        return schema


def _error(description: str):
    from api.serializers.devices import ErrorSerializer

    return OpenApiResponse(ErrorSerializer, description=description)


def _revoked():
    from api.serializers.devices import RevokedSerializer

    return OpenApiResponse(
        RevokedSerializer, description="`device_revoked`: the device was revoked; wipe all local data."
    )


ANSWERS = {
    400: "`malformed_json` (not JSON, a key twice, NaN, not UTF-8), `too_deep` (over 20 levels), "
    "`invalid` (field errors in `errors`), `invalid_cursor` (pull).",
    401: "`not_authenticated`, `invalid_token`, `device_replaced` or `signed_out`: sign in again.",
    403: "Not allowed: `not_authenticated` / `permission_denied` (devices pages need a coordinator's "
    "session), `role_not_allowed` (enrolment).",
    404: "`not_found`.",
    409: "`key_conflict`: another device made the team's key first; read the keys again.",
    413: "`batch_too_large` (push: `max_operations`, `max_bytes`) or `too_large` (other bodies: "
    "`max_bytes`).",
    415: "`unsupported_media_type`: send `Content-Type: application/json`.",
    429: "`login_locked` or `throttled`.",
    503: "`unavailable`: the database does not answer; retry after `Retry-After` seconds.",
}


def answers(*codes: int) -> dict:
    """The error answers `codes` as drf-spectacular responses, each in the API's one error shape."""
    return {code: (_revoked() if code == 410 else _error(ANSWERS[code])) for code in codes}


def add_limits(result, generator, request, public):
    """Limits read from settings, which serializers cannot state (drf-spectacular post-processing hook)."""
    from django.conf import settings

    push = result.get("components", {}).get("schemas", {}).get("PushRequest")
    if push:
        push["properties"]["operations"]["maxItems"] = settings.SYNC_PUSH_MAX_OPERATIONS
        push.setdefault("required", [])
        if "operations" not in push["required"]:
            push["required"].append("operations")
    return result
