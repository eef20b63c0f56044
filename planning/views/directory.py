"""The partner directory: list, edit, CSV import and export."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach import access, journal
from outreach.choices import PartnerCategory
from outreach.models import Territory
from outreach.selectors.directory import directory
from outreach.services import places
from outreach.services.directory_csv import COLUMNS, export_directory, import_directory
from planning.decorators import coordinator_required, plan_reader_required
from planning.forms import DirectoryImportForm, PartnerForm


@plan_reader_required
def directory_list(request: HttpRequest) -> HttpResponse:
    category = request.GET.get("category", "")
    if category not in PartnerCategory.values:
        category = ""
    try:
        territory_id = int(request.GET.get("territory") or 0) or None
    except ValueError:
        territory_id = None
    services = directory(
        user=request.user,
        category=category,
        territory_id=territory_id,
        text=request.GET.get("q", ""),
    )
    territories = Territory.objects.filter(
        pk__in=access.partners_visible_to(request.user).values("territory_id")
    ).order_by("level", "name")
    return render(
        request,
        "planning/directory_list.html",
        {
            "services": services,
            "categories": PartnerCategory.choices,
            "category": category,
            "territories": territories,
            "territory_id": territory_id,
            "q": request.GET.get("q", ""),
            "can_edit": access.is_planning_coordinator(request.user),
        },
    )


@coordinator_required
def partner_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    service = None
    if pk is not None:
        service = access.access_partner(request.user, pk, manage=True)
    form = PartnerForm(request.POST or None, instance=service, user=request.user)
    if request.method == "POST" and form.is_valid():
        places.save_partner(
            actor=request.user, service=form.save(commit=False), fields=form.changed_data, request=request
        )
        messages.success(request, _("Partner service saved."))
        return redirect("planning:directory")
    return render(request, "planning/partner_form.html", {"form": form, "service": service})


@coordinator_required
def directory_import(request: HttpRequest) -> HttpResponse:
    form = DirectoryImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = import_directory(
            actor=request.user,
            data=form.cleaned_data["file"].read(),
            skip_invalid=form.cleaned_data["skip_invalid"],
            request=request,
        )
        if result.written:
            messages.success(
                request,
                _(
                    "Directory imported: %(created)s added, %(updated)s updated, %(unchanged)s "
                    "unchanged, %(shared)s shared national services left as they are."
                )
                % {
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                    "shared": result.shared,
                },
            )
            if result.ok:
                return redirect("planning:directory")
    return render(
        request,
        "planning/directory_import.html",
        {"form": form, "result": result, "columns": COLUMNS},
    )


@coordinator_required
def directory_export(request: HttpRequest) -> HttpResponse:
    services = access.partners_visible_to(request.user).select_related("territory")
    journal.log_export(
        user=request.user, what="partner directory CSV", request=request, rows=services.count()
    )
    response = HttpResponse(
        "\ufeff" + export_directory(services.order_by("category", "name", "pk")),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="annuaire-partenaires-{stamp}.csv"'
    return response
