"""The contact rules called directly, without a sync batch (outreach/rules/contacts.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from outreach.rules import reasons
from outreach.rules.contacts import ContactInvalid, ContactRefs, validate_contact
from tests.factories import ContactFactory, HotspotFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def record(**data):
    values = {"occurred_at": timezone.now() - dt.timedelta(minutes=5), "age_band": "15_17", "gender": "girl"}
    values.update(data)
    return values


def refs_for(team, **ids):
    return ContactRefs.for_team(team, **ids)


def test_a_create_is_checked_without_a_batch_and_gets_the_defaults():
    worker = UserFactory()
    session = SessionFactory(team=worker.team)
    clean = validate_contact(record(), partial=False, session=session, refs=refs_for(worker.team))
    assert clean.values["level"] == "exchange"
    assert clean.links == {"concerns": [], "actions": [], "orientations": []}


def test_a_create_without_the_required_fields_names_each_of_them():
    session = SessionFactory()
    with pytest.raises(ContactInvalid) as caught:
        validate_contact({}, partial=False, session=session, refs=refs_for(session.team))
    assert caught.value.reason == reasons.INVALID
    assert set(caught.value.errors) == {"occurred_at", "age_band", "gender"}


def test_unknown_codes_are_refused_field_by_field():
    session = SessionFactory()
    with pytest.raises(ContactInvalid) as caught:
        validate_contact(
            record(age_band="teen", level="met", concerns=["nope"]),
            partial=False,
            session=session,
            refs=refs_for(session.team),
        )
    assert set(caught.value.errors) == {"age_band", "level", "concerns"}


def test_an_update_without_hotspot_keeps_a_hotspot_no_longer_offered():
    worker = UserFactory()
    retired = HotspotFactory(organisation=worker.organisation, is_active=False)
    contact = ContactFactory(session=SessionFactory(team=worker.team), hotspot=retired)
    clean = validate_contact(
        {"note": "Revue plus tard"},
        partial=True,
        existing=contact,
        session=contact.session,
        refs=refs_for(worker.team),
    )
    assert clean.values == {"note": "Revue plus tard"}


def test_an_update_is_checked_against_the_stored_fields():
    contact = ContactFactory(level="seen")
    with pytest.raises(ContactInvalid) as caught:
        validate_contact(
            {"person_code": "AB-12"},
            partial=True,
            existing=contact,
            session=contact.session,
            refs=refs_for(contact.team),
        )
    assert "person_code" in caught.value.errors


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("note", "son snap: lea_93"),
        ("note", "zéro six douze trente-quatre cinquante-six soixante-dix-huit"),
        ("note", "lea arobase gmail point com"),
        ("person_code", "0612345678"),
    ],
)
def test_identifiers_are_refused_with_their_own_reason(field, value):
    session = SessionFactory()
    with pytest.raises(ContactInvalid) as caught:
        validate_contact(
            record(**{field: value}), partial=False, session=session, refs=refs_for(session.team)
        )
    assert caught.value.reason == reasons.IDENTIFIER
    assert list(caught.value.errors) == [field]


def test_an_identifier_next_to_another_error_is_reported_as_invalid_with_both():
    session = SessionFactory()
    with pytest.raises(ContactInvalid) as caught:
        validate_contact(
            record(note="06 12 34 56 78", gender="x"),
            partial=False,
            session=session,
            refs=refs_for(session.team),
        )
    assert caught.value.reason == reasons.INVALID
    assert set(caught.value.errors) == {"note", "gender"}
