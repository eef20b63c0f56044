"""Many phones at once, through nginx and gunicorn, on PostgreSQL and Redis, production settings.

N simulated phones (default 50), each with its own device token, live a night for a set time:
start their team's planned session (teammates' phones start it too), push contacts in small
batches as a worker records them, correct some, sometimes resend a batch whose answer was "lost",
and pull with their cursor after every push. They talk HTTPS to nginx (the real site file from
deploy/nginx/), which forwards to one or two gunicorn servers (deploy/gunicorn.conf.py,
DEBUG=false, a generated SECRET_KEY) sharing a PostgreSQL database and Redis.

Prints records/s, p50/p95/p99 of push and pull, errors, and checks at the end that every record
is in PostgreSQL exactly once with the version the phones expect, and that every phone's pulled
copy — built from its cursor's increments — equals both the database and a fresh snapshot.

    .venv/bin/python bench/load.py                      # 50 phones, 60 s, one app server
    .venv/bin/python bench/load.py --servers 2          # two app servers behind one nginx
    .venv/bin/python bench/load.py --phones 10 --seconds 20

Creates the database maraude_load_<pid> on --pg (dropped at the end); Redis keys carry the prefix
bench-load-<pid> (deleted at the end; nothing else in Redis is touched).
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.support import pg_argument, scratch_database  # noqa: E402
from tests.deploy.phone import (  # noqa: E402
    PULL,
    PUSH,
    Phone,
    contact_create,
    contact_update,
    session_start,
)


@dataclass
class PhoneSpec:
    token: str
    username: str
    session: str  # the team's planned session (uuid)
    hotspots: list[int]


@dataclass
class PhoneResult:
    username: str
    created: int = 0
    statuses: Counter = field(default_factory=Counter)
    answers: Counter = field(default_factory=Counter)  # HTTP status of every request (0: none)
    retries: int = 0  # batches sent again after no answer, a 5xx or a 429
    replays: int = 0  # batches sent again on purpose, as if their answer had been lost
    push_latencies: list[float] = field(default_factory=list)
    pull_latencies: list[float] = field(default_factory=list)
    snapshot_latencies: list[float] = field(default_factory=list)  # the first, full pull
    expected: dict[str, int] = field(default_factory=dict)  # contact uuid -> version on the server
    pulled: dict[str, int] = field(default_factory=dict)  # contact uuid -> version from the cursor
    snapshot: dict[str, int] = field(default_factory=dict)  # contact uuid -> version, fresh snapshot
    problems: list[str] = field(default_factory=list)


def apply_pull(local: dict[str, int], items: list[dict]) -> None:
    for item in items:
        if item["type"] != "contact":
            continue
        if item["op"] == "delete":
            local.pop(item["id"], None)
        else:
            local[item["id"]] = item["data"]["version"]


def live_a_night(spec: PhoneSpec, port: int, deadline: float, think: float, seed: int) -> PhoneResult:
    """One phone until the deadline; never raises (a phone's failure is a result)."""
    rng = random.Random(seed)
    phone = Phone(port, https=True, token=spec.token, timeout=120)
    result = PhoneResult(spec.username)
    try:
        apply_pull(result.pulled, phone.pull_all())
        result.snapshot_latencies = phone.latencies[PULL][:]  # all 50 phones at once: apart
        phone.latencies[PULL].clear()
        started = False
        while time.monotonic() < deadline:
            batch = [] if started else [session_start(spec.session)]
            for i in range(rng.randint(1, 8)):  # what a worker records between two syncs
                batch.append(
                    contact_create(
                        spec.session, minutes_ago=rng.uniform(1, 30), i=i, hotspot=rng.choice(spec.hotspots)
                    )
                )
            if result.expected and rng.random() < 0.3:  # a correction of an earlier contact
                target = rng.choice(list(result.expected))
                batch.append(
                    contact_update(target, result.expected[target], note=f"v{result.expected[target] + 1}")
                )
            before = len(phone.log)
            answer = phone.push_until_answered(batch)
            result.retries += len(phone.log) - before - 1
            if answer.status == 200 and rng.random() < 0.05:
                result.replays += 1
                answer = phone.push_until_answered(batch)  # the answer was lost: the phone resends
            if answer.status != 200:
                result.problems.append(f"push answered {answer.status}: {answer.body}")
                break
            started = True
            for op, res in zip(batch, answer.body["results"], strict=True):
                result.statuses[res["status"]] += 1
                if op["op"] == "contact.create" and res["status"] in ("created", "duplicate"):
                    result.created += res["status"] == "created"
                    result.expected[op["uuid"]] = res["version"]
                elif op["op"] == "contact.update" and res["status"] in ("updated", "duplicate"):
                    result.expected[op["uuid"]] = res["version"]
                elif res["status"] in ("rejected", "conflict"):
                    result.problems.append(
                        f"{op['op']} {res['status']}: {res.get('errors') or res.get('reason')}"
                    )
            apply_pull(result.pulled, phone.pull_all())
            time.sleep(rng.expovariate(1 / think) if think else 0)  # the worker's next contacts
        apply_pull(result.pulled, phone.pull_all())
        fresh = Phone(port, https=True, token=spec.token, timeout=120)
        apply_pull(result.snapshot, fresh.pull_all())
        fresh.close()
    except Exception as exc:  # reported, never hidden
        result.problems.append(f"{type(exc).__name__}: {exc}")
    finally:
        phone.close()
    result.answers = Counter(status for _path, status, _wait in phone.log)
    result.push_latencies = phone.latencies[PUSH]
    result.pull_latencies = phone.latencies[PULL]
    return result


def run_group(
    specs: list[PhoneSpec], port: int, deadline_in: float, think: float, seed: int
) -> list[PhoneResult]:
    """A client process: its phones in threads (the GIL is shared by few phones only)."""
    deadline = time.monotonic() + deadline_in
    results: list[PhoneResult] = [None] * len(specs)  # type: ignore[list-item]

    def run(i: int) -> None:
        results[i] = live_a_night(specs[i], port, deadline, think, seed * 1000 + i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(specs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


SETUP = """
import datetime as dt, json, uuid
from django.utils import timezone
from outreach.choices import OrganisationKind, Role, SessionKind, TerritoryLevel
from outreach.models import Hotspot, Organisation, OutreachSession, Team, Territory, User
from outreach.services.devices import enrol_device
from outreach.timebands import service_date

phones, team_size = {phones}, {team_size}
org = Organisation.objects.create(name="Bench load", kind=OrganisationKind.OUTREACH)
nord = Territory.objects.get(level=TerritoryLevel.DEPARTEMENT, code="59")
hotspots = [
    Hotspot.objects.create(organisation=org, name=f"Lieu {{i}}", kind="station", territory=nord,
                           latitude="50.637", longitude="3.075").pk
    for i in range(8)
]
start = timezone.now() - dt.timedelta(hours=2)
specs = []
for t in range(-(-phones // team_size)):
    team = Team.objects.create(organisation=org, name=f"Équipe {{t}}")
    team.territories.set([nord])
    session = OutreachSession.objects.create(
        team=team, kind=SessionKind.STREET, status="planned", territory=nord, planned_start=start,
        planned_end=start + dt.timedelta(hours=7), service_date=service_date(start),
    )
    for m in range(min(team_size, phones - t * team_size)):
        user = User.objects.create(username=f"load{{t}}-{{m}}", role=Role.WORKER, organisation=org, team=team)
        # In-process: enrolment is throttled per address, and behind nginx every phone is 127.0.0.1.
        token = enrol_device(user=user, label=f"Téléphone {{t}}-{{m}}", install_id=uuid.uuid4())[1]
        specs.append({{"token": token, "username": user.username, "session": str(session.uuid),
                      "hotspots": hotspots}})
print("SPECS", json.dumps(specs))
"""


def warm_up(port: int, specs: list[PhoneSpec], requests: int) -> None:
    """Every worker imports its views and opens its connections before the clock starts."""

    def pull(spec: PhoneSpec) -> None:
        phone = Phone(port, https=True, token=spec.token, timeout=120)
        phone.pull_all()
        phone.close()

    threads = [threading.Thread(target=pull, args=(specs[i % len(specs)],)) for i in range(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


def check(database_url: str, results: list[PhoneResult]) -> list[str]:
    """Everything the phones were told is in PostgreSQL exactly once, and their copies agree."""
    import psycopg

    failures = []
    expected = {u: v for r in results for u, v in r.expected.items()}
    with psycopg.connect(database_url) as pg:
        rows = pg.execute(
            "SELECT c.uuid::text, c.version, u.username FROM outreach_contact c "
            "JOIN outreach_user u ON u.id = c.author_id"
        ).fetchall()
        started = pg.execute(
            "SELECT COUNT(*) FILTER (WHERE status = 'under_way'), COUNT(*) FROM outreach_outreachsession"
        ).fetchone()
    stored = Counter(u for u, _v, _a in rows)
    versions = {u: v for u, v, _a in rows}
    if any(n > 1 for n in stored.values()):
        failures.append(f"{sum(n - 1 for n in stored.values() if n > 1)} contacts stored twice")
    lost = set(expected) - set(stored)
    extra = set(stored) - set(expected)
    if lost:
        failures.append(f"{len(lost)} acknowledged contacts missing")
    if extra:
        failures.append(f"{len(extra)} contacts stored that no phone was told about")
    wrong = [u for u, v in expected.items() if versions.get(u) not in (None, v)]
    if wrong:
        failures.append(f"{len(wrong)} contacts at another version than acknowledged")
    by_author: dict[str, dict[str, int]] = {}
    for u, v, author in rows:
        by_author.setdefault(author, {})[u] = v
    for r in results:
        mine = by_author.get(r.username, {})
        if r.pulled != mine:
            failures.append(f"{r.username}: the cursor's copy differs from the database")
        if r.snapshot != mine:
            failures.append(f"{r.username}: a fresh snapshot differs from the database")
    if started[0] != started[1]:
        failures.append(f"{started[1] - started[0]} sessions never started")
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60, help="how long the phones work")
    parser.add_argument("--servers", type=int, default=1, choices=(1, 2), help="gunicorn servers")
    parser.add_argument("--workers", type=int, default=None, help="per server (default: gunicorn.conf.py)")
    parser.add_argument("--think", type=float, default=0.5, help="mean seconds between a phone's syncs")
    parser.add_argument("--team-size", type=int, default=3, help="phones per team (sharing a session)")
    parser.add_argument("--clients", type=int, default=2, help="client processes driving the phones")
    pg_argument(parser)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5", help="Redis URL (keys are prefixed)")
    args = parser.parse_args()

    import json

    import redis

    # This process only reads the static files' list (collected_static); the servers get their
    # own environment (tests.deploy.support.clean_env).
    os.environ.update({"DJANGO_SETTINGS_MODULE": "maraude.settings", "DEBUG": "true"})
    import django

    django.setup()
    from tests.deploy.server import GunicornServer, NginxServer, collected_static
    from tests.deploy.support import manage

    prefix = f"bench-load-{os.getpid()}"
    servers: list[GunicornServer] = []
    nginx = None
    tmp = Path(tempfile.mkdtemp(prefix="maraude-load-"))  # logs and nginx's files, removed at the end
    with scratch_database(args.pg, "maraude_load", migrate=False) as database_url:
        try:
            env = {
                "DEBUG": "false",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "ALLOWED_HOSTS": "127.0.0.1",
                "DATABASE_URL": database_url,
                "REDIS_URL": args.redis,
                "CACHE_KEY_PREFIX": prefix,
                "REAL_IP_HEADER": "X-Real-IP",
                "LOG_LEVEL": "WARNING",
            }
            manage("migrate", "--no-input", "-v0", env=env)
            out = manage(
                "shell", "-v0", "-c", SETUP.format(phones=args.phones, team_size=args.team_size), env=env
            )
            specs = [PhoneSpec(**s) for s in json.loads(out.stdout.split("SPECS", 1)[1])]
            env["STATIC_ROOT"] = str(collected_static(env))
            for n in range(args.servers):
                server = GunicornServer(env, tmp / f"gunicorn-{n}.log", workers=args.workers)
                servers.append(server.start())
            (tmp / "nginx").mkdir()
            nginx = NginxServer(
                tmp / "nginx", [f"127.0.0.1:{s.port}" for s in servers], connections=4 * args.phones + 64
            ).start()
            workers = sum(len(s.wait_for_workers()) for s in servers)
            warm_up(nginx.https_port, specs, 2 * workers)

            groups = [specs[k :: args.clients] for k in range(args.clients)]
            began = time.perf_counter()
            with ProcessPoolExecutor(args.clients) as pool:
                futures = [
                    pool.submit(run_group, group, nginx.https_port, args.seconds, args.think, k)
                    for k, group in enumerate(groups)
                ]
                results = [r for f in futures for r in f.result()]
            elapsed = time.perf_counter() - began
            failures = check(database_url, results)
        finally:
            if nginx:
                nginx.stop()
            for server in servers:
                server.stop()
            cache = redis.Redis.from_url(args.redis)
            for key in cache.scan_iter(match=f"{prefix}:*", count=500):
                cache.delete(key)
            shutil.rmtree(tmp, ignore_errors=True)

    statuses = sum((r.statuses for r in results), Counter())
    answers = sum((r.answers for r in results), Counter())
    pushes = [x for r in results for x in r.push_latencies]
    pulls = [x for r in results for x in r.pull_latencies]
    snapshots = [x for r in results for x in r.snapshot_latencies]
    created = sum(r.created for r in results)
    problems = [p for r in results for p in r.problems]
    errors = sum(n for status, n in answers.items() if status != 200)
    print(
        f"{args.phones} phones · {args.servers} app server(s), {workers} gunicorn workers in all · "
        f"nginx (TLS) · PostgreSQL · Redis · {elapsed:.0f} s"
    )
    print(
        f"records created: {created:,} — {created / elapsed:,.0f} records/s; "
        f"operations answered: {sum(statuses.values()):,} "
        f"({', '.join(f'{k} {v:,}' for k, v in statuses.items())})"
    )
    for label, values in (("push", pushes), ("pull", pulls), ("first snapshot pull", snapshots)):
        print(
            f"{label}: {len(values):,} requests, {len(values) / elapsed:,.1f}/s — "
            f"p50 {percentile(values, 0.5):.0f} ms, p95 {percentile(values, 0.95):.0f} ms, "
            f"p99 {percentile(values, 0.99):.0f} ms, "
            f"mean {statistics.fmean(values) * 1000 if values else 0:.0f} ms"
        )
    print(
        f"errors: {errors} non-200 answers ({dict(answers)}), {sum(r.retries for r in results)} retries; "
        f"{sum(r.replays for r in results)} batches replayed on purpose; {len(problems)} phone problems"
    )
    for problem in problems[:10]:
        print("   ", problem)
    if failures:
        print("exactly-once check: FAILED")
        for failure in failures:
            print("   ", failure)
        raise SystemExit(1)
    print(
        f"exactly-once check: OK — {len({u for r in results for u in r.expected}):,} contacts each "
        f"stored once at the acknowledged version; every phone's cursor copy = a fresh snapshot "
        "= the database"
    )


if __name__ == "__main__":
    main()
