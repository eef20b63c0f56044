"""The API's one JSON parser: bounded in size and depth, and strict about what JSON it accepts.

Python's `json` recurses once per nesting level, so `[`×5000 would end in a RecursionError (a
500); the depth is measured on the bracket skeleton first, which costs little next to the
parse itself. Duplicate keys, NaN/Infinity and text that is not UTF-8 are refused too, so a body
means one thing only.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate

from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

# The deepest legitimate body (a push: batch → operations → operation → data → tallies → tally)
# nests 6 levels; 20 leaves room for additive changes without letting a parser be exhausted.
MAX_DEPTH = 20
# Bodies other than a push (an enrolment, a revocation) are a few hundred bytes.
DEFAULT_MAX_BYTES = 64 * 1024

# A JSON string, written as "unrolled loop" (runs of plain characters, then one escape): a
# quarter of the time of the alternation `"(?:[^"\\]|\\.)*"` on a 500-operation push.
_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
# Strings, everything else that is not a bracket, and a quote left open at the end, in one pass:
# the bracket skeleton remains.
_STRINGS_AND_TEXT = re.compile(_STRINGS.pattern + r'|[^\[\]{}"]+|"', re.DOTALL)
_INNERMOST = re.compile(r"\[\]|\{\}")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class TooDeep(exceptions.ParseError):
    default_code = "too_deep"


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


def nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest in `text` (brackets inside strings do not count).

    Balanced bracket skeletons are peeled one innermost layer per pass (each pass in C), up to
    one layer past the limit; anything else (unbalanced, deeper) is measured bracket by bracket.
    """
    skeleton = _STRINGS_AND_TEXT.sub("", text)
    depth = 0
    while skeleton and depth <= MAX_DEPTH:
        peeled = _INNERMOST.sub("", skeleton)
        if len(peeled) == len(skeleton):
            break  # not a balanced skeleton
        skeleton, depth = peeled, depth + 1
    if not skeleton:
        return depth
    return depth + max(0, *accumulate(_STEP[c] for c in skeleton))


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict:
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        twice = next(key for key, _value in pairs if key in seen or seen.add(key))
        raise exceptions.ParseError(_("The key “%s” appears twice in one object.") % twice)
    return data


def _no_constant(name: str):
    raise exceptions.ParseError(_("%s is not valid JSON.") % name)


class StrictJSONParser(JSONParser):
    """JSON with a byte limit (the view's `max_body_bytes`), a depth limit and no ambiguity.

    Over the byte limit the view's `body_too_large()` exception is raised if it has one (a push
    answers its documented `batch_too_large`), else a 413 `too_large`.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        view = (parser_context or {}).get("view")
        limit = getattr(view, "max_body_bytes", DEFAULT_MAX_BYTES)
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise _too_large(view, limit)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.ParseError(_("The body is not UTF-8 text.")) from None
        if nesting_depth(text) > MAX_DEPTH:
            raise TooDeep(_("The JSON body nests more than %s levels of arrays and objects.") % MAX_DEPTH)
        try:
            return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
        except ValueError as exc:
            raise exceptions.ParseError(_("The body is not valid JSON: %s") % exc) from None


def _too_large(view, limit: int) -> exceptions.APIException:
    if view is not None and hasattr(view, "body_too_large"):
        return view.body_too_large()
    exc = BodyTooLarge(_("The body is larger than %s bytes.") % limit)
    exc.extra = {"max_bytes": limit}
    return exc


def check_declared_length(request, view) -> None:
    """Refuse a body announced larger than the limit before reading any of it."""
    limit = getattr(view, "max_body_bytes", DEFAULT_MAX_BYTES)
    length = request.META.get("CONTENT_LENGTH") or "0"
    if length.isdigit() and int(length) > limit:
        raise _too_large(view, limit)
