"""The coordinator's session page shows what the field counted: head counts and slot funnels."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse

from outreach.models import DigitalSlot, PlatformCategory, SessionTally, SlotRequest, TallyMark
from tests.factories import ContactFactory, CoordinatorFactory, SessionFactory, TeamFactory, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    team = TeamFactory()
    sign_in(client, CoordinatorFactory(organisation=team.organisation))
    client.cookies["django_language"] = "en"
    return client, team


def mark(session, age_band, gender, removal="", contact=None):
    return TallyMark.objects.create(
        uuid=uuid.uuid4(),
        session=session,
        age_band=age_band,
        gender=gender,
        tapped_at=session.planned_start,
        removal=removal,
        removed_at=session.planned_start if removal else None,
        contact=contact,
    )


def test_head_counts_add_taps_still_counting_and_the_debriefs_tallies(signed_in):
    client, team = signed_in
    session = SessionFactory(team=team)
    for _ in range(3):
        mark(session, "15_17", "girl")
    mark(session, "13_14", "boy")
    mark(session, "13_14", "boy", removal="undo")
    mark(session, "15_17", "girl", removal="promoted", contact=ContactFactory(session=session))
    SessionTally.objects.create(session=session, age_band="15_17", gender="girl", count=2)
    page = client.get(reverse("planning:session", args=[session.pk])).content.decode()
    assert 'data-head-counts="6"' in page
    assert "6 young people counted (taps and debrief), besides 1 counted as contacts" in page
    assert "1 taps undone" in page


def test_each_slot_shows_its_funnel(signed_in):
    client, team = signed_in
    session = SessionFactory(team=team, kind="digital")
    slot = DigitalSlot.objects.create(
        session=session,
        platform=PlatformCategory.objects.get(code="messaging"),
        starts_at=session.planned_start,
        ends_at=session.planned_start + dt.timedelta(hours=1),
        profiles_spotted=17,
        messages_sent=9,
        conversations=4,
        orientations=2,
    )
    SlotRequest.objects.create(slot=slot, category="housing", count=3)
    page = client.get(reverse("planning:session", args=[session.pk])).content.decode()
    row = page[page.index(f'data-slot="{slot.uuid}"') :].split("</tr>")[0]
    assert [cell.split("</td>")[0] for cell in row.split("<td>")[1:]] == ["17", "9", "4", "Housing 3", "2"]


def test_the_activity_review_counts_each_sessions_taps_still_counting(signed_in):
    client, team = signed_in
    session = SessionFactory(team=team)
    ContactFactory(session=session)
    for _ in range(4):
        mark(session, "15_17", "girl")
    mark(session, "15_17", "girl", removal="undo")
    day = session.service_date.isoformat()
    page = client.get(reverse("planning:activity"), {"start": day, "end": day}).content.decode()
    row = page[page.index(reverse("planning:session", args=[session.pk])) :].split("</tr>")[0]
    cells = [cell.split("</td>")[0] for cell in row.split('<td class="num">')[1:]]
    assert cells[:3] == ["1", "1", "4"]  # contacts, exchanges, head counts
