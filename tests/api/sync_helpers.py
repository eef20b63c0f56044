"""Helpers for the sync API tests: an enrolled device's client and operation builders."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone
from rest_framework.test import APIClient

from outreach.services.devices import enrol_device

PUSH = "/api/v1/sync/push"
PULL = "/api/v1/sync/pull"


def device_client(user, label="Téléphone test"):
    """(client sending the device token, device) for `user`."""
    device, token = enrol_device(user=user, label=label)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Device {token}")
    return client, device


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def now() -> dt.datetime:
    return timezone.now().replace(microsecond=0)


def contact_create(session, *, uuid_=None, **data) -> dict:
    moment = now() - dt.timedelta(minutes=10)
    payload = {
        "session": str(session.uuid),
        "occurred_at": iso(moment),
        "age_band": "15_17",
        "gender": "girl",
        "concerns": ["running_away"],
        "actions": ["direct_advice"],
    }
    payload.update(data)
    return {
        "op": "contact.create",
        "uuid": str(uuid_ or uuid.uuid4()),
        "client_created_at": iso(moment),
        "client_updated_at": iso(moment),
        "data": payload,
    }


def contact_update(uuid_, base_version, *, at=None, **data) -> dict:
    return {
        "op": "contact.update",
        "uuid": str(uuid_),
        "base_version": base_version,
        "client_updated_at": iso(at or now()),
        "data": data,
    }


def push(client, operations, *, headers=None, **body):
    """POST a batch; keyword arguments are extra body fields (e.g. sent_at)."""
    return client.post(PUSH, {"operations": operations, **body}, format="json", headers=headers)


def statuses(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["status"] for r in response.json()["results"]]
