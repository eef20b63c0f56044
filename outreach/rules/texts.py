"""Free text written by a team: refused when it holds an identifier of a young person."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outreach.rules.identifiers import EMAIL, HANDLE, LINK, PHONE, find_identifiers

KIND_LABELS = {
    PHONE: gettext_lazy("a phone number"),
    EMAIL: gettext_lazy("an e-mail address"),
    HANDLE: gettext_lazy("an online handle"),
    LINK: gettext_lazy("a link"),
}


def identifier_message(kinds: list[str]) -> str:
    return _(
        "Remove %(what)s: no phone number, e-mail, handle or link about a young person may be stored."
    ) % {"what": ", ".join(str(KIND_LABELS[kind]) for kind in kinds)}


def identifier_errors(values: dict[str, Any], fields: Iterable[str]) -> dict[str, list[str]]:
    """{field: [message]} for each of `fields` in `values` whose text holds an identifier."""
    errors: dict[str, list[str]] = {}
    for name in fields:
        value = values.get(name)
        if isinstance(value, str) and value:
            kinds = find_identifiers(value)
            if kinds:
                errors[name] = [identifier_message(kinds)]
    return errors
