"""Field counts benchmark: head count taps and digital slot saves pushed through the sync service.

Creates a fresh PostgreSQL database (dropped at the end), migrates it, then pushes batches of
`tally.add` operations (a busy night: hundreds of taps) into a session under way and into a done
one (whose report roll-ups are recounted once per batch), then batches of `slot.save`, and prints
operations per second and the time of one batch. In-process (no HTTP): it measures the rules and
the database, not the web server (bench/sync_ingest.py does that for contacts).

    .venv/bin/python bench/field_counts.py                 # 10 batches of 500 taps, 200 slot saves
    .venv/bin/python bench/field_counts.py --batches 3 --batch 200

Needs PostgreSQL (PGHOST/PGPORT/PGUSER or --pg postgres://user@host:port).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support import bench_teams, make_session, pg_argument, scratch_database, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=10, help="batches of taps per session (default 10)")
    parser.add_argument("--batch", type=int, default=500, help="operations per batch (default 500)")
    parser.add_argument("--slots", type=int, default=200, help="slot saves (default 200, one batch)")
    pg_argument(parser)
    args = parser.parse_args()
    with scratch_database(args.pg, "maraude_counts_bench") as url:
        setup_django(url)
        run(args)


def run(args) -> None:
    from django.utils import timezone

    from outreach.choices import SessionKind, SessionStatus
    from outreach.models import ActivityRollup, OutreachSession, TallyMark
    from outreach.services.sync_push import push

    (bench,) = bench_teams(1)
    team, worker = bench.team, bench.worker
    now = timezone.now()
    start = now - dt.timedelta(hours=3)

    def session(kind: str, status: str) -> OutreachSession:
        return make_session(team, kind=kind, status=status, start=start, end=now)

    ages, genders = ["13_14", "15_17", "18_21", "unknown"], ["girl", "boy", "unknown"]

    def taps(target: OutreachSession, n: int) -> list[dict]:
        return [
            {
                "op": "tally.add",
                "uuid": uuid.uuid4(),
                "client_updated_at": now - dt.timedelta(seconds=i),
                "data": {
                    "session": target.uuid,
                    "age_band": ages[i % len(ages)],
                    "gender": genders[i % len(genders)],
                },
            }
            for i in range(n)
        ]

    def timed(operations: list[dict]) -> float:
        began = time.perf_counter()
        outcome = push(actor=worker, operations=operations)
        elapsed = time.perf_counter() - began
        bad = [r for r in outcome.results if r.status not in ("created", "updated")]
        if bad:
            raise SystemExit(f"refused: {bad[:3]}")
        return elapsed

    print(f"PostgreSQL, in-process, batches of {args.batch} operations")
    for label, target in (
        ("taps, session under way", session(SessionKind.STREET, SessionStatus.UNDER_WAY)),
        ("taps, session done (roll-ups recounted)", session(SessionKind.STREET, SessionStatus.DONE)),
    ):
        times = [timed(taps(target, args.batch)) for _ in range(args.batches)]
        total = args.batch * args.batches
        median, worst = statistics.median(times) * 1000, max(times) * 1000
        rate = total / sum(times)
        print(f"  {label}: {rate:,.0f} taps/s; one batch median {median:.0f} ms, max {worst:.0f} ms")
    counted = ActivityRollup.objects.filter(dimension="tally").values_list("count", flat=True)
    assert (
        sum(counted) == args.batch * args.batches == TallyMark.objects.filter(session__status="done").count()
    )

    digital = session(SessionKind.DIGITAL, SessionStatus.UNDER_WAY)
    saves = [
        {
            "op": "slot.save",
            "uuid": uuid.uuid4(),
            "client_updated_at": now - dt.timedelta(seconds=i),
            "data": {
                "session": digital.uuid,
                "platform": "social_network",
                "starts_at": start,
                "ends_at": now,
                "profiles_spotted": 30,
                "messages_sent": 12,
                "conversations": 6,
                "requests": {"housing": 2, "health": 1},
                "orientations": 2,
            },
        }
        for i in range(args.slots)
    ]
    elapsed = timed(saves)
    print(f"  slot saves: {args.slots / elapsed:,.0f} slots/s ({args.slots} in {elapsed * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
