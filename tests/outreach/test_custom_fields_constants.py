"""The field app checks organisation fields with the server's limits: a test fails on drift."""

from __future__ import annotations

import re
from pathlib import Path

from outreach.models import custom_fields

JS = (
    Path(__file__).resolve().parents[2]
    / "frontend_pwa"
    / "static"
    / "frontend_pwa"
    / "js"
    / "custom-fields.js"
)


def test_the_phones_limits_are_the_servers():
    source = JS.read_text(encoding="utf-8")
    constants = {
        name: int(value.replace("_", ""))
        for name, value in re.findall(r"export const (\w+) = ([\d_]+);", source)
    }
    assert constants == {
        "NUMBER_LIMIT": custom_fields.NUMBER_LIMIT,
        "FIRST_YEAR": custom_fields.FIRST_YEAR,
        "LAST_YEAR": custom_fields.LAST_YEAR,
    }
