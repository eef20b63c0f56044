"""A PostgreSQL cluster of the test's own, on a free port, that the test may stop and restart.

The shared server on 5432 is never restarted: other engineers' suites run on it. This one is
made with `initdb` into a temporary directory (as the `postgres` user when the tests run as
root, which PostgreSQL requires), started with `pg_ctl`, and deleted at the end.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.deploy.server import free_port

BIN = Path("/usr/lib/postgresql/15/bin")


def available() -> str | None:
    """Why a private cluster cannot be made here, or None."""
    if not (BIN / "initdb").exists():
        return f"PostgreSQL 15 server binaries not found in {BIN}"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "running as root without runuser: cannot run initdb as postgres"
    return None


class PrivateCluster:
    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="maraude-pg-"))
        self.data = self.dir / "data"
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [str(BIN / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=self.dir)
        assert done.returncode == 0, f"{args[0]} failed:\n{done.stdout}\n{done.stderr}"
        return done

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def start(self) -> PrivateCluster:
        if not self.data.exists():
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"), "-w", "start")
        self._options = options
        return self

    def restart(self) -> None:
        """A fast restart: every connection is cut, the server is back when this returns."""
        # -l again: without it the restarted server would log to (and hold open) our pipe.
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-l", str(self.dir / "log"), "-w", "restart")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def start_again(self) -> None:
        """Start after `stop()`, on the same port."""
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", self._options, "-l", str(self.dir / "log"), "-w", "start"
        )

    def destroy(self) -> None:
        with contextlib.suppress(AssertionError, subprocess.TimeoutExpired):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)

    def connect(self, dbname: str = "postgres", **kwargs):
        import psycopg

        return psycopg.connect(f"{self.url}/{dbname}", connect_timeout=5, **kwargs)
