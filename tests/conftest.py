"""Shared fixtures. Builders live in tests/factories.py."""

import pytest


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (login throttling state lives there)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language (French).

    A request through the test client leaves its language active in the thread: without this, a
    test's French message would depend on which test ran before it.
    """
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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
