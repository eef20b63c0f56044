"""Faults under a real deployment, each counted in records lost and duplicated (both must be 0).

* A gunicorn worker SIGKILLed while a push is in flight: before its transaction commits, and
  after the commit but before the answer. The phone (tests/deploy/phone.py) resends the same
  batch, as the protocol asks.
* PostgreSQL restarted in the middle of a push, and down for a while: the API answers 503 with
  Retry-After (never 500), the phone waits and resends, and everything arrives once. This uses a
  private PostgreSQL cluster (tests/deploy/private_postgres.py): the shared server is never
  restarted.

A database lock held by the test parks the push at a known point (waiting for the lock), so the
fault strikes mid-request every time, without sleeping and hoping.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from types import SimpleNamespace

import psycopg
import pytest

from tests.deploy import private_postgres
from tests.deploy.conftest import CREATE_WORKER
from tests.deploy.phone import PUSH, Phone, contact_create, session_start
from tests.deploy.server import NGINX, GunicornServer, NginxServer, collected_static
from tests.deploy.support import PASSWORD, TEST_SECRET_KEY, USERNAME, manage

pytestmark = pytest.mark.slow
WAIT = 60  # seconds: a ceiling for a busy machine, never a sleep
WAITING_ON_LOCK = (
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
    "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
)


def wait_until(condition, what: str, timeout: float = WAIT):
    """Polls `condition` until it returns something truthy (returned), or fails saying `what`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def lost_and_duplicated(database_url: str, sent: list[str]) -> tuple[int, int]:
    """(records sent but not stored, stored rows beyond one per record sent)."""
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT uuid::text, COUNT(*) FROM outreach_contact WHERE uuid = ANY(%s::uuid[]) GROUP BY uuid",
            [sent],
        ).fetchall()
    stored = dict(rows)
    return sum(1 for u in sent if u not in stored), sum(n - 1 for n in stored.values())


def night(territory: int, contacts: int) -> tuple[list[dict], list[str]]:
    """An ad hoc session started and `contacts` contacts in it: (operations, contact uuids)."""
    session = str(uuid.uuid4())
    creates = [contact_create(session, i=i) for i in range(contacts)]
    return [session_start(session, territory=territory), *creates], [op["uuid"] for op in creates]


def released_in_thread(work) -> tuple[threading.Thread, dict]:
    out: dict = {}
    thread = threading.Thread(target=lambda: out.update(answer=work()), daemon=True)
    thread.start()
    return thread, out


# --- a worker killed mid-push --------------------------------------------------------------


@pytest.fixture
def one_worker_behind_nginx(production, tmp_path):
    """One gunicorn worker (so the test knows which one serves the push), nginx with TLS in front."""
    if NGINX is None:
        pytest.skip("nginx not installed (run `make nginx`)")
    server = GunicornServer(production.env, tmp_path / "gunicorn.log", workers=1).start()
    (tmp_path / "nginx").mkdir()
    nginx = NginxServer(tmp_path / "nginx", [f"127.0.0.1:{server.port}"]).start()
    phone = Phone(nginx.https_port, https=True, real_ip=f"203.0.113.{os.getpid() % 200 + 1}")
    phone.enrol(USERNAME, PASSWORD, label="Téléphone du test de panne")
    try:
        yield SimpleNamespace(server=server, phone=phone, db=production.env["DATABASE_URL"])
    finally:
        phone.close()
        nginx.stop()
        server.stop()


@pytest.mark.parametrize(
    ("moment", "locked_table"),
    [
        # The inserts wait: the worker dies before its transaction commits.
        ("before the commit", "outreach_contact"),
        # The roll-up refresh, run after the commit, waits: the worker dies before answering.
        ("after the commit, before the answer", "outreach_activityrollup"),
    ],
)
def test_a_worker_killed_mid_push_loses_and_duplicates_nothing(
    one_worker_behind_nginx, production, moment, locked_table
):
    stack = one_worker_behind_nginx
    batch, sent = night(production.territory, 40)
    [worker] = stack.server.wait_for_workers(1)

    with psycopg.connect(stack.db) as lock, psycopg.connect(stack.db, autocommit=True) as watch:
        lock.execute(f"LOCK TABLE {locked_table} IN EXCLUSIVE MODE")
        thread, first = released_in_thread(lambda: stack.phone.push(batch))
        [backend] = wait_until(lambda: watch.execute(WAITING_ON_LOCK).fetchall(), "the push to wait")
        committed_before_kill = len(sent) - lost_and_duplicated(stack.db, sent)[0]
        os.kill(worker, signal.SIGKILL)
        thread.join(WAIT)
        lock.rollback()  # releases the lock: the orphaned backend finds its client gone
        wait_until(
            lambda: not watch.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", backend).fetchall(),
            "the killed worker's database session to end",
        )

    assert first["answer"].status in (0, 502), first["answer"]  # no answer reached the phone
    assert committed_before_kill == (0 if moment == "before the commit" else len(sent))
    stack.server.wait_for_workers(1)  # gunicorn started a new worker
    retried = stack.phone.push_until_answered(batch)

    assert retried.status == 200, retried.body
    expected = "created" if moment == "before the commit" else "duplicate"
    assert {r["status"] for r in retried.body["results"][1:]} == {expected}
    assert lost_and_duplicated(stack.db, sent) == (0, 0)


