"""Define, change, reorder and retire an organisation's own fields (coordinators only).

Every change is journalled and put in the sync change log so phones receive the definitions at
their next pull. Nothing here deletes: a field or a choice is retired, and the values recorded
with it stay on the records, keyed by the field's id and the choice's code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from outreach import journal
from outreach.models.custom_fields import (
    CHOICE_KINDS,
    NUMBER_LIMIT,
    CustomField,
    CustomFieldChoice,
    CustomFieldKind,
    CustomFieldTarget,
)
from outreach.models.sync import ChangeType
from outreach.services import change_log

MIN_CHOICES = 2
MAX_CHOICES = 40
MAX_ACTIVE_FIELDS = 30


@dataclass(frozen=True)
class ChoiceEdit:
    code: str
    label_fr: str
    label_en: str
    is_active: bool


@dataclass(frozen=True)
class Definition:
    """What a coordinator says about a field. `new_choices` are (French, English) label pairs."""

    label_fr: str
    label_en: str
    help_fr: str = ""
    help_en: str = ""
    min_value: int | None = None
    max_value: int | None = None
    reportable: bool = False
    new_choices: list[tuple[str, str]] = field(default_factory=list)
    choice_edits: list[ChoiceEdit] = field(default_factory=list)


def define_field(*, actor, target: str, kind: str, definition: Definition, request=None) -> CustomField:
    """A new field of the actor's organisation, placed last; raises ValidationError."""
    organisation_id = actor.organisation_id
    errors: dict[str, list[str]] = {}
    if target not in CustomFieldTarget.values:
        errors["target"] = [_("Choose where the field is recorded.")]
    if kind not in CustomFieldKind.values:
        errors["kind"] = [_("Choose the kind of field.")]
    active = CustomField.objects.filter(organisation_id=organisation_id, target=target, is_active=True)
    if active.count() >= MAX_ACTIVE_FIELDS:
        errors["__all__"] = [
            _("At most %(n)s fields in use at a time: retire one first.") % {"n": MAX_ACTIVE_FIELDS}
        ]
    if errors:
        raise ValidationError(errors)
    _check(definition, kind=kind, organisation_id=organisation_id, target=target, existing=None)
    with transaction.atomic():
        last = CustomField.objects.filter(organisation_id=organisation_id, target=target).aggregate(
            last=Max("position")
        )["last"]
        custom = CustomField.objects.create(
            organisation_id=organisation_id,
            target=target,
            kind=kind,
            position=0 if last is None else last + 1,
            **_scalars(definition, kind),
        )
        _add_choices(custom, definition.new_choices)
        _changed(custom, actor=actor, change="defined", request=request)
    return custom


def edit_field(*, actor, custom: CustomField, definition: Definition, request=None) -> CustomField:
    """Rename, change help, bounds, reportability and choices. Kind and target never change."""
    _check(
        definition,
        kind=custom.kind,
        organisation_id=custom.organisation_id,
        target=custom.target,
        existing=custom,
    )
    with transaction.atomic():
        for name, value in _scalars(definition, custom.kind).items():
            setattr(custom, name, value)
        custom.save()
        if custom.kind in CHOICE_KINDS:
            known = {choice.code: choice for choice in custom.choices.all()}
            for edit in definition.choice_edits:
                choice = known.get(edit.code)
                if choice is None:
                    continue
                choice.label_fr, choice.label_en = edit.label_fr.strip(), edit.label_en.strip()
                choice.is_active = edit.is_active
                choice.save()
            _add_choices(custom, definition.new_choices)
        _changed(custom, actor=actor, change="edited", request=request)
    return custom


def move_field(*, actor, custom: CustomField, step: int, request=None) -> None:
    """Move a field one place up (step -1) or down (+1) among its organisation's fields."""
    siblings = list(
        CustomField.objects.filter(organisation_id=custom.organisation_id, target=custom.target).order_by(
            "position", "pk"
        )
    )
    index = next(i for i, item in enumerate(siblings) if item.pk == custom.pk)
    other = index + (1 if step > 0 else -1)
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    with transaction.atomic():
        for position, item in enumerate(siblings):
            if item.position != position:
                item.position = position
                item.save(update_fields=["position", "updated_at"])
                change_log.append([_entry(item)])
        _changed(custom, actor=actor, change="moved", request=request, step=step)


