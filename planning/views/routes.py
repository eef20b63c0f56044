"""The route builder: pick stops from a list (or the map), order them, adjust by hand."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from outreach import access
from outreach.choices import SessionKind
from outreach.selectors import planning as planning_selectors
from outreach.services import planning
from planning.decorators import coordinator_required
from planning.forms import RouteForm


@coordinator_required
def route_builder(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(
        access.sessions_manageable_by(request.user).select_related("team", "territory"),
        pk=pk,
        kind=SessionKind.STREET,
    )
    hotspots = list(
        access.hotspots_manageable_by(request.user)
        .filter(is_active=True)
        .select_related("territory")
        .order_by("name")
    )
    current = {stop.hotspot_id: stop for stop in session.route_stops.all()}
    form = RouteForm(
        request.POST or None,
        hotspots=hotspots,
        current=current,
        initial={
            "start_latitude": session.start_latitude,
            "start_longitude": session.start_longitude,
        },
    )
    if request.method == "POST" and form.is_valid():
        start = None
        lat, lon = form.cleaned_data["start_latitude"], form.cleaned_data["start_longitude"]
        if lat is not None and lon is not None:
            start = (lat, lon)
        optimise = request.POST.get("action") == "optimise"
        try:
            stops = planning.set_route(
                actor=request.user,
                session=session,
                stops=[planning.PlannedStop(h, m) for h, m in form.chosen()],
                optimise=optimise,
                start=start,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            session.refresh_from_db()
            route = planning_selectors.session_route(session)
            if optimise:
                text = _("Route ordered: %(n)s stops, %(km).1f km, about %(min)d min in all.")
            else:
                text = _("Route saved: %(n)s stops, %(km).1f km, about %(min)d min in all.")
            messages.success(
                request,
                text % {"n": len(stops), "km": route.kilometres, "min": round(route.total_minutes)},
            )
            return redirect("planning:route", pk=session.pk)
    route = planning_selectors.session_route(session)
    map_data = {
        "start": list(route.start) if route.start else None,
        "hotspots": [
            {"id": h.pk, "name": h.name, "lat": float(h.latitude), "lon": float(h.longitude)}
            for h in hotspots
        ],
    }
    return render(
        request,
        "planning/route.html",
        {
            "session": session,
            "form": form,
            "route": route,
            "map_data": map_data,
            "tile_url": settings.MAP_TILE_URL,
            # OpenStreetMap's tile policy asks for this credit; other tile servers say their own.
            "tile_attribution": "© OpenStreetMap contributors"
            if "openstreetmap.org" in settings.MAP_TILE_URL
            else "",
        },
    )
