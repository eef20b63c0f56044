"""deploy/backup.sh and deploy/restore.sh against the local PostgreSQL: dump, rotate, restore, run."""

from __future__ import annotations

import subprocess

import pytest

from tests.deploy.support import (
    ROOT,
    TEST_SECRET_KEY,
    clean_env,
    create_database,
    drop_database,
    manage,
    require_postgres,
    unique_db_name,
)

pytestmark = pytest.mark.slow

ADD_RECORDS = """
from outreach.models import Organisation, Team, Territory, User
org = Organisation.objects.create(name="Association sauvegardée", kind="outreach")
team = Team.objects.create(organisation=org, name="Équipe Sud")
team.territories.set(Territory.objects.filter(level="departement", code__in=["13", "83"]))
User.objects.create_user(
    username="saved-worker", password="x" * 12, role="worker", team=team, organisation=org
)
"""


def _script(name: str, *args: str, database_url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(ROOT / "deploy" / name), *args],
        env=clean_env(DATABASE_URL=database_url),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _row_counts(database_url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(database_url) as conn:
        tables = [
            row[0]
            for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        ]
        # Table names come from the catalog, not from input.
        count = 'SELECT count(*) FROM "{}"'
        return {t: conn.execute(count.format(t)).fetchone()[0] for t in tables}


@pytest.fixture
def databases():
    require_postgres()
    names = [unique_db_name("backup"), unique_db_name("restore")]
    try:
        yield [create_database(name) for name in names]
    finally:
        for name in names:
            drop_database(name)


def test_a_backup_restores_into_an_empty_database_and_the_app_runs_on_it(databases, tmp_path):
    source, target = databases
    app_env = {"DEBUG": "false", "SECRET_KEY": TEST_SECRET_KEY, "ALLOWED_HOSTS": "x"}
    manage("migrate", "--no-input", "-v0", env={**app_env, "DATABASE_URL": source})
    manage("shell", "-c", ADD_RECORDS, env={**app_env, "DATABASE_URL": source})
    backups = tmp_path / "backups"
    backups.mkdir()
    for stamp in ("20250101T020000Z", "20250102T020000Z", "20250103T020000Z"):
        (backups / f"maraude-{stamp}.dump").write_text("an older backup")
    (backups / "notes.txt").write_text("not ours")

    backed_up = _script("backup.sh", str(backups), "2", database_url=source)
    assert backed_up.returncode == 0, backed_up.stderr
    dump = backed_up.stdout.strip().splitlines()[-1]

    # Rotation keeps the 2 newest dumps and nothing else of ours; other files are left alone.
    assert sorted(p.name for p in backups.iterdir()) == sorted(
        ["maraude-20250103T020000Z.dump", dump.rsplit("/", 1)[-1], "notes.txt"]
    )

    restored = _script("restore.sh", dump, database_url=target)
    assert restored.returncode == 0, restored.stderr

    counts = _row_counts(target)
    assert counts == _row_counts(source)
    assert counts["outreach_user"] == 1
    assert counts["outreach_territory"] > 100

    # The app runs on the restored database: schema current, reads and new writes work.
    target_env = {**app_env, "DATABASE_URL": target}
    manage("migrate", "--check", "-v0", env=target_env)
    written = manage(
        "shell",
        "-v0",
        "-c",
        "from outreach.models import Organisation, User;"
        "Organisation.objects.create(name='Après restauration', kind='outreach');"
        "print(User.objects.get().username, Organisation.objects.count())",
        env=target_env,
    )
    assert written.stdout.split() == ["saved-worker", "2"]


def test_restore_refuses_a_database_that_already_has_tables(databases, tmp_path):
    import psycopg

    _, target = databases
    with psycopg.connect(target) as conn:
        conn.execute("CREATE TABLE already_here (id int)")
    dump = tmp_path / "maraude-20250101T020000Z.dump"
    dump.write_text("never read")

    refused = _script("restore.sh", str(dump), database_url=target)

    assert refused.returncode == 3
    assert "already has" in refused.stderr
