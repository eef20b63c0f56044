"""Import of the official partner directory (data·inclusion's structures and services files)."""

from __future__ import annotations

import io

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from outreach.choices import TerritoryLevel
from outreach.models import Territory
from outreach.selectors.directory import recent_imports
from outreach.services.data_inclusion import FileProblem, import_data_inclusion, organisation_departements
from planning.decorators import coordinator_required

# data·inclusion's dataset on data.gouv.fr ("Référentiel de l'offre d'insertion").
DATASET_URL = "https://www.data.gouv.fr/fr/datasets/6233723c2c1e4a54af2f6b2d/"


class DataInclusionForm(forms.Form):
    structures = forms.FileField(
        label=_("Structures file"),
        help_text=_("structures-inclusion-….json or .csv"),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.csv,application/json,text/csv"}),
    )
    services = forms.FileField(
        label=_("Services file"),
        help_text=_("services-inclusion-….json or .csv"),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.csv,application/json,text/csv"}),
    )
    dry_run = forms.BooleanField(
        label=_("Preview only: show what would change, change nothing"), required=False
    )


@coordinator_required
def data_inclusion_import(request: HttpRequest) -> HttpResponse:
    organisation = request.user.organisation
    form = DataInclusionForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        structures, services = form.cleaned_data["structures"], form.cleaned_data["services"]
        try:
            report = import_data_inclusion(
                organisation=organisation,
                structures=io.BytesIO(structures.read()),
                services=io.BytesIO(services.read()),
                actor=request.user,
                request=request,
                dry_run=form.cleaned_data["dry_run"],
                files=f"{structures.name} {services.name}",
            )
        except FileProblem as exc:
            form.add_error(None, str(exc))
    departements = Territory.objects.filter(
        level=TerritoryLevel.DEPARTEMENT, code__in=organisation_departements(organisation)
    ).order_by("code")
    return render(
        request,
        "planning/directory_data_inclusion.html",
        {
            "form": form,
            "report": report,
            "departements": departements,
            "recent": recent_imports(organisation.pk),
            "dataset_url": DATASET_URL,
            "upload_limit_mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024),
        },
    )
