"""A coordinator's recovery sheets (ADR 010): the state of each team's sheet; the sheet itself
is made and used in the browser (js/desk-recovery.js), never on the server."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from outreach.services.team_recovery import desk_summary
from planning.decorators import coordinator_required


@coordinator_required
def recovery(request: HttpRequest) -> HttpResponse:
    return render(request, "planning/recovery.html", {"teams": desk_summary(request.user)})
