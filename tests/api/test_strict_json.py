"""The API's JSON parser, fed raw bytes: depth and size limits, and nothing ambiguous accepted."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client, override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from api.parsers import MAX_DEPTH, nesting_depth
from tests.api.sync_helpers import PUSH, contact_create, device_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ENROL = "/api/v1/devices/enrol"


def raw_post(client, path: str, body: bytes, content_type: str = "application/json"):
    return client.generic("POST", path, data=body, content_type=content_type)


@pytest.fixture
def phone():
    client, _device = device_client(UserFactory())
    return client


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_a_deeply_nested_push_answers_400_too_deep_not_500(phone, opening):
    body = (opening * 5000).encode()
    response = raw_post(phone, PUSH, body)
    assert response.status_code == 400
    assert response.json()["code"] == "too_deep"
    assert str(MAX_DEPTH) in response.json()["detail"]


def test_a_deeply_nested_enrolment_answers_400_too_deep_not_500():
    body = ("[" * 5000 + "]" * 5000).encode()
    response = raw_post(Client(), ENROL, body)
    assert response.status_code == 400
    assert response.json()["code"] == "too_deep"


def test_nesting_just_within_the_limit_is_parsed(phone):
    inner = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    body = json.dumps({"operations": [], "sent_at": None}).replace("null", inner).encode()
    response = raw_post(phone, PUSH, body)
    # Parsed, then refused for its content: not a parse error.
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "sent_at" in response.json()["errors"]


def test_brackets_inside_strings_do_not_count_as_nesting():
    assert nesting_depth(json.dumps({"note": "[" * 500 + '\\"{' * 100})) == 1
    assert nesting_depth('[[{"a": ["]]]]"]}]]') == 4


def deepest(text: str) -> int:
    """The depth counted bracket by bracket: what the parser's layer-peeling must agree with."""
    depth = best = 0
    for c in re.sub(r'"(?:[^"\\]|\\.)*"', "", text, flags=re.DOTALL):
        depth += {"[": 1, "{": 1, "]": -1, "}": -1}.get(c, 0)
        best = max(best, depth)
    return best


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(
        st.none() | st.integers() | st.text(alphabet='[]{}"\\a'),
        lambda kids: st.lists(kids) | st.dictionaries(st.text(alphabet="[]{}a", max_size=3), kids),
        max_leaves=40,
    )
)
def test_the_depth_of_any_json_body_is_its_deepest_bracket(value):
    text = json.dumps(value)
    assert nesting_depth(text) == deepest(text)


@pytest.mark.parametrize(
    "text",
    ["[[[", "]]]", "[{]}", "[[]", "{[}]]", "[" * 30 + "]" * 29, '[["open', '[{"a": "b\\"}]', '"[[['],
)
def test_unbalanced_brackets_are_measured_by_their_running_depth(text):
    assert nesting_depth(text) >= deepest(text)


@override_settings(SYNC_PUSH_MAX_BYTES=2048)
def test_an_oversized_push_answers_413_batch_too_large(phone):
    body = json.dumps({"operations": [], "sent_at": None, "pad": "x" * 4000}).encode()
    response = raw_post(phone, PUSH, body)
    assert response.status_code == 413
    assert response.json() == {
        "code": "batch_too_large",
        "detail": response.json()["detail"],
        "max_operations": 500,
        "max_bytes": 2048,
    }


def test_an_oversized_enrolment_answers_413_too_large():
    body = json.dumps({"username": "a", "password": "x" * 100_000, "label": "p"}).encode()
    response = raw_post(Client(), ENROL, body)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert response.json()["max_bytes"] == 64 * 1024


@pytest.mark.parametrize(
    "body",
    [
        b'{"operations": [], "operations": []}',
        b'{"operations": [], "sent_at": NaN}',
        b'{"operations": [], "sent_at": Infinity}',
        b'{"operations": [], "sent_at": "\xff\xfe"}',
        b'{"operations": [',
    ],
    ids=["duplicate-key", "nan", "infinity", "not-utf8", "truncated"],
)
def test_ambiguous_or_broken_json_answers_400_malformed_json(phone, body):
    response = raw_post(phone, PUSH, body)
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"
    assert response.json()["detail"]


def test_a_body_that_is_not_json_answers_415(phone):
    response = raw_post(phone, PUSH, b"operations=1", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_a_duplicate_key_inside_an_operation_is_refused_too(phone):
    from tests.factories import SessionFactory

    session = SessionFactory()
    op = json.dumps(contact_create(session))
    body = ('{"operations": [' + op[:-1] + ', "uuid": "x"}]}').encode()
    response = raw_post(phone, PUSH, body)
    assert response.status_code == 400
    assert "uuid" in response.json()["detail"]
