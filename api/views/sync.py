"""Push and pull: the two calls of the sync protocol (docs/sync-protocol.md)."""

from __future__ import annotations

import uuid as uuid_lib

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.response import Response

from api import sync_items
from api.authentication import DeviceTokenAuthentication
from api.exceptions import BatchTooLarge, InvalidCursor
from api.schema import answers
from api.serializers.devices import DeviceStateSerializer
from api.serializers.fields import PhoneTimeField, plain_errors
from api.serializers.sync_push import (
    PushRequestSerializer,
    PushResponseSerializer,
    check_operation,
)
from api.views.base import MaraudeAPIView
from outreach.rules import contact_wire
from outreach.selectors import sync_cursor
from outreach.selectors.sync_pull import pull
from outreach.services import devices
from outreach.services.sync_push import push

PULL_DEFAULT_LIMIT = 500
PULL_MAX_LIMIT = 1000


class DeviceAPIView(MaraudeAPIView):
    authentication_classes = [DeviceTokenAuthentication]
    permission_classes = [permissions.IsAuthenticated]


def _too_large() -> BatchTooLarge:
    exc = BatchTooLarge(
        _("A push holds at most %(ops)s operations and %(bytes)s bytes: split the batch and send the parts.")
        % {"ops": settings.SYNC_PUSH_MAX_OPERATIONS, "bytes": settings.SYNC_PUSH_MAX_BYTES}
    )
    exc.extra = {
        "max_operations": settings.SYNC_PUSH_MAX_OPERATIONS,
        "max_bytes": settings.SYNC_PUSH_MAX_BYTES,
    }
    return exc


def _invalid(errors: dict) -> serializers.ValidationError:
    return serializers.ValidationError(errors)


class PushView(DeviceAPIView):
    @property
    def max_body_bytes(self) -> int:
        return settings.SYNC_PUSH_MAX_BYTES

    def body_too_large(self) -> BatchTooLarge:
        return _too_large()

    @extend_schema(
        operation_id="sync_push",
        request=PushRequestSerializer,
        responses={200: PushResponseSerializer, **answers(400, 401, 410, 413, 415, 503)},
        summary="Send a batch of operations; one result per operation",
        description="At most 500 operations and 1 MiB (413 `batch_too_large` beyond). Whatever is wrong "
        "with one operation is answered in its result (`rejected`), never as a 400: see "
        "docs/sync-protocol.md §2.",
    )
    def post(self, request):
        body = request.data
        if not isinstance(body, dict):
            raise _invalid({"non_field_errors": [_("Send a JSON object with an `operations` list.")]})
        unknown = sorted(set(body) - {"operations", "sent_at", "device"})
        if unknown:
            raise _invalid({name: [_("Unknown field.")] for name in unknown})
        operations = body.get("operations")
        if not isinstance(operations, list):
            raise _invalid({"operations": [_("Expected a list of operations.")]})
        if len(operations) > settings.SYNC_PUSH_MAX_OPERATIONS:
            raise _too_large()
        sent_at = None
        if body.get("sent_at") is not None:
            try:
                sent_at = PhoneTimeField().run_validation(body["sent_at"])
            except serializers.ValidationError as exc:
                raise _invalid({"sent_at": exc.detail}) from None
        state = None
        if body.get("device") is not None:
            reported = DeviceStateSerializer(data=body["device"])
            if not reported.is_valid():
                raise _invalid(plain_errors({"device": reported.errors}))
            state = devices.ReportedState(**reported.validated_data)
        now = timezone.now()
        checked = [_check(op, now) for op in operations]
        outcome = push(actor=request.user, device=request.auth, operations=checked, sent_at=sent_at)
        if state is not None:
            devices.record_state(
                device=request.auth,
                state=state,
                statuses=[r.status for r in outcome.results],
                clock_skew_seconds=outcome.clock_skew_seconds,
            )
        return Response(
            {
                "results": [_result(r) for r in outcome.results],
                "server_time": timezone.now(),
                "clock_skew_seconds": outcome.clock_skew_seconds,
            }
        )


