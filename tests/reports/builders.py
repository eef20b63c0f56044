"""Builders for report tests: sessions and contacts on chosen dates, roll-ups kept up to date."""

from __future__ import annotations

import datetime as dt

from outreach.choices import SessionKind, SessionStatus
from outreach.models import Concern, Contact
from outreach.reporting.rollup_delta import contacts_changed
from outreach.reporting.rollups import sessions_changed
from tests.factories import ContactFactory, SessionFactory


def night(team, day: dt.date, *, territory, kind=SessionKind.STREET, hours: int = 4):
    start = dt.datetime(day.year, day.month, day.day, 20, tzinfo=dt.UTC)
    session = SessionFactory(
        team=team,
        kind=kind,
        territory=territory,
        planned_start=start,
        planned_end=start + dt.timedelta(hours=hours),
        service_date=day,
        status=SessionStatus.DONE,
        started_at=start,
        ended_at=start + dt.timedelta(hours=hours),
    )
    sessions_changed([session.pk])
    return session


def contacts(session, n: int, *, concerns: tuple[str, ...] = (), territory=None, **fields) -> list[Contact]:
    made = []
    for _ in range(n):
        contact = ContactFactory(
            session=session,
            service_date=session.service_date,
            territory=territory or session.territory,
            occurred_at=session.started_at + dt.timedelta(hours=1),
            **fields,
        )
        if concerns:
            contact.concerns.set(Concern.objects.filter(code__in=concerns))
        made.append(contact)
    contacts_changed([c.pk for c in made])
    return made
