"""What the benchmarks share: a scratch PostgreSQL database, Django set up on it, a bench
organisation with its teams, workers and sessions, and a local port for an app server.

    from bench.support import pg_argument, scratch_database, setup_django

    parser = argparse.ArgumentParser(); pg_argument(parser); args = parser.parse_args()
    with scratch_database(args.pg, "maraude_x_bench") as url:   # created, migrated, dropped at the end
        env = setup_django(url)                                 # this process now uses it
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def pg_argument(parser: argparse.ArgumentParser) -> None:
    """--pg: the PostgreSQL server (PGUSER, PGHOST and PGPORT by default), without a database."""
    parser.add_argument(
        "--pg",
        default="postgres://{}@{}:{}".format(
            os.environ.get("PGUSER", "postgres"),
            os.environ.get("PGHOST", "127.0.0.1"),
            os.environ.get("PGPORT", "5432"),
        ),
        help="PostgreSQL server URL without a database name",
    )


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a bench's app: this database, a throwaway secret key."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "true",
        "SECRET_KEY": secrets.token_urlsafe(50),
        **extra,
    }


@contextlib.contextmanager
def scratch_database(pg: str, prefix: str, *, migrate: bool = True) -> Iterator[str]:
    """A new database `<prefix>_<pid>` on `pg` (migrated unless told not to), dropped at the end."""
    import psycopg

    name = f"{prefix}_{os.getpid()}"
    url = f"{pg}/{name}"
    with psycopg.connect(f"{pg}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        if migrate:
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
                cwd=ROOT,
                env=app_env(url),
                check=True,
            )
        yield url
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        with psycopg.connect(f"{pg}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(database_url: str) -> dict[str, str]:
    """Point this process's Django at `database_url` and set it up; returns the environment used."""
    env = app_env(database_url)
    os.environ.update({**env, "DJANGO_SETTINGS_MODULE": "maraude.settings"})
    import django

    django.setup()
    return env


@dataclass
class BenchTeam:
    team: object
    worker: object
    session: object  # the team's session of tonight (kind and status as asked)


def bench_teams(
    n: int,
    *,
    kind: str = "street",
    status: str = "under_way",
    name: str = "Bench",
) -> list[BenchTeam]:
    """An organisation in the Nord with `n` teams, each with a worker and tonight's session."""
    from django.utils import timezone

    from outreach.choices import OrganisationKind, Role, TerritoryLevel
    from outreach.models import Organisation, Team, Territory, User

    org = Organisation.objects.create(name=name, kind=OrganisationKind.OUTREACH)
    nord = Territory.objects.get(level=TerritoryLevel.DEPARTEMENT, code="59")
    now = timezone.now()
    start = now - dt.timedelta(hours=3)
    made = []
    for t in range(n):
        team = Team.objects.create(organisation=org, name=f"Nuit {t}")
        team.territories.set([nord])
        worker = User.objects.create(
            username=f"{name.lower()}{t}", role=Role.WORKER, organisation=org, team=team
        )
        session = make_session(team, kind=kind, status=status, start=start, end=now)
        made.append(BenchTeam(team, worker, session))
    return made


def make_session(team, *, kind: str, status: str, start: dt.datetime, end: dt.datetime):
    """A session of `team` from `start` (ended at `end` when done), in the team's first territory."""
    from outreach.choices import SessionStatus
    from outreach.models import OutreachSession
    from outreach.timebands import service_date

    return OutreachSession.objects.create(
        team=team,
        kind=kind,
        territory=team.territories.first(),
        status=status,
        planned_start=start,
        planned_end=start + dt.timedelta(hours=6),
        started_at=start,
        ended_at=end if status == SessionStatus.DONE else None,
        service_date=service_date(start, team.day_boundary_hour),
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, timeout: float = 60) -> None:
    """Return once something listens on the local `port`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the app did not open port {port} within {timeout}s")
