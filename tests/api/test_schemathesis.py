"""Schemathesis against a live server: every answer the API gives matches its OpenAPI schema.

gunicorn serves the app with production settings on a fresh database (a SQLite file, or a
PostgreSQL database when the suite runs on PostgreSQL); the calls carry a real device token, so
push and pull run their real code. Checked: no server error, every status code, content type,
header and body as the schema says, for schema-valid and schema-breaking inputs alike.
"""

from __future__ import annotations

import os

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.deploy.server import GunicornServer, collected_static
from tests.deploy.support import (
    PASSWORD,
    TEST_SECRET_KEY,
    USERNAME,
    create_database,
    drop_database,
    manage,
    unique_db_name,
)

pytestmark = [pytest.mark.slow]

# A worker with a street session under way and a hotspot, so pushes can succeed too.
WORLD = f"""
import datetime as dt, json
from django.utils import timezone
from outreach.models import Hotspot, Organisation, OutreachSession, Team, Territory, User
from outreach.timebands import service_date
territory = Territory.objects.get(level="departement", code="59")
org = Organisation.objects.create(name="Association de test", kind="outreach")
team = Team.objects.create(organisation=org, name="Équipe Nord")
team.territories.set([territory])
User.objects.create_user(
    username={USERNAME!r}, password={PASSWORD!r}, role="worker", team=team, organisation=org
)
start = timezone.now() - dt.timedelta(hours=1)
session = OutreachSession.objects.create(
    team=team, kind="street", status="under_way", territory=territory, planned_start=start,
    planned_end=start + dt.timedelta(hours=4), started_at=start, service_date=service_date(start),
)
Hotspot.objects.create(
    organisation=org, territory=territory, name="Gare", kind="station", latitude=50.63, longitude=3.07
)
print(json.dumps({{"session": str(session.uuid)}}))
"""
EXAMPLES = 40  # per operation and generation mode
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def live_api(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("schemathesis")
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    name = unique_db_name("schemathesis") if on_postgres else None
    url = create_database(name) if name else f"sqlite:///{tmp / 'api.sqlite3'}"
    env = {
        "DEBUG": "false",
        "SECRET_KEY": TEST_SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": url,
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }
    server = None
    try:
        manage("migrate", "--no-input", "-v0", env=env)
        manage("shell", "-v0", "-c", WORLD, env=env)
        env["STATIC_ROOT"] = str(collected_static(env))
        server = GunicornServer(env, tmp / "gunicorn.log", workers=1).start()
        base = f"http://127.0.0.1:{server.port}"
        enrolled = requests.post(
            f"{base}/api/v1/devices/enrol",
            json={"username": USERNAME, "password": PASSWORD, "label": "Schemathesis"},
            timeout=30,
        )
        assert enrolled.status_code == 201, enrolled.text
        yield base, enrolled.json()["token"], server
    finally:
        if server:
            server.stop()
        if name:
            drop_database(name)


def test_every_answer_matches_the_schema(live_api):
    """Schema-valid inputs (positive) and schema-breaking ones (negative), for every operation."""
    base, token, server = live_api
    schema = schemathesis.openapi.from_url(f"{base}/api/schema/?format=json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} >= {"POST /api/v1/sync/push", "GET /api/v1/sync/pull"}
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        for operation in operations:
            check_operation(operation, mode, base=base, token=token, server=server)


def check_operation(operation, mode, *, base: str, token: str, server: GunicornServer) -> None:
    """EXAMPLES generated calls of one operation, each answer validated against the schema."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def call(case):
        try:
            case.call_and_validate(base_url=base, headers={"Authorization": f"Device {token}"}, checks=CHECKS)
        except Exception as exc:
            raise AssertionError(f"{operation.label} ({mode}): {exc}\n{server.output()[-2000:]}") from exc

    call()
