"""Helpers for the deployment tests: run the real project in subprocesses, make PostgreSQL databases."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
DEFAULT_PG_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
# `.env.example`: `NAME=value`, or `# NAME=value` for a default left commented.
ENV_LINE = re.compile(r"^#?\s?([A-Z][A-Z0-9_]*)=", re.MULTILINE)
# The worker account the production server is started with (tests/deploy/conftest.py).
USERNAME = "deploy-worker"
PASSWORD = "Nuit-de-maraude-2026!"
TEST_SECRET_KEY = "deploy-test-secret-key-" + "x7Qp2" * 10  # 50+ chars, not a real secret


def clean_env(**overrides: str) -> dict[str, str]:
    """The environment of a fresh shell: no project variables inherited from the test run."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PGHOST", "PGPORT", "PGUSER")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env.update(overrides)
    return env


def settings_values(env: dict[str, str], *names: str) -> dict:
    """Import maraude.settings in a fresh interpreter with `env`; return the named settings as JSON."""
    script = (
        "import json, maraude.settings as s, maraude.env as e;"
        f"print(json.dumps({{n: getattr(s, n, None) for n in {list(names)!r}}}"
        ", default=str))"
    )
    done = subprocess.run(
        [PYTHON, "-c", script], cwd=ROOT, env=clean_env(**env), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def manage(*args: str, env: dict[str, str], timeout: float = 240) -> subprocess.CompletedProcess:
    """Run manage.py with `env` (nothing inherited); fail the test with its output if it fails."""
    done = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done


# --- PostgreSQL ------------------------------------------------------------------------------


def pg_server_url() -> str:
    """The PostgreSQL server of the test run (DATABASE_URL when it is PostgreSQL), as a URL."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url
    return DEFAULT_PG_SERVER


def _admin_connection():
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(pg_server_url())
    params["dbname"] = "postgres"
    params.setdefault("connect_timeout", 3)
    return psycopg.connect(make_conninfo(**params), autocommit=True)


def database_url(name: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(pg_server_url())
    user = params.get("user", "postgres")
    password = f":{params['password']}" if params.get("password") else ""
    host = params.get("host", "127.0.0.1")
    port = params.get("port", "5432")
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def require_postgres() -> None:
    """Skip the calling test, saying why, when no PostgreSQL server answers."""
    try:
        with _admin_connection():
            pass
    except Exception as exc:
        pytest.skip(f"PostgreSQL unreachable at {pg_server_url()}: {exc}")


def unique_db_name(purpose: str) -> str:
    return f"maraude_deploy_{purpose}_{os.getpid()}_{uuid.uuid4().hex[:8]}"


def create_database(name: str) -> str:
    """Create an empty database; return its URL."""
    with _admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return database_url(name)


def drop_database(name: str) -> None:
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
