"""Lighthouse's best-practices audit scores 1.0 on every key page, against the live server.

Lighthouse (npm `lighthouse@12`, installed by `make axe` with the other test-only packages) runs
in Debian's Chromium with the flags of tests/frontend/chromium.py; lighthouse-pages.mjs audits
the pages one after the other in one browser, each with its own signed-in session.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from outreach.demo.generate import build_demo
from outreach.models import FundingAgreement, OutreachSession, User
from tests.factories import sign_in
from tests.frontend.chromium import CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
HERE = Path(__file__).parent
RUNNER = HERE / "lighthouse-pages.mjs"
LIGHTHOUSE = HERE / "node_modules" / "lighthouse"


def session_cookie(username: str) -> list[dict]:
    client = Client()
    sign_in(client, User.objects.get(username=username))
    return [{"name": "sessionid", "value": client.cookies["sessionid"].value}]


def test_every_key_page_scores_full_marks_on_best_practices(live_server, settings, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make chromium)")
    if not LIGHTHOUSE.exists() or shutil.which("node") is None:
        pytest.fail("Lighthouse is not installed: run `make axe` (npm ci in tests/frontend).")
    # Map tiles from the live server (the tests have no network): real images, no console error.
    settings.MAP_TILE_URL = live_server.url + "/static/frontend_pwa/icons/icon-512.png?{z}/{x}/{y}"
    build_demo(contacts=200, months=1, seed=2021)
    street = (
        OutreachSession.objects.filter(team__name="Lille nuit", status="planned")
        .exclude(route_stops=None)
        .order_by("planned_start")
        .first()
    )
    agreement = FundingAgreement.objects.filter(funder__members__username="demo-funder").first()
    coordinator, funder = session_cookie("demo-coordinator"), session_cookie("demo-funder")
    pages = [
        ("/login/", []),
        ("/app/", session_cookie("demo-worker")),
        ("/", coordinator),
        ("/planning/", coordinator),
        (f"/planning/sessions/{street.pk}/route/", coordinator),
        ("/planning/coverage/", coordinator),
        ("/planning/directory/", coordinator),
        ("/planning/directory/data-inclusion/", coordinator),
        ("/planning/activity/", coordinator),
        ("/reports/coordinator/", coordinator),
        ("/devices/", coordinator),
        ("/reports/funder/", funder),
        (f"/reports/funder/{agreement.pk}/", funder),
    ]
    jobs = tmp_path / "jobs.json"
    jobs.write_text(
        json.dumps(
            {
                "flags": ["--headless=new", *CHROMIUM_ARGS],
                "pages": [{"url": live_server.url + path, "cookies": cookies} for path, cookies in pages],
            }
        ),
        encoding="utf-8",
    )
    run = subprocess.run(
        ["node", str(RUNNER), str(jobs)],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads(run.stdout.splitlines()[-1])

    assert [r["finalUrl"] for r in results] == [live_server.url + path for path, _ in pages]  # signed in
    below = {
        r["url"]: {f["id"]: f["items"][:3] for f in r["failures"]} or r["runtimeError"]
        for r in results
        if r["score"] != 1 or r["runtimeError"]
    }
    assert below == {}
