"""Sync ingest benchmark: contacts pushed through the real HTTP endpoint vs. a straight COPY.

Creates a fresh PostgreSQL database (and drops it at the end), migrates it, starts the app with
gunicorn on a free loopback port, enrols one device per team, pushes N contacts in batches (each
batch one team's night, so each push also refreshes that night's report roll-ups), then inserts the
same rows (contacts and their concern/action links) with psycopg COPY, and prints both rates and
their ratio. Every gunicorn worker is warmed up (its first request imports the URLs) first.

    .venv/bin/python bench/sync_ingest.py                 # 50,000 contacts, 100 team-nights
    .venv/bin/python bench/sync_ingest.py -n 5000 --workers 2 --clients 2
    .venv/bin/python bench/sync_ingest.py --teams 1       # worst case: one huge night
    .venv/bin/python bench/sync_ingest.py -n 5500 --profile 40   # in process, under cProfile

Needs PostgreSQL (PGHOST/PGPORT/PGUSER or --pg postgres://user@host:port).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import http.client
import json
import pstats
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support import (
    ROOT,
    app_env,
    bench_teams,
    free_port,
    pg_argument,
    scratch_database,
    setup_django,
    wait_for,
)
from tests.deploy.phone import contact_create

# Issue 12: a push, with all its checks, at most this many times slower than a raw COPY.
TARGET_RATIO = 4


def call(conn: http.client.HTTPConnection, method: str, path: str, body=None, token=None):
    return json.loads(send(conn, method, path, json.dumps(body) if body is not None else None, token))


def send(conn: http.client.HTTPConnection, method: str, path: str, body: str | bytes | None, token=None):
    """The raw answer to a request whose body is already encoded."""
    headers = {"Content-Type": "application/json", "Host": "127.0.0.1"}
    if token:
        headers["Authorization"] = f"Device {token}"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status >= 400:
        raise SystemExit(f"{method} {path} → {response.status}: {data[:500]!r}")
    return data


def make_contact(session_uuid: str, moment: dt.datetime, i: int) -> dict:
    return contact_create(session_uuid, i=i, at=moment - dt.timedelta(seconds=i % 3600))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=50_000, help="contacts to push (default 50,000)")
    parser.add_argument("--batch", type=int, default=500, help="operations per push (default 500)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--clients", type=int, default=1, help="phones pushing in parallel")
    parser.add_argument(
        "--teams",
        type=int,
        default=100,
        help="teams the contacts spread over, one night each (default 100: 500 contacts a night); "
        "each push refreshes its team-night's report roll-ups, so --teams 1 is the worst case",
    )
    parser.add_argument(
        "--profile",
        metavar="N",
        type=int,
        default=0,
        help="instead: push in this process (Django's test client, no gunicorn) under cProfile and "
        "print the N costliest functions",
    )
    pg_argument(parser)
    args = parser.parse_args()

    with scratch_database(args.pg, "maraude_sync_bench") as db_url:
        setup_django(db_url)
        from django.db import connection

        from outreach.services.devices import enrol_device

        teams = bench_teams(args.teams)
        sessions = [t.session for t in teams]
        # Devices are enrolled in-process: the enrolment endpoint is rate-limited per address.
        tokens = [enrol_device(user=t.worker, label=f"bench {k}")[1] for k, t in enumerate(teams)]
        connection.close()
        if args.profile:
            profile(args, sessions, tokens)
            return
        run(args, db_url, sessions, tokens)


def batches_of(args, sessions) -> list[list[dict]]:
    """Batch b belongs to team b % teams: a phone pushes its own team's night."""
    from django.utils import timezone

    moment = timezone.now() - dt.timedelta(minutes=5)
    n_batches = -(-args.n // args.batch)
    return [
        [
            make_contact(str(sessions[b % args.teams].uuid), moment, i)
            for i in range(b * args.batch, min(args.n, (b + 1) * args.batch))
        ]
        for b in range(n_batches)
    ]


def warm_up(port: int, tokens: list[str], requests: int) -> None:
    """Every worker imports its URLs and views and opens its connection before the clock starts."""

    def pull(token: str) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        call(conn, "GET", "/api/v1/sync/pull?limit=1", token=token)
        conn.close()

    threads = [threading.Thread(target=pull, args=(tokens[i % len(tokens)],)) for i in range(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def profile(args, sessions, tokens) -> None:
    """The pushes in this process, through the whole Django stack, under cProfile."""
    from django.test import Client

    client = Client()
    batches = batches_of(args, sessions)
    profiler = cProfile.Profile()
    began = time.perf_counter()
    for b, batch in enumerate(batches):
        if b == 1:  # the first push imports the URLs and views: leave it out
            began = time.perf_counter()
        if b:
            profiler.enable()
        answer = client.post(
            "/api/v1/sync/push",
            json.dumps({"operations": batch}),
            content_type="application/json",
            headers={"authorization": f"Device {tokens[b % args.teams]}"},
            HTTP_HOST="127.0.0.1",
        )
        profiler.disable()
        assert answer.status_code == 200, answer.content[:500]
        assert {r["status"] for r in answer.json()["results"]} == {"created"}, answer.content[:500]
    elapsed = time.perf_counter() - began
    pushed = args.n - len(batches[0])
    print(f"in-process push: {pushed / elapsed:,.0f} contacts/s (under cProfile, first batch left out)")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats("maraude|outreach|api/", args.profile)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)


def run(args, db_url: str, sessions, tokens) -> None:

    env = app_env(
        db_url,
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        LOG_LEVEL="WARNING",
        STATIC_ROOT=str(ROOT / "var" / "bench-static"),
    )
    (ROOT / "var" / "bench-static").mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "maraude.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(port)
        batches = batches_of(args, sessions)
        ops = [op for batch in batches for op in batch]
        # Encoded before the clock starts and answers read after it stops: phones encode their own
        # batches, so the bench's client work on these shared cores is not the server's ingest.
        bodies = [json.dumps({"operations": batch}).encode() for batch in batches]
        answers: list[bytes] = []
        lock = threading.Lock()

        def pusher(k: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            for b in range(k, len(batches), args.clients):
                answer = send(conn, "POST", "/api/v1/sync/push", bodies[b], tokens[b % args.teams])
                with lock:
                    answers.append(answer)
            conn.close()

        warm_up(port, tokens, 2 * args.workers)
        began = time.perf_counter()
        threads = [threading.Thread(target=pusher, args=(k,)) for k in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        http_seconds = time.perf_counter() - began
        counts: dict[str, int] = {}
        for answer in answers:
            for result in json.loads(answer)["results"]:
                counts[result["status"]] = counts.get(result["status"], 0) + 1
        assert counts == {"created": args.n}, counts
    finally:
        server.terminate()
        server.wait(30)
    copy_seconds = copy_rows(db_url, ops)

    http_rate, copy_rate = args.n / http_seconds, args.n / copy_seconds
    print(
        f"contacts: {args.n:,} · batches of {args.batch} · "
        f"gunicorn workers: {args.workers} · clients: {args.clients} · team-nights: {args.teams}"
    )
    print(f"HTTP push : {http_seconds:8.2f} s  {http_rate:10,.0f} contacts/s")
    print(f"COPY      : {copy_seconds:8.2f} s  {copy_rate:10,.0f} contacts/s")
    ratio = copy_rate / http_rate
    print(f"ratio COPY/push: {ratio:.1f}× (target: at most {TARGET_RATIO}×, with every check on)")


def copy_rows(db_url: str, ops: list[dict]) -> float:
    """The same rows (contacts and their concern/action links) straight into the tables with
    COPY; returns the seconds it took."""
    import psycopg

    with psycopg.connect(db_url) as pg:
        row = pg.execute(
            "SELECT session_id, team_id, kind, author_id, territory_id, service_date, hour_band "
            "FROM outreach_contact LIMIT 1"
        ).fetchone()
        session_id, team_id, kind, author_id, territory_id, sdate, hband = row
        concern_ids = dict(pg.execute("SELECT code, id FROM outreach_concern").fetchall())
        action_ids = dict(pg.execute("SELECT code, id FROM outreach_action").fetchall())
        began = time.perf_counter()
        ids = [
            r[0]
            for r in pg.execute(
                "SELECT nextval(pg_get_serial_sequence('outreach_contact', 'id')) "
                "FROM generate_series(1, %s)",
                [len(ops)],
            )
        ]
        now = dt.datetime.now(dt.UTC)
        columns = (
            "id, uuid, session_id, team_id, kind, author_id, occurred_at, service_date, hour_band, "
            "territory_id, request_category, level, person_code, age_band, gender, "
            "is_first_contact, known_to_child_welfare, note, custom_values, client_created_at, "
            "client_updated_at, received_at, updated_at, clock_flagged, version, create_digest"
        )
        with pg.cursor() as cur:
            with cur.copy(f"COPY outreach_contact ({columns}) FROM STDIN") as copy:
                for pk, op in zip(ids, ops, strict=True):
                    d = op["data"]
                    when = dt.datetime.fromisoformat(d["occurred_at"])
                    copy.write_row(
                        (
                            pk,
                            uuid.uuid4(),
                            session_id,
                            team_id,
                            kind,
                            author_id,
                            when,
                            sdate,
                            hband,
                            territory_id,
                            "",
                            d["level"],
                            "",
                            d["age_band"],
                            d["gender"],
                            d["is_first_contact"],
                            "unknown",
                            "",
                            "{}",
                            when,
                            when,
                            now,
                            now,
                            False,
                            1,
                            "",
                        )
                    )
            with cur.copy("COPY outreach_contact_concerns (contact_id, concern_id) FROM STDIN") as copy:
                for pk, op in zip(ids, ops, strict=True):
                    for code in op["data"]["concerns"]:
                        copy.write_row((pk, concern_ids[code]))
            with cur.copy("COPY outreach_contact_actions (contact_id, action_id) FROM STDIN") as copy:
                for pk, op in zip(ids, ops, strict=True):
                    for code in op["data"]["actions"]:
                        copy.write_row((pk, action_ids[code]))
        pg.commit()
        return time.perf_counter() - began


if __name__ == "__main__":
    main()
