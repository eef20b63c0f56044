"""What an organisation's own fields cost a push: contacts with five fields vs. without.

Runs the push service (the same code the sync API calls after checking the shape) in-process on a
fresh database — a temporary SQLite file, or a new PostgreSQL database with --pg (dropped at the
end) — and prints contacts per second for N contacts in batches of 500, without and with one
value of each kind (yes/no, one choice, several choices, number, date) on every contact, then
the time a full roll-up rebuild takes with those values counted.

    .venv/bin/python bench/custom_fields.py                  # 5,000 contacts each way, SQLite
    .venv/bin/python bench/custom_fields.py -n 20000 --pg postgres://postgres@127.0.0.1:5432
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5_000, help="contacts per run (default 5,000)")
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--pg", default=None, help="PostgreSQL server URL without a database name")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    db_name = f"maraude_fields_bench_{os.getpid()}"
    if args.pg:
        import psycopg

        with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{db_name}"')
        os.environ["DATABASE_URL"] = f"{args.pg}/{db_name}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.sqlite3"
    os.environ.update({"DEBUG": "true", "DJANGO_SETTINGS_MODULE": "maraude.settings"})
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if args.pg:
            import psycopg

            with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{db_name}"')
        tmp.cleanup()


def run(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from api.serializers.sync_push import check_operation
    from outreach.reporting.rollups import rebuild_all
    from outreach.services.sync_push import push
    from tests.custom_field_builders import one_of_each
    from tests.factories import CoordinatorFactory, SessionFactory, TeamFactory, UserFactory

    # One team (so one night's roll-up bucket) per run, in the same organisation: both runs
    # recount a night of the same size after each batch.
    worker = UserFactory()
    fields = one_of_each(CoordinatorFactory(organisation=worker.organisation))
    values = {
        fields["yes_no"].key: True,
        fields["choice"].key: "foyer",
        fields["multi_choice"].key: ["sante", "juridique"],
        fields["number"].key: 4,
        fields["date"].key: "2026-11-02",
    }
    moment = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=30)

    def operation(session, i: int, with_values: bool) -> dict:
        at = (moment - dt.timedelta(seconds=i % 1800)).isoformat()
        data = {"session": str(session.uuid), "occurred_at": at, "age_band": "15_17", "gender": "girl"}
        if with_values:
            data["custom_values"] = values
        raw = {"op": "contact.create", "uuid": str(uuid.uuid4()), "client_updated_at": at, "data": data}
        return check_operation(raw)  # the API's shape check, as a push goes through it

    rates = {}
    for with_values in (False, True):
        actor = UserFactory(team=TeamFactory(organisation=worker.organisation))
        session = SessionFactory(team=actor.team, status="under_way", started_at=timezone.now())
        started = time.perf_counter()
        for start in range(0, args.n, args.batch):
            ops = [operation(session, i, with_values) for i in range(start, min(start + args.batch, args.n))]
            results = push(actor=actor, operations=ops).results
            assert all(r.status == "created" for r in results), results[0]
        elapsed = time.perf_counter() - started
        rates[with_values] = args.n / elapsed
        label = "with 5 organisation fields" if with_values else "without organisation fields"
        print(f"{label:30} {args.n:>7,} contacts  {elapsed:6.2f} s  {rates[with_values]:8,.0f} contacts/s")
    print(f"cost of the fields: {100 * (rates[False] / rates[True] - 1):+.0f} % time per contact")
    started = time.perf_counter()
    rebuild_all()
    elapsed = time.perf_counter() - started
    print(f"roll-up rebuild of {2 * args.n:,} contacts (half with values): {elapsed:.2f} s")


if __name__ == "__main__":
    main()
