"""The database and the models hold the rules of head counts and digital funnels, whoever writes."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from outreach.models import DigitalSlot, PlatformCategory, SlotRequest, TallyMark
from tests.factories import ContactFactory, SessionFactory

pytestmark = pytest.mark.django_db


def refused(build) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        build()


def test_a_tap_is_removed_consistently_and_counts_as_one_contact_at_most():
    session = SessionFactory()
    base = {"session": session, "age_band": "15_17", "gender": "girl", "tapped_at": session.planned_start}
    refused(lambda: TallyMark.objects.create(uuid=uuid.uuid4(), removal="undo", **base))  # no time
    refused(lambda: TallyMark.objects.create(uuid=uuid.uuid4(), removed_at=session.planned_start, **base))
    refused(lambda: TallyMark.objects.create(uuid=uuid.uuid4(), **{**base, "age_band": "teen"}))
    contact = ContactFactory(session=session)
    kept = {"removal": "promoted", "removed_at": session.planned_start, "contact": contact}
    TallyMark.objects.create(uuid=uuid.uuid4(), **kept, **base)
    refused(lambda: TallyMark.objects.create(uuid=uuid.uuid4(), **kept, **base))
    refused(
        lambda: TallyMark.objects.create(
            uuid=uuid.uuid4(), removal="undo", removed_at=session.planned_start, contact=contact, **base
        )
    )


def slot(**counts) -> DigitalSlot:
    session = SessionFactory(kind="digital")
    return DigitalSlot(
        session=session,
        platform=PlatformCategory.objects.get(code="dating_app"),
        starts_at=session.planned_start,
        ends_at=session.planned_start + dt.timedelta(hours=1),
        **counts,
    )


def test_a_slots_funnel_is_checked_in_the_database_and_in_forms():
    refused(lambda: slot(conversations=1, orientations=2).save())
    made = slot(conversations=3, orientations=1)
    made.save()
    refused(lambda: SlotRequest.objects.create(slot=made, category="none", count=1))
    refused(lambda: SlotRequest.objects.create(slot=made, category="health", count=0))
    SlotRequest.objects.create(slot=made, category="health", count=3)
    made.full_clean()
    made.conversations = 2  # three requests out of two conversations
    with pytest.raises(ValidationError) as raised:
        made.full_clean()
    assert "__all__" in raised.value.message_dict
