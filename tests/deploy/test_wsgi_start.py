"""A production worker loads its views when it starts, then keeps them out of the collector's scans."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, sys
import maraude.wsgi
print(gc.get_freeze_count(), gc.get_threshold()[0], "api.views.sync" in sys.modules)
"""


def test_the_wsgi_module_loads_the_views_and_freezes_them():
    env = {**os.environ, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "maraude.settings"}
    env.pop("DATABASE_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    frozen, threshold, views_loaded = int(out[0]), int(out[1]), out[2]
    assert frozen > 10_000  # the settings, models, URLconf and views
    assert threshold == 20_000
    assert views_loaded == "True"
