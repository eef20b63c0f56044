"""The OpenAPI schema and its browsable page."""

from __future__ import annotations

import re

import pytest
from django.test import Client

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
