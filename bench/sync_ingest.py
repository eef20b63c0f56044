"""Sync ingest benchmark: contacts pushed through the real HTTP endpoint vs. a straight COPY.

Creates a fresh PostgreSQL database (and drops it at the end), migrates it, starts the app with
gunicorn on a free loopback port, enrols one device per team, pushes N contacts in batches (each
batch one team's night, so each push also refreshes that night's report roll-ups), then inserts the
same rows (contacts and their concern/action links) with psycopg COPY, and prints both rates.

    .venv/bin/python bench/sync_ingest.py                 # 50,000 contacts, 100 team-nights
    .venv/bin/python bench/sync_ingest.py -n 5000 --workers 2 --clients 2
    .venv/bin/python bench/sync_ingest.py --teams 1       # worst case: one huge night

Needs PostgreSQL (PGHOST/PGPORT/PGUSER or --pg postgres://user@host:port).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.deploy.phone import contact_create  # noqa: E402

# Issue 12: a push, with all its checks, at most this many times slower than a raw COPY.
TARGET_RATIO = 4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the app did not open port {port} within {timeout}s")


def call(conn: http.client.HTTPConnection, method: str, path: str, body=None, token=None):
    headers = {"Content-Type": "application/json", "Host": "127.0.0.1"}
    if token:
        headers["Authorization"] = f"Device {token}"
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status >= 400:
        raise SystemExit(f"{method} {path} → {response.status}: {data[:500]!r}")
    return json.loads(data)


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
        "--pg",
        default="postgres://{}@{}:{}".format(
            os.environ.get("PGUSER", "postgres"),
            os.environ.get("PGHOST", "127.0.0.1"),
            os.environ.get("PGPORT", "5432"),
        ),
        help="PostgreSQL server URL without a database name",
    )
    args = parser.parse_args()

    import psycopg

    db_name = f"maraude_sync_bench_{os.getpid()}"
    admin_url = f"{args.pg}/postgres"
    db_url = f"{args.pg}/{db_name}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{db_name}"')
    server = None
    try:
        env = {
            **os.environ,
            "DATABASE_URL": db_url,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "LOG_LEVEL": "WARNING",
            "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
        }
        (ROOT / "var" / "bench-static").mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
        )
        os.environ.update(
            {"DATABASE_URL": db_url, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "maraude.settings"}
        )
        import django

        django.setup()
        from django.utils import timezone

        from outreach.choices import OrganisationKind, Role, SessionKind, TerritoryLevel
        from outreach.models import Organisation, OutreachSession, Team, Territory, User
        from outreach.services.devices import enrol_device
        from outreach.timebands import service_date

        org = Organisation.objects.create(name="Bench", kind=OrganisationKind.OUTREACH)
        nord = Territory.objects.get(level=TerritoryLevel.DEPARTEMENT, code="59")
        start = timezone.now() - dt.timedelta(hours=3)
        sessions, tokens = [], []
        for t in range(args.teams):
            team = Team.objects.create(organisation=org, name=f"Nuit {t}")
            team.territories.set([nord])
            user = User.objects.create(username=f"bench{t}", role=Role.WORKER, organisation=org, team=team)
            sessions.append(
                OutreachSession.objects.create(
                    team=team,
                    kind=SessionKind.STREET,
                    status="under_way",
                    territory=nord,
                    planned_start=start,
                    planned_end=start + dt.timedelta(hours=6),
                    started_at=start,
                    service_date=service_date(start),
                )
            )
            # Devices are enrolled in-process: the enrolment endpoint is rate-limited per address.
            tokens.append(enrol_device(user=user, label=f"bench {t}")[1])
        from django.db import connection

        connection.close()

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
        wait_for(port)

        moment = timezone.now() - dt.timedelta(minutes=5)
        # Batch b belongs to team b % teams: a phone pushes its own team's night.
        n_batches = -(-args.n // args.batch)
        batches = [
            [
                make_contact(str(sessions[b % args.teams].uuid), moment, i)
                for i in range(b * args.batch, min(args.n, (b + 1) * args.batch))
            ]
            for b in range(n_batches)
        ]
        ops = [op for batch in batches for op in batch]
        counts: dict[str, int] = {}
        lock = threading.Lock()

        def pusher(k: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            for b in range(k, len(batches), args.clients):
                body = call(
                    conn, "POST", "/api/v1/sync/push", {"operations": batches[b]}, tokens[b % args.teams]
                )
                with lock:
                    for result in body["results"]:
                        counts[result["status"]] = counts.get(result["status"], 0) + 1
            conn.close()

        began = time.perf_counter()
        threads = [threading.Thread(target=pusher, args=(k,)) for k in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        http_seconds = time.perf_counter() - began
        assert counts == {"created": args.n}, counts

        # The same rows, straight into the tables with COPY.
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
                    [args.n],
                )
            ]
            now = dt.datetime.now(dt.UTC)
            columns = (
                "id, uuid, session_id, team_id, kind, author_id, occurred_at, service_date, hour_band, "
                "territory_id, request_category, level, person_code, age_band, gender, "
                "is_first_contact, known_to_child_welfare, note, client_created_at, "
                "client_updated_at, received_at, updated_at, clock_flagged, version"
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
                                when,
                                when,
                                now,
                                now,
                                False,
                                1,
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
            copy_seconds = time.perf_counter() - began

        http_rate, copy_rate = args.n / http_seconds, args.n / copy_seconds
        print(
            f"contacts: {args.n:,} · batches of {args.batch} · "
            f"gunicorn workers: {args.workers} · clients: {args.clients} · team-nights: {args.teams}"
        )
        print(f"HTTP push : {http_seconds:8.2f} s  {http_rate:10,.0f} contacts/s")
        print(f"COPY      : {copy_seconds:8.2f} s  {copy_rate:10,.0f} contacts/s")
        ratio = copy_rate / http_rate
        print(f"ratio COPY/push: {ratio:.1f}× (target: at most {TARGET_RATIO}×, with every check on)")
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 — Django may not be set up yet
            pass
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
