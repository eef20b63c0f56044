"""Reading the files data·inclusion publishes, and checking each record with its schema.

data·inclusion publishes `structures` and `services` on data.gouv.fr as pandas writes them from
its PostgreSQL marts (gip-inclusion/data-inclusion, dags/publish_opendata): JSON is one array of
records (dates as epoch milliseconds, lists as arrays, missing values as null); CSV is
comma-separated with a header, list cells written as Python lists (`['59', '62']`), missing
values as empty cells and integers with a missing value as floats (`3.0`). Both are read here,
CSV row by row so the national file never has to fit in memory.

Each record is validated with the `data-inclusion-schema` package (`Service`, `Structure`); its
errors are rewritten as short messages naming the field, the bad value and what is allowed.
"""

from __future__ import annotations

import ast
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

import pydantic
from data_inclusion.schema.v1 import Service, Structure
from django.utils.translation import gettext as _

from outreach.services.directory_codes import bad_zone_codes, not_allowed

# A CSV cell may hold a whole description: allow more than csv's 128 KB default.
csv.field_size_limit(1 << 24)


class FileProblem(ValueError):
    """The file as a whole cannot be read (format, encoding, missing columns): nothing is imported."""


def _array_fields(model: type[pydantic.BaseModel]) -> frozenset[str]:
    """Fields the schema declares as lists (derived from the schema, not listed by hand)."""
    names = set()
    for name, prop in model.model_json_schema()["properties"].items():
        kinds = [prop.get("type"), *(option.get("type") for option in prop.get("anyOf", []))]
        if "array" in kinds:
            names.add(name)
    return frozenset(names)


ARRAY_FIELDS = {"services": _array_fields(Service), "structures": _array_fields(Structure)}
MODELS = {"services": Service, "structures": Structure}
REQUIRED_COLUMNS = {
    "services": ["id", "source", "structure_id", "nom"],
    "structures": ["id", "source", "nom"],
}


@dataclass(frozen=True)
class Problem:
    """An invalid record: which file, where in it, which id, and why."""

    resource: str
    where: str
    record_id: str
    messages: tuple[str, ...]

    def __str__(self) -> str:
        label = _("services") if self.resource == "services" else _("structures")
        where = f"{label}, {self.where}" + (f" ({self.record_id})" if self.record_id else "")
        return _("%(where)s: %(messages)s") % {"where": where, "messages": " ".join(self.messages)}


@dataclass
class Record:
    """One record as read (`raw`), and the schema object if it is valid."""

    resource: str
    where: str
    raw: dict
    valid: pydantic.BaseModel | None = None
    messages: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        value = self.raw.get("id")
        return value if isinstance(value, str) else ""

    @property
    def source(self) -> str:
        value = self.raw.get("source")
        return value if isinstance(value, str) else ""

    def problem(self) -> Problem:
        return Problem(self.resource, self.where, self.id, tuple(self.messages))

    def validate(self) -> bool:
        """Check the record with the data·inclusion schema; keep the object or the messages."""
        try:
            self.valid = MODELS[self.resource].model_validate(self.raw)
        except pydantic.ValidationError as exc:
            self.messages = describe(exc)
        return self.valid is not None


def _list_cell(text: str) -> list | str:
    """A CSV list cell: pandas' `['a', 'b']`, a JSON array, or codes separated by | or ,."""
    text = text.strip()
    if text.startswith("["):
        try:
            value = json.loads(text)
        except ValueError:
            try:
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                return text  # left as it is: the schema says why it is not a list
        return value if isinstance(value, list) else text
    return [part.strip() for part in text.replace("|", ",").split(",") if part.strip()]


def _peek(stream: IO[bytes]) -> bytes:
    """The first significant byte, the stream left where it was."""
    start = stream.tell()
    head = stream.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    stream.seek(start)
    return head[:1]


def read_records(stream: IO[bytes], *, resource: str) -> Iterator[Record]:
    """Records of one published file (JSON or CSV, detected from its first character)."""
    first = _peek(stream)
    if first == b"":
        raise FileProblem(_("The %(resource)s file is empty.") % {"resource": resource})
    try:
        if first in (b"[", b"{"):
            yield from _json_records(stream, resource=resource)
        else:
            yield from _csv_records(stream, resource=resource)
    except UnicodeDecodeError as exc:
        raise FileProblem(
            _("The %(resource)s file is not UTF-8 text (as data·inclusion publishes it).")
            % {"resource": resource}
        ) from exc


