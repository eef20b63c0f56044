"""Fixtures shared by the sync API tests."""

from __future__ import annotations

import pytest

from tests.api.sync_helpers import device_client, now
from tests.factories import SessionFactory, UserFactory


@pytest.fixture
def field():
    """A worker with an enrolled phone and a street session of their team under way."""
    worker = UserFactory()
    session = SessionFactory(team=worker.team, status="under_way", started_at=now())
    client, _device = device_client(worker)
    return worker, session, client
