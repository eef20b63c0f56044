"""Fixtures shared by the planning pages' tests: a coordinator of a team, signed in (English)."""

import pytest

from tests.factories import CoordinatorFactory, TeamFactory, sign_in


@pytest.fixture
def coordinator():
    team = TeamFactory()
    return CoordinatorFactory(organisation=team.organisation)


@pytest.fixture
def signed_in(client, coordinator):
    sign_in(client, coordinator)
    client.cookies["django_language"] = "en"
    return client
