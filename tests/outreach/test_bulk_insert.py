"""Rows inserted in bulk (COPY on PostgreSQL) and instances made without `Model.__init__`: the
same as Django's own way, field by field."""

from __future__ import annotations

import uuid

import pytest
from django.db.models import signals
from django.forms.models import model_to_dict

from outreach.models import Concern, Contact, Hotspot
from outreach.services.bulk_insert import Blank, insert_rows, insert_values
from outreach.timebands import hour_band
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def fields(session, **extra) -> dict:
    return {
        "uuid": uuid.uuid4(),
        "session_id": session.pk,
        "team_id": session.team_id,
        "territory_id": session.territory_id,
        "kind": session.kind,
        "occurred_at": session.planned_start,
        "service_date": session.service_date,
        "client_created_at": session.planned_start,
        "client_updated_at": session.planned_start,
        "age_band": "15_17",
        "gender": "girl",
        "hour_band": hour_band(session.planned_start),
        **extra,
    }


def test_a_blank_instance_equals_one_made_by_init():
    session = SessionFactory()
    values = fields(session)
    blank = Blank(Contact)(values, related={"session": session, "team": session.team})
    made = Contact(**values)
    assert model_to_dict(blank) == model_to_dict(made)
    assert {k: v for k, v in vars(blank).items() if k != "_state"} == {
        k: v for k, v in vars(made).items() if k != "_state"
    }
    assert blank._state.adding and blank._state.db is None
    # A callable default is called for each instance: two contacts never share one dict.
    other = Blank(Contact)(fields(session))
    assert blank.custom_values == {} and blank.custom_values is not other.custom_values
    # Related rows given are read without a query; others load as usual.
    assert blank.session is session and blank.team is session.team


def test_blank_instances_insert_like_bulk_create_ones():
    session = SessionFactory()
    blank = [Blank(Contact)(fields(session, person_code=f"AB-{i}")) for i in range(3)]
    made = [Contact(**fields(session, person_code=f"CD-{i}")) for i in range(3)]
    insert_rows(Contact, blank)
    Contact.objects.bulk_create(made)
    assert all(c.pk for c in blank)
    stored = {c.person_code: c for c in Contact.objects.all()}
    ignore = {"id", "uuid", "person_code", "created_at", "updated_at"}
    for i in range(3):
        a, b = model_to_dict(stored[f"AB-{i}"]), model_to_dict(stored[f"CD-{i}"])
        assert {k: v for k, v in a.items() if k not in ignore} == {
            k: v for k, v in b.items() if k not in ignore
        }


def test_a_blank_refuses_what_init_would_have_done_differently():
    session = SessionFactory()
    with pytest.raises(TypeError, match="attribute names"):
        Blank(Contact)({"team": session.team})

    def receiver(**kwargs):
        pass

    signals.post_init.connect(receiver, sender=Hotspot)
    try:
        with pytest.raises(TypeError, match="init signal"):
            Blank(Hotspot)
    finally:
        signals.post_init.disconnect(receiver, sender=Hotspot)


def test_plain_rows_are_inserted_without_instances():
    session = SessionFactory()
    contact = Contact.objects.create(**fields(session))

    concerns = list(Concern.objects.order_by("position")[:2])
    insert_values(
        Contact.concerns.through, ("contact_id", "concern_id"), [(contact.pk, c.pk) for c in concerns]
    )
    assert sorted(contact.concerns.values_list("pk", flat=True)) == sorted(c.pk for c in concerns)
