"""Sync under concurrency, on PostgreSQL: real threads, each with its own database connection."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection, transaction

from outreach.models import ChangeLogEntry, Contact
from tests.api.sync_helpers import (
    PULL,
    contact_create,
    contact_update,
    device_client,
    now,
    push,
)
from tests.factories import SessionFactory, UserFactory

pytestmark = [
    pytest.mark.postgres_only,
    # serialized_rollback: the flush after each test would also wipe the territories and lists
    # that migrations load.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="SQLite runs one writer at a time: concurrent writers need PostgreSQL",
    ),
]
WAIT = 30  # seconds: a generous ceiling for a busy CI machine, never a sleep


def run_together(work, count):
    """Run `work(i)` in `count` threads released at the same moment; return their results."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def runner(i):
        try:
            barrier.wait(timeout=WAIT)
            results[i] = work(i)
        except Exception as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert not errors, errors
    return results


@pytest.fixture
def field():
    worker = UserFactory()
    session = SessionFactory(team=worker.team, status="under_way", started_at=now())
    return worker, session


def test_identical_batches_sent_at_the_same_moment_create_each_record_once(field):
    worker, session = field
    clients = [device_client(worker, label=f"phone {i}")[0] for i in range(4)]
    ops = [contact_create(session) for _ in range(25)]
    bodies = run_together(lambda i: push(clients[i], ops).json(), 4)
    per_uuid = Counter()
    for body in bodies:
        for result in body["results"]:
            assert result["status"] in ("created", "duplicate"), result
            per_uuid[result["uuid"], result["status"]] += 1
    for op in ops:
        assert per_uuid[op["uuid"], "created"] == 1
        assert per_uuid[op["uuid"], "duplicate"] == 3
    assert Contact.objects.count() == 25
    assert ChangeLogEntry.objects.filter(type="contact").count() == 25


def test_identical_updates_at_the_same_moment_apply_once(field):
    worker, session = field
    client, _ = device_client(worker)
    op = contact_create(session)
    push(client, [op])
    clients = [device_client(worker, label=f"phone {i}")[0] for i in range(4)]
    update = contact_update(op["uuid"], 1, note="une seule fois")
    bodies = run_together(lambda i: push(clients[i], [update]).json(), 4)
    outcomes = sorted(body["results"][0]["status"] for body in bodies)
    assert outcomes == ["duplicate", "duplicate", "duplicate", "updated"]
    assert Contact.objects.get(uuid=op["uuid"]).version == 2


def test_competing_updates_on_one_version_give_one_winner_and_conflicts(field):
    worker, session = field
    client, _ = device_client(worker)
    op = contact_create(session)
    push(client, [op])
    clients = [device_client(worker, label=f"phone {i}")[0] for i in range(4)]
    notes = [f"version {i}" for i in range(4)]
    bodies = run_together(
        lambda i: push(
            clients[i], [contact_update(op["uuid"], 1, note=notes[i], at=now() - dt.timedelta(seconds=i))]
        ).json(),
        4,
    )
    outcomes = sorted(body["results"][0]["status"] for body in bodies)
    assert outcomes == ["conflict", "conflict", "conflict", "updated"]
    winner = next(i for i, b in enumerate(bodies) if b["results"][0]["status"] == "updated")
    contact = Contact.objects.get(uuid=op["uuid"])
    assert (contact.version, contact.note) == (2, notes[winner])


def test_the_cursor_never_skips_a_change_committed_after_a_later_one(field):
    """A writes first but commits last; B commits in between; a pull in between must not
    move the cursor past A's change (a sequence- or clock-based cursor would)."""
    worker, session = field
    client, _ = device_client(worker)
    page = client.get(PULL).json()
    while page["more"]:
        page = client.get(PULL, {"cursor": page["cursor"]}).json()
    cursor = page["cursor"]

    late, early = contact_create(session), contact_create(session)
    written, release = threading.Event(), threading.Event()
    late_client, _ = device_client(worker, label="slow phone")
    failures = []

    def slow_writer():
        try:
            with transaction.atomic():
                assert push(late_client, [late]).status_code == 200
                written.set()
                assert release.wait(WAIT)
        except Exception as exc:
            failures.append(exc)
            written.set()
        finally:
            connection.close()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert written.wait(WAIT)
    assert push(client, [early]).json()["results"][0]["status"] == "created"
    # A's change log row has the lower sequence number but is not committed yet.
    seen = set()
    page = client.get(PULL, {"cursor": cursor}).json()
    seen |= {item["id"] for item in page["items"]}
    assert late["uuid"] not in seen
    cursor = page["cursor"]
    release.set()
    thread.join(WAIT)
    assert not failures, failures
    while True:
        page = client.get(PULL, {"cursor": cursor}).json()
        seen |= {item["id"] for item in page["items"]}
        cursor = page["cursor"]
        if not page["more"]:
            break
    assert {late["uuid"], early["uuid"]} <= seen


