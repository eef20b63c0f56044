"""Two app servers behind one address share what must be shared: sign-in lockouts and the
enrolment limit live in Redis, so a client moving between servers gains nothing. (Sessions:
test_gunicorn_production.py::test_a_second_app_server_serves_the_same_session; the sync under
load on two servers: bench/load.py --servers 2.)"""

from __future__ import annotations

import pytest

from tests.deploy.phone import ENROL, Phone
from tests.deploy.server import GunicornServer
from tests.deploy.support import manage

pytestmark = pytest.mark.slow
PASSWORD = "Autre-nuit-de-maraude-2026!"


@pytest.fixture(scope="module")
def two_servers(production):
    if "REDIS_URL" not in production.env:
        pytest.skip("Redis unreachable: several app servers need it")
    second = GunicornServer(production.env, production.logs / "second.log").start()
    try:
        yield production.server, second
    finally:
        second.stop()


def _user(production, username: str) -> None:
    manage(
        "shell",
        "-v0",
        "-c",
        "from outreach.models import Team, User\n"
        "team = Team.objects.get(name='Équipe Nord')\n"
        f"User.objects.create_user(username={username!r}, password={PASSWORD!r}, role='worker', "
        "team=team, organisation=team.organisation)",
        env=production.env,
    )


def _enrol(port: int, ip: str, username: str, password: str = PASSWORD):
    return Phone(port, real_ip=ip).request(
        "POST", ENROL, {"username": username, "password": password, "label": "Téléphone"}
    )


def test_failed_sign_ins_on_one_server_lock_the_account_on_the_other(two_servers, production):
    first, second = two_servers
    _user(production, "lockout-worker")
    for _ in range(5):  # LOGIN_FAILURE_LIMIT
        assert _enrol(first.port, "198.51.100.7", "lockout-worker", "wrong").status == 401

    answer = _enrol(second.port, "198.51.100.8", "lockout-worker")

    assert answer.status == 429
    assert answer.body["code"] == "login_locked"


def test_the_enrolment_limit_per_address_counts_across_servers(two_servers, production):
    first, second = two_servers
    _user(production, "throttle-worker")
    for n in range(10):  # 10 a minute per address
        server = first if n % 2 else second
        assert _enrol(server.port, "198.51.100.20", "throttle-worker").status == 201

    answer = _enrol(first.port, "198.51.100.20", "throttle-worker")

    assert answer.status == 429
    assert answer.body["code"] == "throttled"
