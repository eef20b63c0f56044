"""The planning board and session pages: thin views over outreach.services.planning."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from outreach import access
from outreach.choices import SessionKind
from outreach.selectors import field_counts
from outreach.selectors import planning as planning_selectors
from outreach.services import planning
from outreach.timebands import PARIS
from planning.decorators import coordinator_required, plan_reader_required
from planning.forms import CopyForm, SessionForm, SlotFormSet


def _board_url() -> str:
    return reverse("planning:board")


def _day(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else planning.now_local().date()
    except ValueError:
        return planning.now_local().date()


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@plan_reader_required
def board(request: HttpRequest) -> HttpResponse:
    """The week's sessions per team, as a calendar grid and as a list."""
    team_id = _int(request.GET.get("team"))
    week = planning_selectors.week_board(
        user=request.user, day=_day(request.GET.get("week")), team_id=team_id
    )
    return render(
        request,
        "planning/board.html",
        {
            "week": week,
            "teams": access.teams_readable_by(request.user).filter(is_active=True),
            "team_id": team_id,
            "can_plan": access.is_planning_coordinator(request.user),
        },
    )


@plan_reader_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(planning_selectors.board_sessions(request.user), pk=pk)
    return render(
        request,
        "planning/session_detail.html",
        {
            "session": session,
            "route": planning_selectors.session_route(session),
            "head_counts": field_counts.head_counts(session) if session.kind == "street" else None,
            "slots": field_counts.slot_funnels(session) if session.kind == "digital" else None,
            "can_plan": access.sessions_manageable_by(request.user).filter(pk=pk).exists(),
        },
    )


def _session_kwargs(form: SessionForm) -> dict:
    data = form.cleaned_data
    start, end = planning.night_period(day=data["day"], start=data["start_time"], end=data["end_time"])
    return {
        "territory": data["territory"],
        "planned_start": start,
        "planned_end": end,
        "title": data["title"],
        "members": data["members"],
        "start_latitude": data["start_latitude"],
        "start_longitude": data["start_longitude"],
    }


@coordinator_required
def session_create(request: HttpRequest) -> HttpResponse:
    initial = {"day": _day(request.GET.get("day")), "start_time": "21:00", "end_time": "02:00"}
    if request.GET.get("team"):
        initial["team"] = _int(request.GET.get("team"))
    form = SessionForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            session = planning.create_session(
                actor=request.user,
                team=form.cleaned_data["team"],
                kind=form.cleaned_data["kind"],
                request=request,
                **_session_kwargs(form),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Session planned."))
            if session.kind == SessionKind.STREET:
                return redirect("planning:route", pk=session.pk)
            return redirect("planning:slots", pk=session.pk)
    return render(request, "planning/session_form.html", {"form": form, "session": None})


@coordinator_required
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.access_session(request.user, pk, manage=True)
    local_start = session.planned_start.astimezone(PARIS)
    initial = {
        "team": session.team_id,
        "kind": session.kind,
        "territory": session.territory_id,
        "title": session.title,
        "day": local_start.date(),
        "start_time": local_start.time(),
        "end_time": session.planned_end.astimezone(PARIS).time(),
        "members": list(session.members.all()),
        "start_latitude": session.start_latitude,
        "start_longitude": session.start_longitude,
    }
    form = SessionForm(request.POST or None, user=request.user, session=session, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            planning.update_session(
                actor=request.user, session=session, request=request, **_session_kwargs(form)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Session updated."))
            return redirect("planning:session", pk=session.pk)
    return render(request, "planning/session_form.html", {"form": form, "session": session})


@coordinator_required
def session_copy(request: HttpRequest, pk: int) -> HttpResponse:
    source = access.access_session(request.user, pk, manage=True)
    next_week = source.planned_start.astimezone(PARIS).date() + dt.timedelta(days=7)
    form = CopyForm(request.POST or None, initial={"day": next_week})
    if request.method == "POST" and form.is_valid():
        copy = planning.copy_session(
            actor=request.user, source=source, day=form.cleaned_data["day"], request=request
        )
        messages.success(
            request,
            _("Copied to %(date)s.") % {"date": copy.service_date.strftime("%d/%m/%Y")},
        )
        return redirect(f"{_board_url()}?week={copy.service_date.isoformat()}")
    return render(request, "planning/session_copy.html", {"form": form, "session": source})


@coordinator_required
@require_POST
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.access_session(request.user, pk, manage=True)
    try:
        planning.cancel_session(actor=request.user, session=session, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Session cancelled."))
    return redirect(f"{_board_url()}?week={session.service_date.isoformat()}")


@coordinator_required
def session_slots(request: HttpRequest, pk: int) -> HttpResponse:
    """Platforms and time slots of a digital session."""
    session = access.access_session(request.user, pk, manage=True, kind=SessionKind.DIGITAL)
    day = session.planned_start.astimezone(PARIS).date()
    initial = [
        {
            "platform": slot.platform_id,
            "start_time": slot.starts_at.astimezone(PARIS).time(),
            "end_time": slot.ends_at.astimezone(PARIS).time(),
        }
        for slot in session.digital_slots.order_by("starts_at")
    ]
    formset = SlotFormSet(request.POST or None, initial=initial, prefix="slots")
    if request.method == "POST" and formset.is_valid():
        slots = []
        for data in formset.cleaned_data:
            if not data or data.get("DELETE"):
                continue
            start, end = planning.night_period(day=day, start=data["start_time"], end=data["end_time"])
            if start < session.planned_start:
                # A slot after midnight belongs to the same night.
                start, end = start + dt.timedelta(days=1), end + dt.timedelta(days=1)
            slots.append(planning.PlannedSlot(data["platform"], start, end))
        try:
            planning.set_digital_slots(actor=request.user, session=session, slots=slots)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Slots saved."))
            return redirect("planning:session", pk=session.pk)
    return render(request, "planning/session_slots.html", {"formset": formset, "session": session})