def _json_records(stream: IO[bytes], *, resource: str) -> Iterator[Record]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig")
    try:
        data = json.load(text)
    except json.JSONDecodeError as exc:
        raise FileProblem(
            _("The %(resource)s file is not valid JSON (%(error)s).") % {"resource": resource, "error": exc}
        ) from exc
    finally:
        text.detach()  # the caller's stream stays open
    if not isinstance(data, list):
        raise FileProblem(
            _("The %(resource)s JSON file must be a list of records, as data·inclusion publishes it.")
            % {"resource": resource}
        )
    for index, item in enumerate(data, start=1):
        where = _("record %(n)s") % {"n": index}
        if not isinstance(item, dict):
            record = Record(resource, where, {})
            record.messages = [_("Not a record (an object with fields).")]
            yield record
            continue
        yield Record(resource, where, {key: value for key, value in item.items() if value is not None})


def _csv_records(stream: IO[bytes], *, resource: str) -> Iterator[Record]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        header = text.readline()
        delimiter = ";" if header.count(";") > header.count(",") else ","
        columns = [name.strip() for name in next(csv.reader([header], delimiter=delimiter), [])]
        missing = [name for name in REQUIRED_COLUMNS[resource] if name not in columns]
        if missing:
            raise FileProblem(
                _("The %(resource)s file lacks the column(s) %(columns)s: is it data·inclusion's file?")
                % {"resource": resource, "columns": ", ".join(missing)}
            )
        reader = csv.DictReader(text, fieldnames=columns, delimiter=delimiter)
        yield from _csv_rows(reader, resource=resource)
    finally:
        text.detach()  # the caller's stream stays open


def _csv_rows(reader: csv.DictReader, *, resource: str) -> Iterator[Record]:
    arrays = ARRAY_FIELDS[resource]
    for row in reader:
        where = _("line %(n)s") % {"n": reader.line_num + 1}
        if None in row:
            record = Record(resource, where, {})
            record.messages = [_("More cells than columns.")]
            yield record
            continue
        raw = {}
        for key, value in row.items():
            if value is None or value.strip() == "":
                continue
            raw[key] = _list_cell(value) if key in arrays else value
        if raw:
            yield Record(resource, where, raw)


def _field_name(loc: tuple) -> str:
    return str(loc[0]) if loc else ""


def describe(exc: pydantic.ValidationError) -> list[str]:
    """The schema's errors as short messages: field, bad value, what is allowed."""
    messages: list[str] = []
    bad_codes: dict[str, list[str]] = {}
    seen_zone: set[int] = set()
    for error in exc.errors():
        loc, kind, value = error["loc"], error["type"], error.get("input")
        name = _field_name(loc)
        if name == "zone_eligibilite" and len(loc) > 1 and isinstance(loc[1], int):
            if loc[1] not in seen_zone:
                seen_zone.add(loc[1])
                bad_codes.setdefault(name, []).append(str(value))
            continue
        if kind == "enum":
            if name in ("thematiques", "publics", "modes_accueil"):
                bad_codes.setdefault(name, []).append(str(value))
            else:
                messages.append(
                    _field_says(
                        name,
                        _("“%(value)s” is not allowed. Allowed: %(allowed)s.")
                        % {"value": value, "allowed": error["ctx"]["expected"]},
                    )
                )
            continue
        messages.append(_field_says(name, _message(name, kind, value, error)))
    for name, values in bad_codes.items():
        text = bad_zone_codes(values) if name == "zone_eligibilite" else not_allowed(name, values)
        messages.append(_field_says(name, text))
    return messages


def _field_says(name: str, message: str) -> str:
    return _("%(field)s: %(message)s") % {"field": name, "message": message}


def _message(name: str, kind: str, value, error: dict) -> str:
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("required, missing.")
    if kind == "string_too_short":
        return _("“%(value)s” is too short (at least %(n)s characters).") % {
            "value": value,
            "n": ctx.get("min_length"),
        }
    if kind == "string_too_long":
        return _("too long (at most %(n)s characters).") % {"n": ctx.get("max_length")}
    if kind == "string_pattern_mismatch":
        return _("“%(value)s” does not have the expected form.") % {"value": value}
    if kind.startswith("url"):
        return _("“%(value)s” is not a web address.") % {"value": value}
    if kind.startswith("date"):
        return _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}
    if kind == "value_error" and name == "courriel":
        return _("“%(value)s” is not an e-mail address.") % {"value": value}
    if kind == "value_error" and name == "date_maj":
        return _("“%(value)s”: the last update must be between 2000 and today.") % {"value": value}
    if kind == "value_error" and name == "publics":
        return _("“tous-publics” cannot be combined with other publics.")
    if kind in ("list_type", "set_type"):
        return _("“%(value)s” is not a list of codes.") % {"value": value}
    return error["msg"]  # pydantic's own words for the rare rest
