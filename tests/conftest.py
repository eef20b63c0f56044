"""Shared fixtures. Builders live in tests/factories.py."""

import pytest


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (login throttling state lives there)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
