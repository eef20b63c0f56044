"""Every variable the code reads is in .env.example and docs/settings.md, and nothing else is."""

import re
import subprocess
import sys

from tests.deploy.support import ENV_LINE, ROOT, TEST_SECRET_KEY, clean_env

# docs/settings.md: table rows `| NAME | default | meaning |`.
TABLE_ROW = re.compile(r"^\|\s*`?([A-Z][A-Z0-9_]*)`?\s*\|", re.MULTILINE)


def _variables_read(env: dict[str, str]) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", "import maraude.settings, maraude.env as e; print(*sorted(e.KNOWN))"],
        cwd=ROOT,
        env=clean_env(**env),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def variables_read_by_settings() -> set[str]:
    # Some settings are only read in production, some only in development: take both.
    return _variables_read({"DEBUG": "true"}) | _variables_read(
        {"DEBUG": "false", "SECRET_KEY": TEST_SECRET_KEY}
    )


def test_env_example_lists_exactly_the_variables_the_settings_read():
    documented = set(ENV_LINE.findall((ROOT / ".env.example").read_text()))
    read = variables_read_by_settings()

    assert documented - read == set(), "in .env.example but never read"
    assert read - documented == set(), "read by the settings but missing from .env.example"


def test_docs_settings_table_lists_exactly_the_variables_the_settings_read():
    documented = set(TABLE_ROW.findall((ROOT / "docs" / "settings.md").read_text()))
    read = variables_read_by_settings()

    assert documented - read == set(), "in docs/settings.md but never read"
    assert read - documented == set(), "read by the settings but missing from docs/settings.md"
