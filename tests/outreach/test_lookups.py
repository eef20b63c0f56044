"""`any_of`: the same rows as `__in`, on SQLite and PostgreSQL, through primary and foreign keys."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outreach.models import Concern, Contact
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_any_of_finds_what_in_finds():
    contacts = [ContactFactory() for _ in range(3)]
    contacts[0].concerns.set(Concern.objects.order_by("position")[:2])
    wanted = [contacts[0].pk, contacts[2].pk, 10**9]

    assert set(Contact.objects.filter(pk__any_of=wanted)) == set(Contact.objects.filter(pk__in=wanted))
    links = Contact.concerns.through.objects.filter(contact_id__any_of=wanted)
    assert sorted(links.values_list("concern_id", flat=True)) == sorted(
        contacts[0].concerns.values_list("pk", flat=True)
    )
    assert not Contact.objects.filter(pk__any_of=[]).exists()
    by_uuid = [contacts[1].uuid, uuid.uuid4()]
    assert list(Contact.objects.filter(uuid__any_of=by_uuid)) == [contacts[1]]


def test_on_postgresql_the_list_travels_as_one_array():
    contacts = [ContactFactory() for _ in range(5)]
    with CaptureQueriesContext(connection) as queries:
        found = list(Contact.objects.filter(pk__any_of=[c.pk for c in contacts]).values_list("pk", flat=True))
    assert sorted(found) == sorted(c.pk for c in contacts)
    sql = queries.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql
    else:
        assert " IN (" in sql
