"""New contacts are added to their night's roll-up cells; counted ones make it recount. Either way
the roll-ups equal a full rebuild (see also the property test in test_rollups.py)."""

from __future__ import annotations

import pytest

from outreach.models import Action, ActivityRollup, Concern, Contact
from outreach.reporting import rollup_delta, rollups
from tests.factories import ContactFactory, PartnerServiceFactory, SessionFactory
from tests.reports.test_rollups import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def recounts(monkeypatch):
    """The buckets every recount was asked for, in order."""
    asked: list[set] = []
    real = rollups.refresh_buckets

    def spy(buckets):
        buckets = set(buckets)
        asked.append(buckets)
        return real(buckets)

    monkeypatch.setattr(rollups, "refresh_buckets", spy)
    return asked


def contact(session, **fields) -> Contact:
    made = ContactFactory(session=session, **fields)
    made.concerns.set(Concern.objects.order_by("position")[:2])
    made.actions.set(Action.objects.order_by("position")[:1])
    return made


def count(dimension: str, value: str = "") -> int:
    return sum(
        ActivityRollup.objects.filter(dimension=dimension, value=value).values_list("count", flat=True)
    )


def matches_a_rebuild() -> bool:
    incremental = snapshot()
    rollups.rebuild_all()
    return snapshot() == incremental


def test_new_contacts_are_added_to_their_night_without_a_recount(recounts):
    session = SessionFactory()
    first = [contact(session, person_code="AB1") for _ in range(3)]
    assert rollup_delta.contacts_changed([c.pk for c in first]) == 1
    more = [contact(session, person_code="AB1", age_band="13_14") for _ in range(2)]
    more[0].orientation_links.create(partner=PartnerServiceFactory())
    assert rollup_delta.contacts_changed([c.pk for c in more]) == 1

    assert all(not asked for asked in recounts)  # added, never recounted
    assert count("contacts") == 5 and count("age_band", "13_14") == 2 and count("oriented") == 1
    assert matches_a_rebuild()


def test_a_replayed_notification_counts_a_new_contact_once(recounts):
    session = SessionFactory()
    ids = [contact(session).pk for _ in range(2)]
    rollup_delta.contacts_changed(ids)
    rollup_delta.contacts_changed(ids)
    assert count("contacts") == 2
    assert recounts[-1] == {(session.team_id, session.service_date)}  # the replay recounts
    assert matches_a_rebuild()


def test_a_correction_recounts_the_night_and_new_contacts_in_it_are_counted_once(recounts):
    session = SessionFactory()
    old = contact(session, age_band="15_17")
    rollup_delta.contacts_changed([old.pk])
    Contact.objects.filter(pk=old.pk).update(age_band="18_21")
    new = contact(session, age_band="15_17")
    rollup_delta.contacts_changed([old.pk, new.pk])

    assert recounts[-1] == {(session.team_id, session.service_date)}
    assert count("contacts") == 2 and count("age_band", "18_21") == 1 and count("age_band", "15_17") == 1
    assert matches_a_rebuild()


def test_a_deleted_contact_leaves_the_rollups():
    session = SessionFactory()
    gone = contact(session)
    rollup_delta.contacts_changed([gone.pk])
    pk = gone.pk
    gone.delete()
    rollup_delta.contacts_changed([pk])
    assert count("contacts") == 0
    assert matches_a_rebuild()
