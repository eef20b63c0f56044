"""The production server shared by the deployment tests (started once, only if a test asks)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.deploy.server import GunicornServer, collected_static
from tests.deploy.support import (
    PASSWORD,
    TEST_SECRET_KEY,
    USERNAME,
    create_database,
    drop_database,
    manage,
    require_postgres,
    unique_db_name,
)

REDIS_URL = "redis://127.0.0.1:6379/13"  # a database number of its own

CREATE_WORKER = f"""
from outreach.models import Organisation, Team, Territory, User
territory = Territory.objects.get(level="departement", code="59")
org = Organisation.objects.create(name="Association de test", kind="outreach")
team = Team.objects.create(organisation=org, name="Équipe Nord")
team.territories.set([territory])
User.objects.create_user(
    username={USERNAME!r}, password={PASSWORD!r}, role="worker", team=team, organisation=org
)
print("TERRITORY", territory.pk)
"""


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="session")
def production(tmp_path_factory):
    require_postgres()
    name = unique_db_name("http")
    env = {
        "DEBUG": "false",
        "SECRET_KEY": TEST_SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": create_database(name),
        "REAL_IP_HEADER": "X-Real-IP",
        "LOG_LEVEL": "WARNING",
    }
    if _redis_answers():  # the shared cache several app servers use
        # Keys of this run only (other runs share the Redis database): removed at the end.
        env.update(REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=name)
    server = None
    try:
        manage("migrate", "--no-input", "-v0", env=env)
        territory = int(manage("shell", "-v0", "-c", CREATE_WORKER, env=env).stdout.split()[-1])
        env["STATIC_ROOT"] = str(collected_static(env))
        logs = tmp_path_factory.mktemp("gunicorn")
        server = GunicornServer(env, logs / "a.log").start()
        yield SimpleNamespace(env=env, server=server, territory=territory, logs=logs)
    finally:
        if server:
            server.stop()
        drop_database(name)
        if "REDIS_URL" in env:
            import redis

            cache = redis.Redis.from_url(REDIS_URL)
            for key in cache.scan_iter(match=f"{name}:*", count=500):
                cache.delete(key)
