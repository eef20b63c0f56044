"""The fingerprint stored with every created contact (`create_digest`) never changes for the same
content: a replay months later must still be told from a conflict (sync protocol §2.3)."""

from __future__ import annotations

import datetime as dt
import uuid

from outreach.services.sync_push import content_digest

DATA = {
    "session": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "occurred_at": dt.datetime(2026, 11, 30, 22, 15, tzinfo=dt.timezone(dt.timedelta(hours=1))),
    "age_band": "15_17",
    "gender": "girl",
    "concerns": ["violence", "running_away"],
    "actions": [],
    "note": "",
    "hotspot": None,
    "orientations": [12, 3],
    "is_first_contact": False,
    "custom_values": {"7": ["b", "a"]},
}


def test_the_digest_of_a_create_is_pinned():
    # Computed by the first implementation (json.dumps per call); stored digests depend on it.
    assert content_digest(DATA) == "5a03e33dcb2f54e7093a128915a6045dbf728fd8856e2b48be0418f3385dca69"


def test_spelling_does_not_change_the_digest_and_content_does():
    same = {
        **DATA,
        "occurred_at": DATA["occurred_at"].astimezone(dt.UTC),
        "concerns": ["running_away", "violence"],
        "orientations": [3, 12],
        "note": None,
    }
    del same["actions"]
    assert content_digest(same) == content_digest(DATA)
    assert content_digest({**DATA, "gender": "boy"}) != content_digest(DATA)
