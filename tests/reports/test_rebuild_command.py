import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from outreach.models.rollups import ActivityRollup
from outreach.reporting import rollups
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_the_nightly_repair_recounts_recent_months_and_keeps_older_ones(capsys):
    old = ContactFactory(occurred_at=dt.datetime(2025, 1, 10, 22, tzinfo=dt.UTC))
    ContactFactory()
    rollups.rebuild_all()
    old_rows = set(
        ActivityRollup.objects.filter(service_date__lt="2025-02-01").values_list("dimension", "count")
    )
    old.delete()  # as the retention purge does: the aggregate of old months must stay
    ActivityRollup.objects.filter(service_date__gte=timezone.localdate() - dt.timedelta(days=40)).delete()
    call_command("rebuild_rollups", "--recent-days", "10")
    assert (
        set(ActivityRollup.objects.filter(service_date__lt="2025-02-01").values_list("dimension", "count"))
        == old_rows
    )
    assert ActivityRollup.objects.filter(
        service_date__gte=timezone.localdate() - dt.timedelta(days=10)
    ).exists()
    assert "Rebuilt" in capsys.readouterr().out


def test_recent_days_must_be_positive():
    with pytest.raises(CommandError):
        call_command("rebuild_rollups", "--recent-days", "0")