def _check(raw, now) -> dict:
    """The operation checked for shape: by plain functions for the contacts they can vouch for
    (outreach/rules/contact_wire.py), else by the serializer, which also words the errors."""
    fast = contact_wire.check_op(raw, now)
    if fast is not None:
        return fast
    try:
        return dict(check_operation(raw))
    except serializers.ValidationError as exc:
        errors = exc.detail
    op = raw.get("op") if isinstance(raw, dict) else None
    uuid = raw.get("uuid") if isinstance(raw, dict) else None
    try:
        uuid = uuid_lib.UUID(str(uuid)) if uuid is not None else None
    except ValueError:
        uuid = None
    errors = (
        plain_errors(errors)
        if isinstance(raw, dict)
        else {"non_field_errors": [_("Each operation must be a JSON object.")]}
    )
    return {"op": op if isinstance(op, str) else None, "uuid": uuid, "rejected": errors}


def _result(result) -> dict:
    answer = {"uuid": str(result.uuid) if result.uuid else None, "op": result.op, "status": result.status}
    if result.version is not None:
        answer["version"] = result.version
    if result.reason:
        answer["reason"] = result.reason
    if result.errors:
        answer["errors"] = result.errors
    if result.current is not None:
        answer["current"] = sync_items.record(result.current)
    return answer


@extend_schema_field(
    {
        "oneOf": [{"type": "integer"}, {"type": "string"}],
        "description": "An integer for `hotspot` and `partner` items; a code or a UUID otherwise.",
    }
)
class PullItemIdField(serializers.Field):
    pass


class PullItemSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=[(t, t) for t in sync_items.BY_TYPE])
    op = serializers.ChoiceField(choices=[("upsert", "upsert"), ("delete", "delete")])
    id = PullItemIdField()
    data = serializers.DictField(allow_null=True)


class PullView(DeviceAPIView):
    @extend_schema(
        operation_id="sync_pull",
        parameters=[
            OpenApiParameter("cursor", OpenApiTypes.STR, description="Opaque; omit for a full snapshot."),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": PULL_MAX_LIMIT, "default": PULL_DEFAULT_LIMIT},
                description=f"Items per page: 1–{PULL_MAX_LIMIT}, default {PULL_DEFAULT_LIMIT}.",
            ),
        ],
        responses={
            200: inline_serializer(
                "PullResponse",
                {
                    "items": PullItemSerializer(many=True),
                    "cursor": serializers.CharField(),
                    "more": serializers.BooleanField(),
                    "snapshot": serializers.BooleanField(),
                    "snapshot_complete": serializers.BooleanField(),
                    "server_time": serializers.DateTimeField(),
                },
            ),
            **answers(400, 401, 410, 503),
        },
        summary="Everything the device needs offline that changed since the cursor",
        description="Without `cursor` a full snapshot, paged; then what changed since the cursor. "
        "400 `invalid_cursor`: pull again without one. See docs/sync-protocol.md §3.",
    )
    def get(self, request):
        raw_limit = request.query_params.get("limit") or str(PULL_DEFAULT_LIMIT)
        if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= PULL_MAX_LIMIT:
            raise _invalid({"limit": [_("Give a whole number from 1 to %s.") % PULL_MAX_LIMIT]})
        cursor = None
        if request.query_params.get("cursor"):
            try:
                cursor = sync_cursor.Cursor.decode(request.query_params["cursor"])
            except sync_cursor.InvalidCursor as exc:
                raise InvalidCursor(str(exc)) from None
        try:
            page = pull(device=request.auth, cursor=cursor, limit=int(raw_limit))
        except sync_cursor.InvalidCursor as exc:
            raise InvalidCursor(str(exc)) from None
        return Response(
            {
                "items": [
                    {
                        "type": item.type,
                        "op": item.op,
                        "id": sync_items.item_id(item.type, item.key),
                        "data": sync_items.BY_TYPE[item.type](item.obj) if item.obj is not None else None,
                    }
                    for item in page.items
                ],
                "cursor": page.cursor.encode(),
                "more": page.more,
                "snapshot": page.snapshot,
                "snapshot_complete": page.snapshot_complete,
                "server_time": timezone.now(),
            },
            status=status.HTTP_200_OK,
        )
