"""The sync engine's rules, exercised in the browser against the real API."""

from __future__ import annotations

import pytest

from outreach.models import Contact
from tests.frontend.fieldapp import (
    go_online,
    log_contact,
    pending_count,
    sign_in,
    start_planned_session,
    wait_synced,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
]


def test_backoff_doubles_from_two_seconds_to_five_minutes_with_jitter(page, live_server, transactional_db):
    page.goto(f"{live_server.url}/app/")
    delays = page.evaluate(
        """async () => {
      const { backoffDelay } = await import('/static/frontend_pwa/js/sync.js');
      return [1, 2, 3, 4, 12, 30].map((n) => [backoffDelay(n, () => 0), backoffDelay(n, () => 1)]);
    }"""
    )
    assert delays == [
        [1000, 2000],
        [2000, 4000],
        [4000, 8000],
        [8000, 16000],
        [150000, 300000],
        [150000, 300000],
    ]


def test_batches_over_the_server_limit_are_split_and_all_arrive(page, context, live_server, world, settings):
    settings.SYNC_PUSH_MAX_OPERATIONS = 2
    sign_in(page, live_server.url, world.worker.username)
    context.set_offline(True)
    start_planned_session(page, "Maraude gare")
    for _ in range(4):
        log_contact(page)
    assert pending_count(page) == "5"
    go_online(page, context)
    wait_synced(page)
    assert Contact.objects.count() == 4
