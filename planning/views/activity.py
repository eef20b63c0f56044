"""A coordinator's review of recent sessions and contacts of their organisation."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from outreach import journal
from outreach.selectors.activity import (
    CONTACT_ROWS_LIMIT,
    ActivityFilter,
    activity_contacts,
    activity_sessions,
)
from outreach.selectors.custom_values import describe_all
from planning.decorators import coordinator_required
from planning.forms import ActivityForm


@coordinator_required
def activity(request: HttpRequest) -> HttpResponse:
    form = ActivityForm(request.GET or None, user=request.user)
    start, end = form.period()
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = ActivityFilter(
        start=start,
        end=end,
        team_id=data["team"].pk if data.get("team") else None,
        territory_id=data["territory"].pk if data.get("territory") else None,
        kind=data.get("kind", ""),
    )
    contacts = list(activity_contacts(user=request.user, filters=filters)[: CONTACT_ROWS_LIMIT + 1])
    describe_all(contacts, request.user.organisation_id)
    # Reading rows with team notes is a sensitive view: journal it.
    journal.log_report_view(
        user=request.user,
        what="team activity",
        request=request,
        start=start.isoformat(),
        end=end.isoformat(),
        team=filters.team_id,
        territory=filters.territory_id,
        kind=filters.kind,
    )
    return render(
        request,
        "planning/activity.html",
        {
            "form": form,
            "filters": filters,
            "sessions": activity_sessions(user=request.user, filters=filters),
            "contacts": contacts[:CONTACT_ROWS_LIMIT],
            "truncated": len(contacts) > CONTACT_ROWS_LIMIT,
        },
    )