def set_active(*, actor, custom: CustomField, active: bool, request=None) -> None:
    """Retire a field (phones stop asking for it; recorded values stay) or bring it back."""
    if active and not custom.is_active:
        in_use = CustomField.objects.filter(
            organisation_id=custom.organisation_id, target=custom.target, is_active=True
        ).count()
        if in_use >= MAX_ACTIVE_FIELDS:
            raise ValidationError(
                _("At most %(n)s fields in use at a time: retire one first.") % {"n": MAX_ACTIVE_FIELDS}
            )
    with transaction.atomic():
        custom.is_active = active
        custom.save(update_fields=["is_active", "updated_at"])
        _changed(custom, actor=actor, change="restored" if active else "retired", request=request)


def _scalars(definition: Definition, kind: str) -> dict:
    number = kind == CustomFieldKind.NUMBER
    return {
        "label_fr": definition.label_fr.strip(),
        "label_en": definition.label_en.strip(),
        "help_fr": definition.help_fr.strip(),
        "help_en": definition.help_en.strip(),
        "min_value": definition.min_value if number else None,
        "max_value": definition.max_value if number else None,
        "reportable": bool(definition.reportable) and kind in CHOICE_KINDS,
    }


def _check(definition: Definition, *, kind: str, organisation_id: int, target: str, existing) -> None:
    errors: dict[str, list[str]] = {}

    def error(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    for name in ("label_fr", "label_en"):
        if not getattr(definition, name).strip():
            error(name, _("This field is required."))
    same = CustomField.objects.filter(
        organisation_id=organisation_id,
        target=target,
        is_active=True,
        label_fr__iexact=definition.label_fr.strip(),
    )
    if existing is not None:
        same = same.exclude(pk=existing.pk)
    if definition.label_fr.strip() and same.exists():
        error("label_fr", _("Another field in use already has this label."))
    if kind == CustomFieldKind.NUMBER:
        for name in ("min_value", "max_value"):
            value = getattr(definition, name)
            if value is not None and not -NUMBER_LIMIT <= value <= NUMBER_LIMIT:
                error(name, _("Between -%(n)s and %(n)s.") % {"n": NUMBER_LIMIT})
        low, high = definition.min_value, definition.max_value
        if low is not None and high is not None and high < low:
            error("max_value", _("The maximum must not be below the minimum."))
    if definition.reportable and kind not in CHOICE_KINDS:
        error("reportable", _("Only a choice field can be reported to funders."))
    if kind in CHOICE_KINDS:
        labels = [(fr.strip(), en.strip()) for fr, en in definition.new_choices]
        if any(not fr or not en for fr, en in labels):
            error("choices", _("Each new choice needs a French and an English label."))
        kept = 0
        if existing is not None:
            edits = {edit.code: edit for edit in definition.choice_edits}
            for choice in existing.choices.all():
                edit = edits.get(choice.code)
                active = edit.is_active if edit else choice.is_active
                if edit and active and (not edit.label_fr.strip() or not edit.label_en.strip()):
                    error("choices", _("Each choice in use needs a French and an English label."))
                kept += active
        if kept + len(labels) < MIN_CHOICES:
            error("choices", _("A choice field needs at least %(n)s choices in use.") % {"n": MIN_CHOICES})
        total = len(labels) + (existing.choices.count() if existing is not None else 0)
        if total > MAX_CHOICES:
            error("choices", _("At most %(n)s choices.") % {"n": MAX_CHOICES})
    if errors:
        raise ValidationError(errors)


def _add_choices(custom: CustomField, labels: list[tuple[str, str]]) -> None:
    """New choices placed last, each with a code made once from its French label and kept forever."""
    existing = list(custom.choices.all())
    codes = {choice.code for choice in existing}
    position = max((choice.position for choice in existing), default=-1) + 1
    for label_fr, label_en in labels:
        base = slugify(label_fr)[:40] or "choice"
        code, n = base, 2
        while code in codes:
            code, n = f"{base}-{n}", n + 1
        codes.add(code)
        CustomFieldChoice.objects.create(
            field=custom, code=code, label_fr=label_fr.strip(), label_en=label_en.strip(), position=position
        )
        position += 1
    # Readers of `custom.choices.all()` after this must see the new rows.
    getattr(custom, "_prefetched_objects_cache", {}).pop("choices", None)


def _entry(custom: CustomField):
    return change_log.entry(ChangeType.FIELD, custom.pk, organisation_id=custom.organisation_id)


def _changed(custom: CustomField, *, actor, change: str, request=None, **detail) -> None:
    change_log.append([_entry(custom)])
    journal.log_custom_field_changed(actor=actor, field=custom, change=change, request=request, **detail)
