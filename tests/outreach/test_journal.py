import pytest

from outreach import journal
from outreach.models import JournalEntry
from outreach.models.journal import JournalIsAppendOnly
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_entries_are_written_through_log_functions():
    user = UserFactory()
    entry = journal.log_export(user=user, what="funder report CSV", period="2026-10")
    assert entry.event == "export"
    assert entry.actor_username == user.username
    assert entry.detail == {"period": "2026-10"}


def test_an_entry_cannot_be_changed_or_deleted():
    entry = journal.log_login_failed(username="someone")
    entry.target = "tampered"
    with pytest.raises(JournalIsAppendOnly):
        entry.save()
    with pytest.raises(JournalIsAppendOnly):
        entry.delete()
    with pytest.raises(JournalIsAppendOnly):
        JournalEntry.objects.filter(pk=entry.pk).update(target="tampered")
    with pytest.raises(JournalIsAppendOnly):
        JournalEntry.objects.all().delete()
    assert JournalEntry.objects.get(pk=entry.pk).target == ""


def test_the_username_survives_the_account():
    user = UserFactory()
    journal.log_login(user=user)
    user.delete()
    entry = JournalEntry.objects.get(event="login")
    assert entry.actor is None
    assert entry.actor_username.startswith("user")
