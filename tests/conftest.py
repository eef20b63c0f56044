"""Shared fixtures. Builders live in tests/factories.py."""

import pytest


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (login throttling state lives there)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """Browser runs use a file for the SQLite test database instead of memory.

    The live server answers several browser requests at once; an in-memory database would be one
    connection shared by all of its threads (and the test's), which SQLite cannot do safely.
    """
    from django.conf import settings

    db = settings.DATABASES["default"]
    browser_run = any(item.get_closest_marker("browser") for item in request.session.items)
    if browser_run and db["ENGINE"] == "django.db.backends.sqlite3":
        db.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")
