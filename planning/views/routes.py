"""The route builder: pick stops from a list (or the map), say where the route starts, order
them, adjust by hand; and the team's base, where routes can start."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outreach import access, routing
from outreach.choices import RouteStart, SessionKind
from outreach.selectors import planning as planning_selectors
from outreach.services import routes
from planning.decorators import coordinator_required
from planning.formatting import kilometres
from planning.forms import LATITUDE, LONGITUDE, RouteForm


def _initial_start(session, route) -> dict:
    kind = route.start_kind
    if not kind:  # planned before the choice existed: it starts at its first stop
        kind = RouteStart.STOP if route.stops else (RouteStart.BASE if session.team.base else RouteStart.BEST)
    return {
        "start_kind": kind,
        "start_latitude": session.start_latitude,
        "start_longitude": session.start_longitude,
        "start_stop": route.stops[0].hotspot_id if route.stops else None,
    }


def _said_start(route) -> str:
    """What the distances assume, in a sentence (also in the message after saving)."""
    if route.start_kind == RouteStart.BASE:
        return _("from the team's base (%(name)s)") % {"name": route.start_name}
    if route.start_kind == RouteStart.POINT:
        return _("from the start point")
    if route.start_kind == RouteStart.BEST:
        return _("from %(name)s, the best start") % {"name": route.start_name}
    return _("from its first stop, %(name)s") % {"name": route.start_name}


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
    route = planning_selectors.session_route(session)
    current = {stop.hotspot_id: stop for stop in session.route_stops.all()}
    form = RouteForm(
        request.POST or None,
        hotspots=hotspots,
        current=current,
        team=session.team,
        initial=_initial_start(session, route),
    )
    if request.method == "POST" and form.is_valid():
        optimise = request.POST.get("action") == "optimise"
        try:
            stops = routes.set_route(
                actor=request.user,
                session=session,
                stops=[routes.PlannedStop(h, m) for h, m in form.chosen()],
                optimise=optimise,
                start=form.start_choice(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            session.refresh_from_db()
            route = planning_selectors.session_route(session)
            if optimise:
                text = _("Route ordered %(start)s: %(n)s stops, %(km)s, about %(min)d min in all.")
            else:
                text = _("Route saved %(start)s: %(n)s stops, %(km)s, about %(min)d min in all.")
            messages.success(
                request,
                text
                % {
                    "start": _said_start(route),
                    "n": len(stops),
                    "km": kilometres(route.metres),
                    "min": round(route.total_minutes),
                },
            )
            return redirect("planning:route", pk=session.pk)
    map_data = {
        "start": list(route.start) if route.start else None,
        "base": list(session.team.base) if session.team.base else None,
        "hotspots": [
            {"id": h.pk, "name": h.name, "lat": float(h.latitude), "lon": float(h.longitude)}
            for h in hotspots
        ],
        # The same figures the server's estimate uses (outreach.routing), so the live total the
        # script shows never drifts from the saved one.
        "earthRadiusM": routing.EARTH_RADIUS_M,
        "metresPerMinute": routing.WALKING_METRES_PER_MINUTE,
    }
    return render(
        request,
        "planning/route.html",
        {
            "session": session,
            "form": form,
            "route": route,
            "said_start": _said_start(route),
            "map_data": map_data,
            "tile_url": settings.MAP_TILE_URL,
            # OpenStreetMap's tile policy asks for this credit; other tile servers say their own.
            "tile_attribution": "© OpenStreetMap contributors"
            if "openstreetmap.org" in settings.MAP_TILE_URL
            else "",
        },
    )


class TeamBaseForm(forms.Form):
    base_name = forms.CharField(
        label=gettext_lazy("Name of the base"),
        max_length=120,
        required=False,
        help_text=gettext_lazy("The team's premises or where the van parks: a place, never a person's."),
    )
    base_latitude = forms.DecimalField(label=gettext_lazy("Latitude"), required=False, **LATITUDE)
    base_longitude = forms.DecimalField(label=gettext_lazy("Longitude"), required=False, **LONGITUDE)

    def clean(self):
        cleaned = super().clean()
        lat, lon = cleaned.get("base_latitude"), cleaned.get("base_longitude")
        if (lat is None) != (lon is None):
            self.add_error("base_longitude", gettext_lazy("Give both latitude and longitude, or neither."))
        if lat is not None and not cleaned.get("base_name"):
            self.add_error(
                "base_name", gettext_lazy("Name the base, so that routes can say where they start.")
            )
        return cleaned


@coordinator_required
def team_base(request: HttpRequest, pk: int) -> HttpResponse:
    team = access.access_team(request.user, pk)
    form = TeamBaseForm(
        request.POST or None,
        initial={
            "base_name": team.base_name,
            "base_latitude": team.base_latitude,
            "base_longitude": team.base_longitude,
        },
    )
    back = request.GET.get("next", "")
    if not back.startswith("/planning/"):
        back = ""
    if request.method == "POST" and form.is_valid():
        try:
            routes.set_team_base(
                actor=request.user,
                team=team,
                name=form.cleaned_data["base_name"],
                latitude=form.cleaned_data["base_latitude"],
                longitude=form.cleaned_data["base_longitude"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Base of %(team)s saved.") % {"team": team.name})
            return redirect(back or "planning:board")
    return render(request, "planning/team_base.html", {"team": team, "form": form, "back": back})
