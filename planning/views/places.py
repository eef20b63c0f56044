"""Hotspots and the coverage view."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from outreach import access
from outreach.selectors.coverage import NIGHT_BANDS, coverage
from outreach.services import places
from planning.decorators import coordinator_required, plan_reader_required
from planning.forms import HotspotForm, PeriodForm

WEEKDAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@plan_reader_required
def hotspot_list(request: HttpRequest) -> HttpResponse:
    hotspots = access.hotspots_visible_to(request.user).select_related("territory")
    show = request.GET.get("show", "active")
    if show == "active":
        hotspots = hotspots.filter(is_active=True)
    return render(
        request,
        "planning/hotspot_list.html",
        {
            "hotspots": hotspots.order_by("territory__name", "name"),
            "show": show,
            "can_edit": access.is_planning_coordinator(request.user),
        },
    )


@coordinator_required
def hotspot_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    hotspot = None
    if pk is not None:
        hotspot = access.access_hotspot(request.user, pk, manage=True)
    form = HotspotForm(request.POST or None, request.FILES or None, instance=hotspot, user=request.user)
    if request.method == "POST" and form.is_valid():
        places.save_hotspot(
            actor=request.user,
            hotspot=form.save(commit=False),
            fields=form.changed_data,
            photo=form.cleaned_data.get("photo_upload"),
            remove_photo=bool(form.cleaned_data.get("remove_photo")),
            request=request,
        )
        messages.success(request, _("Hotspot saved."))
        return redirect("planning:hotspots")
    return render(request, "planning/hotspot_form.html", {"form": form, "hotspot": hotspot})


@plan_reader_required
def hotspot_photo(request: HttpRequest, pk: int) -> FileResponse:
    """A hotspot's photo, only to people of its organisation (never a public media URL: the
    places a team watches are themselves sensitive)."""
    hotspot = access.access_hotspot(request.user, pk)
    if not hotspot.photo:
        raise Http404
    response = FileResponse(hotspot.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@coordinator_required
def coverage_view(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None, user=request.user)
    start, end = form.period()
    territory = form.cleaned_data.get("territory") if form.is_bound and form.is_valid() else None
    result = coverage(
        user=request.user, start=start, end=end, territory_id=territory.pk if territory else None
    )
    return render(
        request,
        "planning/coverage.html",
        {
            "form": form,
            "coverage": result,
            "bands": [band.label for band in NIGHT_BANDS],
            "weekdays": [_(label) for label in WEEKDAY_LABELS],
        },
    )
