"""compose.yaml and the Dockerfile, checked against what the app needs (no Docker engine here)."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.deploy.support import ENV_LINE, ROOT

APP_IMAGE_SERVICES = ("migrate", "app", "scheduler")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def _documented_variables() -> set[str]:
    return set(ENV_LINE.findall((ROOT / ".env.example").read_text()))


def test_compose_runs_the_database_cache_app_proxy_jobs_and_backups(compose):
    assert set(compose["services"]) == {
        "db", "redis", "migrate", "app", "scheduler", "nginx", "backup",
    }  # fmt: skip
    assert compose["services"]["db"]["image"].startswith("postgres:15")
    assert compose["services"]["backup"]["image"] == compose["services"]["db"]["image"]


def test_app_containers_get_only_documented_settings_from_env_file_and_secrets(compose):
    documented = _documented_variables()
    for name in APP_IMAGE_SERVICES:
        service = compose["services"][name]
        assert service["env_file"] == ".env"
        assert set(service["environment"]) <= documented, name
        assert set(service["secrets"]) == {"db_password", "secret_key"}
        assert service["environment"]["SECRET_KEY_FILE"] == "/run/secrets/secret_key"
        assert service["environment"]["DATABASE_PASSWORD_FILE"] == "/run/secrets/db_password"
        assert service["environment"]["DATABASE_URL"].startswith("postgres://maraude@db:5432/")
    db_env = compose["services"]["db"]["environment"]
    assert db_env["POSTGRES_PASSWORD_FILE"] == "/run/secrets/db_password"
    assert db_env["POSTGRES_USER"] == "maraude" and db_env["POSTGRES_DB"] == "maraude"


def test_backup_container_reads_the_database_like_the_app(compose):
    backup = compose["services"]["backup"]
    assert set(backup["environment"]) <= _documented_variables()
    assert "/opt/maraude/backup.sh" in backup["entrypoint"]
    assert any(volume.endswith(":/backups") for volume in backup["volumes"])


def test_volumes_and_secrets_are_declared_and_mounted_files_exist(compose):
    declared = set(compose["volumes"])
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("./deploy/"):
                assert (ROOT / source).is_file(), f"{name} mounts missing {source}"
            elif not source.startswith("./"):
                assert source in declared, f"{name} uses undeclared volume {source}"
        for secret in service.get("secrets", []):
            assert secret in compose["secrets"]
    assert {"pgdata", "media"} <= declared
    assert compose["services"]["db"]["volumes"] == ["pgdata:/var/lib/postgresql/data"]


def test_long_running_services_have_healthchecks_and_start_in_order(compose):
    services = compose["services"]
    for name in ("db", "redis", "app", "nginx"):
        assert services[name]["healthcheck"]["test"], name
    assert "/healthz" in " ".join(services["app"]["healthcheck"]["test"])
    assert services["app"]["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }
    assert services["migrate"]["restart"] == "no"
    assert services["nginx"]["depends_on"] == {"app": {"condition": "service_healthy"}}
    assert services["nginx"]["ports"] == ["80:80", "443:443"]
    assert "ports" not in services["app"]  # reachable through nginx only (REAL_IP_HEADER)


def test_scheduled_jobs_run_the_real_commands(compose):
    jobs = (ROOT / "deploy" / "docker" / "nightly-jobs.sh").read_text()

    assert compose["services"]["scheduler"]["command"][:2] == ["sh", "deploy/docker/every-night.sh"]
    assert "manage.py purge_expired_contacts" in jobs
    assert "manage.py send_funder_summaries" in jobs


def test_dockerfile_runs_gunicorn_unprivileged_with_collected_static_and_a_healthcheck():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert re.search(r"^FROM python:3\.1[1-9]-slim", dockerfile, re.MULTILINE)
    assert "manage.py collectstatic" in dockerfile
    assert re.search(r"^USER maraude$", dockerfile, re.MULTILINE)
    assert "/healthz" in dockerfile.split("HEALTHCHECK", 1)[1]
    assert '"--config", "deploy/gunicorn.conf.py"' in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", "secrets", ".git", ".venv"} <= set(ignored)
