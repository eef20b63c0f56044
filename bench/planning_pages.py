"""Time the coordinator's heavy planning pages on a seeded database.

    createdb maraude_bench && export DATABASE_URL=postgres://…/maraude_bench
    DEBUG=true .venv/bin/python manage.py migrate
    DEBUG=true .venv/bin/python manage.py seed_demo --contacts 200000
    DEBUG=true .venv/bin/python bench/planning_pages.py

Prints, for the demo coordinator, the median of 5 runs and the number of SQL queries of each page.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maraude.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from outreach.models import Contact, User  # noqa: E402


def main() -> None:
    coordinator = User.objects.get(username="demo-coordinator")
    client = Client(HTTP_HOST="localhost")
    client.force_login(coordinator)
    rows = Contact.objects.filter(team__organisation=coordinator.organisation).count()
    print(f"{connection.vendor}, {Contact.objects.count():,} contacts, {rows:,} in this organisation")
    print(f"{'page':<40} {'median ms':>10} {'queries':>8}")
    last = Contact.objects.order_by("-service_date").values_list("service_date", flat=True).first()
    for label, url in [
        ("board (current week)", f"/planning/?week={last}"),
        ("coverage (last 4 weeks)", f"/planning/coverage/?end={last}"),
        ("coverage (6 months)", "/planning/coverage/?start=2000-01-01"),
        ("activity (last 4 weeks)", f"/planning/activity/?end={last}"),
        ("directory", "/planning/directory/"),
    ]:
        times = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{label:<40} {statistics.median(times):>10.1f} {len(queries):>8}")


if __name__ == "__main__":
    main()
