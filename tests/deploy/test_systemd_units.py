"""deploy/systemd: the units pass `systemd-analyze verify`, and every timer runs what it should."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands

from tests.deploy.support import ROOT

UNITS = ROOT / "deploy" / "systemd"


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(UNITS / name)
    return parser


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_units_pass_systemd_analyze_verify(tmp_path):
    env_file = tmp_path / "maraude.env"
    env_file.write_text("DEBUG=false\n")
    venv_bin = str(Path(sys.executable).parent)
    for unit in UNITS.iterdir():
        text = unit.read_text()
        # Point the install paths at this checkout, so the executables they name exist here.
        text = text.replace("/opt/maraude/.venv/bin", venv_bin).replace("/opt/maraude", str(ROOT))
        (tmp_path / unit.name).write_text(text.replace("/etc/maraude/maraude.env", str(env_file)))

    checked = subprocess.run(
        [
            "systemd-analyze",
            "verify",
            "--man=no",
            *sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".service", ".timer")),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )

    assert checked.returncode == 0, checked.stderr
    assert checked.stderr.strip() == "", checked.stderr  # unknown keys are only warned about


@pytest.mark.parametrize(
    ("timer", "command"),
    [
        ("maraude-purge", "manage.py purge_expired_contacts"),
        ("maraude-funder-summaries", "manage.py send_funder_summaries"),
        ("maraude-backup", "deploy/backup.sh /var/backups/maraude 14"),
        ("maraude-sync-log-purge", "manage.py purge_sync_log"),
        ("maraude-rollups", "manage.py rebuild_rollups --recent-days 10"),
    ],
)
def test_each_timer_starts_its_service_running_the_right_command(timer, command):
    schedule = _unit(f"{timer}.timer")
    service = _unit(f"{timer}.service")

    assert schedule["Timer"]["OnCalendar"]
    assert schedule["Timer"]["Persistent"] == "true"
    assert schedule["Install"]["WantedBy"] == "timers.target"
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["ExecStart"].endswith(command)
    assert service["Service"]["EnvironmentFile"] == "/etc/maraude/maraude.env"


def test_the_retention_purge_unit_names_a_real_command():
    assert "purge_expired_contacts" in get_commands()


def test_app_unit_runs_gunicorn_with_the_deploy_config():
    app = _unit("maraude.service")["Service"]

    assert app["ExecStart"].endswith("gunicorn --config deploy/gunicorn.conf.py maraude.wsgi")
    assert app["User"] == "maraude"
    assert app["ProtectSystem"] == "strict"
