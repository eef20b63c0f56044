import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from outreach.models import Concern, Contact, JournalEntry, OutreachSession, Team
from outreach.services.retention import purge_expired_contacts
from tests.factories import (
    ContactFactory,
    OrganisationFactory,
    PartnerServiceFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def _contact_days_ago(days: int, **kwargs) -> Contact:
    occurred = timezone.now().replace(microsecond=0) - dt.timedelta(days=days)
    # Built directly: TeamFactory's post-generation save warns under factory_boy 3.3.
    team = Team.objects.create(organisation=OrganisationFactory(), name=f"Team {days}")
    session = SessionFactory(team=team, planned_start=occurred - dt.timedelta(hours=1))
    return ContactFactory(session=session, occurred_at=occurred, **kwargs)


@override_settings(RETENTION_DAYS=365)
def test_contacts_older_than_retention_are_deleted_and_recent_ones_kept():
    old = _contact_days_ago(400)
    old.concerns.set(Concern.objects.all()[:2])
    old.orientations.add(PartnerServiceFactory())
    recent = _contact_days_ago(300)

    result = purge_expired_contacts()

    assert result.deleted == 1
    assert list(Contact.objects.values_list("pk", flat=True)) == [recent.pk]
    # The session that held the old contact (no identities) remains for activity counts.
    assert OutreachSession.objects.filter(pk=old.session_id).exists()


@override_settings(RETENTION_DAYS=365)
def test_purge_is_audited_with_count_and_cutoff():
    _contact_days_ago(400)
    _contact_days_ago(500)

    result = purge_expired_contacts()

    entry = JournalEntry.objects.get(event=JournalEntry.Event.RETENTION_PURGE)
    assert entry.detail["count"] == 2
    assert entry.actor_username == "system"
    assert result.cutoff.isoformat(timespec="seconds") in entry.target


@override_settings(RETENTION_DAYS=365)
def test_purge_with_nothing_expired_still_leaves_a_journal_entry():
    _contact_days_ago(10)

    assert purge_expired_contacts().deleted == 0
    assert Contact.objects.count() == 1
    entry = JournalEntry.objects.get(event=JournalEntry.Event.RETENTION_PURGE)
    assert entry.detail["count"] == 0


@override_settings(RETENTION_DAYS=365)
def test_command_dry_run_counts_without_deleting_or_auditing():
    _contact_days_ago(400)
    out = StringIO()

    call_command("purge_expired_contacts", "--dry-run", stdout=out)

    assert "would delete 1 contact(s)" in out.getvalue()
    assert Contact.objects.count() == 1
    assert not JournalEntry.objects.filter(event=JournalEntry.Event.RETENTION_PURGE).exists()


@override_settings(RETENTION_DAYS=365)
def test_command_deletes_expired_contacts():
    _contact_days_ago(400)
    out = StringIO()

    call_command("purge_expired_contacts", stdout=out)

    assert "deleted 1 contact(s) older than 365 days" in out.getvalue()
    assert Contact.objects.count() == 0
