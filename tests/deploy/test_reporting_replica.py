"""Reporting reads go to the "replica" alias when DATABASE_REPLICA_URL is set; field work never does.

Runs the real settings in a subprocess: both aliases point at the same SQLite file, which is
enough to see which connection each query went through.
"""

import json

from tests.deploy.support import manage

PROBE = """
import json
from django.db import connections
from django.test.utils import CaptureQueriesContext
from outreach import db
from outreach.models import Organisation, Territory, User

seen = {}
def run(label, fn):
    with CaptureQueriesContext(connections["default"]) as primary, \\
         CaptureQueriesContext(connections["replica"]) as replica:
        fn()
    seen[label] = {"default": len(primary), "replica": len(replica)}

def in_reporting_block():
    with db.reporting_queries() as alias:
        assert alias == "replica", alias
        Territory.objects.filter(level="departement").count()

def write_in_reporting_block():
    with db.reporting_queries():
        Organisation.objects.create(name="Written while reporting", kind="outreach")

def registered_model():
    db.REPORTING_MODELS.add("outreach.Territory")
    try:
        list(Territory.objects.all()[:1])
    finally:
        db.REPORTING_MODELS.discard("outreach.Territory")

def funder_report():
    import datetime as dt
    from outreach.reporting.aggregate import ReportScope
    from outreach.reporting.periods import Period
    from outreach.reporting.report import build_report
    from outreach.reporting.territories import TerritoryTree

    org = Organisation.objects.create(name="Reported", kind="outreach")
    nord = Territory.objects.get(level="departement", code="59")
    tree = TerritoryTree()
    year = Period("year", dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    scope = ReportScope(frozenset({org.pk}), nord.pk, year)
    with CaptureQueriesContext(connections["default"]) as primary, \
         CaptureQueriesContext(connections["replica"]) as replica:
        build_report(scope, tree=tree)
    rollups = lambda queries: sum("rollup" in q["sql"] for q in queries)
    seen["report_rollups"] = {"default": rollups(primary), "replica": rollups(replica)}

funder_report()
run("explicit", lambda: Territory.objects.using(db.reporting_db()).count())
run("reporting_block", in_reporting_block)
run("field_read", lambda: User.objects.count())
run("write_in_reporting_block", write_in_reporting_block)
run("registered_model", registered_model)
seen["reporting_db"] = db.reporting_db()
print("RESULT", json.dumps(seen))
"""


def _probe(env: dict[str, str]) -> dict:
    out = manage("shell", "-c", PROBE, env=env).stdout
    return json.loads(out.split("RESULT", 1)[1])


def test_reporting_queries_go_to_the_replica_and_field_work_to_the_primary(tmp_path):
    url = f"sqlite:///{tmp_path / 'maraude.sqlite3'}"
    env = {"DEBUG": "true", "DATABASE_URL": url}
    manage("migrate", "--no-input", "-v0", env=env)

    seen = _probe({**env, "DATABASE_REPLICA_URL": url})

    assert seen["reporting_db"] == "replica"
    assert seen["explicit"] == {"default": 0, "replica": 1}
    assert seen["reporting_block"] == {"default": 0, "replica": 1}
    assert seen["registered_model"] == {"default": 0, "replica": 1}
    assert seen["field_read"] == {"default": 1, "replica": 0}
    # A report reads every roll-up from the replica (outreach.reporting.aggregate.load_counts).
    assert seen["report_rollups"]["default"] == 0
    assert seen["report_rollups"]["replica"] >= 2
    # Writes always go to the primary, even inside a reporting block.
    assert seen["write_in_reporting_block"]["replica"] == 0
    assert seen["write_in_reporting_block"]["default"] >= 1


def test_without_a_replica_reporting_reads_the_primary(tmp_path):
    from django.conf import settings

    from outreach import db

    assert "replica" not in settings.DATABASES
    assert db.reporting_db() == "default"
    with db.reporting_queries() as alias:
        assert alias == "default"