def test_pulls_running_during_a_write_storm_miss_nothing(field):
    worker, session = field
    reader, _ = device_client(worker, label="reader")
    page = reader.get(PULL).json()
    while page["more"]:
        page = reader.get(PULL, {"cursor": page["cursor"]}).json()
    cursor = page["cursor"]
    writers = [device_client(worker, label=f"writer {i}")[0] for i in range(3)]
    batches = [[contact_create(session) for _ in range(5)] for _ in range(3 * 6)]
    stop = threading.Event()
    seen: set[str] = set()

    def write(i):
        for batch in batches[i::3]:
            assert push(writers[i], batch).status_code == 200

    def read():
        nonlocal cursor
        while not stop.is_set():
            body = reader.get(PULL, {"cursor": cursor, "limit": 7}).json()
            seen.update(item["id"] for item in body["items"])
            cursor = body["cursor"]
        connection.close()

    reading = threading.Thread(target=read)
    reading.start()
    try:
        run_together(write, 3)
    finally:
        stop.set()
        reading.join(WAIT)
    while True:
        body = reader.get(PULL, {"cursor": cursor}).json()
        seen.update(item["id"] for item in body["items"])
        cursor = body["cursor"]
        if not body["more"]:
            break
    assert {op["uuid"] for batch in batches for op in batch} <= seen


def test_identical_batches_starting_an_unplanned_session_create_it_once(field):
    import uuid

    from outreach.models import OutreachSession

    worker, session = field
    clients = [device_client(worker, label=f"phone {i}")[0] for i in range(3)]
    new_uuid = str(uuid.uuid4())
    start = {
        "op": "session.start",
        "uuid": new_uuid,
        "client_updated_at": now().isoformat(),
        "data": {"kind": "street", "territory": session.territory_id},
    }
    ops = [start, *(contact_create(OutreachSession(uuid=new_uuid)) for _ in range(10))]
    bodies = run_together(lambda i: push(clients[i], ops).json(), 3)
    starts = sorted(body["results"][0]["status"] for body in bodies)
    assert starts == ["created", "duplicate", "duplicate"]
    for body in bodies:
        assert {r["status"] for r in body["results"][1:]} <= {"created", "duplicate"}
    assert OutreachSession.objects.filter(uuid=new_uuid).count() == 1
    assert Contact.objects.filter(session__uuid=new_uuid).count() == 10


def test_the_same_records_in_opposite_orders_at_once_still_land_once(field):
    """Opposite orders can deadlock in the database; the victim batch is replayed per operation."""
    worker, session = field
    clients = [device_client(worker, label=f"phone {i}")[0] for i in range(2)]
    ops = [contact_create(session) for _ in range(40)]
    orders = [ops, list(reversed(ops))]
    bodies = run_together(lambda i: push(clients[i], orders[i]).json(), 2)
    for body in bodies:
        assert {r["status"] for r in body["results"]} <= {"created", "duplicate"}
    created = Counter(r["uuid"] for body in bodies for r in body["results"] if r["status"] == "created")
    assert set(created) == {op["uuid"] for op in ops}
    assert set(created.values()) == {1}
    assert Contact.objects.count() == 40


def _someone_waits_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # the view is cached per transaction
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


def wait_until(condition, timeout=WAIT):
    """Poll a condition (no fixed sleep): true as soon as it holds, False after the timeout."""
    event = threading.Event()
    deadline = threading.Timer(timeout, event.set)
    deadline.start()
    try:
        while not event.is_set():
            if condition():
                return True
            event.wait(0.05)
        return False
    finally:
        deadline.cancel()


def test_a_batch_chosen_as_deadlock_victim_is_replayed_and_loses_nothing(field, monkeypatch):
    """A holds u1 and then wants u2; B (one batch: u2 then u1) waits on A: a real deadlock.

    PostgreSQL aborts B's batch; the service applies it again one operation at a time, and B
    answers `duplicate` for both once A has committed them.
    """
    from outreach.services import sync_push

    runs, real_run = [], sync_push._run

    def recording_run(**kwargs):
        runs.append(kwargs["whole"])
        return real_run(**kwargs)

    monkeypatch.setattr(sync_push, "_run", recording_run)
    worker, session = field
    client_a, _ = device_client(worker, label="A")
    client_b, _ = device_client(worker, label="B")
    u1, u2 = contact_create(session), contact_create(session)
    a_holds_u1, failures, answers = threading.Event(), [], {}

    def phone_a():
        try:
            with transaction.atomic():
                answers["a1"] = push(client_a, [u1]).json()
                a_holds_u1.set()
                assert wait_until(_someone_waits_on_a_lock), "B never waited"
                answers["a2"] = push(client_a, [u2]).json()
        except Exception as exc:
            failures.append(exc)
            a_holds_u1.set()
        finally:
            connection.close()

    def phone_b():
        try:
            assert a_holds_u1.wait(WAIT)
            answers["b"] = push(client_b, [u2, u1]).json()
        except Exception as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=phone_a), threading.Thread(target=phone_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert not failures, failures
    assert answers["a1"]["results"][0]["status"] == "created"
    assert answers["a2"]["results"][0]["status"] == "created"
    assert [r["status"] for r in answers["b"]["results"]] == ["duplicate", "duplicate"]
    assert runs.count(False) == 1  # the deadlock happened, and B's batch was replayed per operation
    assert Contact.objects.filter(uuid__in=[u1["uuid"], u2["uuid"]]).count() == 2
