"""The organisation's own fields: list, define, edit, reorder, retire (coordinators only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from outreach import access
from outreach.models.custom_fields import CustomFieldTarget
from outreach.services import custom_fields
from planning.custom_field_forms import CustomFieldForm
from planning.decorators import coordinator_required


@coordinator_required
def field_list(request: HttpRequest) -> HttpResponse:
    rows = (
        access.custom_fields_manageable_by(request.user)
        .prefetch_related("choices")
        .order_by("target", "position", "pk")
    )
    groups = [
        (value, label, [row for row in rows if row.target == value])
        for value, label in CustomFieldTarget.choices
    ]
    return render(request, "planning/custom_field_list.html", {"groups": groups})


@coordinator_required
def field_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    field = None
    if pk is not None:
        field = get_object_or_404(access.custom_fields_manageable_by(request.user), pk=pk)
    form = CustomFieldForm(request.POST or None, field=field)
    if request.method == "POST" and form.is_valid():
        try:
            if field is None:
                custom_fields.define_field(
                    actor=request.user,
                    target=form.cleaned_data["target"],
                    kind=form.cleaned_data["kind"],
                    definition=form.definition(),
                    request=request,
                )
            else:
                custom_fields.edit_field(
                    actor=request.user, custom=field, definition=form.definition(), request=request
                )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Field saved. Phones receive it at their next sync."))
            return redirect("planning:fields")
    return render(request, "planning/custom_field_form.html", {"form": form, "field": field})


@require_POST
@coordinator_required
def field_move(request: HttpRequest, pk: int) -> HttpResponse:
    field = get_object_or_404(access.custom_fields_manageable_by(request.user), pk=pk)
    step = 1 if request.POST.get("direction") == "down" else -1
    custom_fields.move_field(actor=request.user, custom=field, step=step, request=request)
    return redirect("planning:fields")


@require_POST
@coordinator_required
def field_retire(request: HttpRequest, pk: int) -> HttpResponse:
    field = get_object_or_404(access.custom_fields_manageable_by(request.user), pk=pk)
    active = request.POST.get("active") == "1"
    try:
        custom_fields.set_active(actor=request.user, custom=field, active=active, request=request)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if active:
            messages.success(request, _("“%(field)s” is in use again.") % {"field": field.label})
        else:
            messages.success(
                request,
                _("“%(field)s” is retired: phones no longer ask for it; recorded values are kept.")
                % {"field": field.label},
            )
    return redirect("planning:fields")
