"""The OpenAPI schema and its browsable page."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from outreach.rules.fields import PERSON_CODE_PATTERN
from outreach.rules.sealed import NOTE_ENVELOPE_MAX_LENGTH, PSEUDONYM_LENGTH, PSEUDONYM_PATTERN

pytestmark = pytest.mark.django_db


def test_the_schema_describes_the_sync_endpoints():
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json() if response["Content-Type"].endswith("json") else None
    text = response.content.decode()
    for path in ("/api/v1/devices/enrol", "/api/v1/sync/push", "/api/v1/sync/pull"):
        assert path in text
    if schema:
        assert "deviceToken" in schema["components"]["securitySchemes"]


def test_the_docs_page_has_no_inline_script():
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    inline = [m for m in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S) if m[1].strip()]
    assert inline == []


def _schema() -> dict:
    response = Client().get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(
    ("path", "method", "codes"),
    [
        ("/api/v1/devices/enrol", "post", {"201", "400", "401", "403", "413", "415", "429", "503"}),
        ("/api/v1/sync/push", "post", {"200", "400", "401", "410", "413", "415", "503"}),
        ("/api/v1/sync/pull", "get", {"200", "400", "401", "410", "503"}),
        ("/api/v1/devices/", "get", {"200", "403", "503"}),
        ("/api/v1/devices/{id}/revoke", "post", {"200", "403", "404", "413", "503"}),
    ],
)
def test_the_schema_lists_every_answer_of_each_endpoint(path, method, codes):
    assert set(_schema()["paths"][path][method]["responses"]) == codes


def test_the_schema_states_the_constraints_the_server_enforces():
    schema = _schema()
    components = schema["components"]["schemas"]
    strict = [
        "EnrolRequest",
        "PushRequest",
        "DeviceState",
        "ContactData",
        "ContactChangeData",
        "ContactCreateOperation",
        "ContactUpdateOperation",
        "SessionStartOperation",
        "SessionUpdateOperation",
        "SessionEndOperation",
        "SessionStartData",
        "SessionUpdateData",
        "SessionEndData",
        "Tally",
        "SlotCounts",
    ]
    for name in strict:
        assert components[name]["additionalProperties"] is False, name
    enrol = components["EnrolRequest"]["properties"]
    assert all(enrol[name]["minLength"] == 1 for name in ("username", "password", "label"))
    assert components["PushRequest"]["properties"]["operations"]["maxItems"] == 500
    contact = components["ContactData"]["properties"]
    code = contact["person_code"]["oneOf"][0]  # or "" (none)
    # A plain code (a team without a key yet) or its pseudonym (ADR 010).
    assert (code["minLength"], code["maxLength"]) == (2, PSEUDONYM_LENGTH)
    assert code["pattern"] == f"(?:{PERSON_CODE_PATTERN})|(?:{PSEUDONYM_PATTERN})"
    assert contact["note"]["maxLength"] == NOTE_ENVELOPE_MAX_LENGTH
    assert set(components["ContactData"]["required"]) >= {"session", "occurred_at", "age_band", "gender"}
    assert "required" not in components["ContactChangeData"]
    assert set(components["ContactUpdateOperation"]["required"]) >= {"base_version", "client_updated_at"}
    (limit,) = [p for p in schema["paths"]["/api/v1/sync/pull"]["get"]["parameters"] if p["name"] == "limit"]
    assert (limit["schema"]["minimum"], limit["schema"]["maximum"]) == (1, 1000)
    assert schema["paths"]["/api/v1/sync/push"]["post"]["requestBody"]["content"].keys() == {
        "application/json"
    }