# --- PostgreSQL restarted --------------------------------------------------------------------


@pytest.fixture(scope="module")
def private_stack(tmp_path_factory):
    """gunicorn (2 workers, persistent connections) on a private PostgreSQL cluster."""
    reason = private_postgres.available()
    if reason:
        pytest.skip(reason)
    cluster = private_postgres.PrivateCluster().start()
    server = None
    try:
        with cluster.connect(autocommit=True) as admin:
            admin.execute('CREATE DATABASE "maraude"')
        env = {
            "DEBUG": "false",
            "SECRET_KEY": TEST_SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"{cluster.url}/maraude",
            "REAL_IP_HEADER": "X-Real-IP",
            "LOG_LEVEL": "WARNING",
            "DB_RETRY_AFTER_SECONDS": "1",
        }
        manage("migrate", "--no-input", "-v0", env=env)
        territory = int(manage("shell", "-v0", "-c", CREATE_WORKER, env=env).stdout.split()[-1])
        env["STATIC_ROOT"] = str(collected_static(env))
        logs = tmp_path_factory.mktemp("restart")
        server = GunicornServer(env, logs / "gunicorn.log", workers=2).start()
        phone = Phone(server.port, real_ip="203.0.113.99")
        phone.enrol(USERNAME, PASSWORD, label="Téléphone du test de redémarrage")
        yield SimpleNamespace(cluster=cluster, server=server, phone=phone, territory=territory, env=env)
    finally:
        if server:
            server.stop()
        cluster.destroy()


def _pushes(phone: Phone) -> list[tuple[int, float | None]]:
    return [(status, wait) for path, status, wait in phone.log if path == PUSH]


def test_postgresql_restarted_mid_push_answers_503_and_the_phone_resumes(private_stack):
    stack = private_stack
    first_batch, first_sent = night(stack.territory, 20)
    assert stack.phone.push_until_answered(first_batch).status == 200
    batch, sent = night(stack.territory, 30)
    stack.phone.log.clear()

    lock = stack.cluster.connect("maraude")
    watch = stack.cluster.connect("maraude", autocommit=True)
    lock.execute("LOCK TABLE outreach_contact IN EXCLUSIVE MODE")
    thread, out = released_in_thread(lambda: stack.phone.push_until_answered(batch))
    wait_until(lambda: watch.execute(WAITING_ON_LOCK).fetchall(), "the push to wait")
    stack.cluster.restart()  # cuts every connection, the waiting push's included
    thread.join(WAIT * 2)
    lock.close()
    watch.close()

    answer = out["answer"]
    assert answer.status == 200, answer.body
    assert {r["status"] for r in answer.body["results"]} == {"created"}
    pushes = _pushes(stack.phone)
    assert (503, 1.0) in pushes, pushes  # the in-flight push: 503 with Retry-After
    assert all(status != 500 for status, _ in pushes), pushes
    url = stack.env["DATABASE_URL"]
    assert lost_and_duplicated(url, first_sent + sent) == (0, 0)


def test_postgresql_down_for_a_while_then_back_loses_and_duplicates_nothing(private_stack):
    stack = private_stack
    batch, sent = night(stack.territory, 25)
    stack.phone.log.clear()

    stack.cluster.stop()
    thread, out = released_in_thread(lambda: stack.phone.push_until_answered(batch))
    wait_until(lambda: sum(s == 503 for s, _ in _pushes(stack.phone)) >= 2, "two 503 answers")
    health = Phone(stack.server.port).request("GET", "/healthz")
    stack.cluster.start_again()
    thread.join(WAIT * 2)

    assert health.status == 503  # load balancers see it too
    assert out["answer"].status == 200, out["answer"].body
    pushes = _pushes(stack.phone)
    assert all(wait == 1.0 for status, wait in pushes if status == 503), pushes
    assert all(status in (200, 503) for status, _ in pushes), pushes
    assert lost_and_duplicated(stack.env["DATABASE_URL"], sent) == (0, 0)
    # And the phone's pull, from scratch, holds exactly what it sent.
    mine = {item["id"] for item in Phone(stack.server.port, token=stack.phone.token).pull_all()}
    assert set(sent) <= mine
