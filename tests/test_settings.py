"""Production settings: refuse to start unsafely, and pass Django's deployment checklist."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROD = {
    "DEBUG": "false",
    "SECRET_KEY": "a-test-secret-key-that-is-long-and-random-enough-0123456789-abcdefghijkl",
    "ALLOWED_HOSTS": "maraude.example.org",
    "DJANGO_SETTINGS_MODULE": "maraude.settings",
}


def manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "SECRET_KEY_FILE"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_mode_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PROD.items() if k != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


def test_the_secret_key_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text(PROD["SECRET_KEY"] + "\n")
    env = {**{k: v for k, v in PROD.items() if k != "SECRET_KEY"}, "SECRET_KEY_FILE": str(secret)}
    result = manage("check", env=env)
    assert result.returncode == 0, result.stderr


def test_production_settings_pass_check_deploy_without_any_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PROD)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_malformed_boolean_is_an_error_not_a_guess():
    result = manage("check", env={**PROD, "DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_the_disclosure_threshold_never_goes_below_three():
    result = manage("check", env={**PROD, "DISCLOSURE_THRESHOLD": "2"})
    assert result.returncode != 0
    assert "DISCLOSURE_THRESHOLD must be at least 3" in result.stderr


def test_the_content_security_policy_allows_no_inline_script():
    from django.conf import settings

    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["style-src"]


def test_migrations_are_in_step_with_the_models():
    result = manage("makemigrations", "--check", "--dry-run", env={"DEBUG": "true"})
    assert result.returncode == 0, result.stdout + result.stderr


def test_proconnect_needs_its_secret_and_its_origin_joins_the_form_targets(tmp_path):
    proconnect = {
        **PROD,
        "PROCONNECT_CLIENT_ID": "client",
        "PROCONNECT_DISCOVERY_URL": "https://proconnect.example/api/v2/.well-known/openid-configuration",
    }
    refused = manage("check", env=proconnect)
    assert refused.returncode != 0 and "PROCONNECT_CLIENT_SECRET" in refused.stderr

    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    script = (
        "import maraude.settings as s;"
        "print(s.PROCONNECT_ENABLED, s.PROCONNECT_CLIENT_SECRET,"
        " s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "SECRET_KEY_FILE"}}
    shown = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean, **proconnect, "PROCONNECT_CLIENT_SECRET_FILE": str(secret)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.stdout.strip() == "True s3cret [\"'self'\", 'https://proconnect.example']"
