"""The board, the route builder and the coverage view on demo data, in Chromium: no script
error (the CSP forbids inline code), and screenshots for the docs.

Screenshots go to $SCREENSHOTS_DIR when set (docs/screenshots/ is refreshed with
`SCREENSHOTS_DIR=docs/screenshots pytest tests/frontend/test_planning_screens.py`).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from outreach.demo.catalogue import demo_totp_code
from outreach.demo.generate import DEMO_PASSWORD, build_demo
from outreach.models import OutreachSession, User
from outreach.services import planning
from tests.factories import HotspotFactory
from tests.frontend.test_planning_browser import browser_page  # noqa: F401 (fixture)

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[str]:
    """Serious and critical axe-core findings on the current page (injected over CDP, so the
    page's CSP, which forbids inline scripts, stays on)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(' | '))"
    )
    return list(result)


pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_planning_screens_render_without_script_errors(browser_page, live_server, tmp_path):  # noqa: F811
    page = browser_page
    out = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    today = timezone.localdate()
    build_demo(contacts=900, months=2, seed=2021, until=today)
    coordinator = User.objects.get(username="coord-prevention-nord-demo")
    source = (
        OutreachSession.objects.filter(team__organisation=coordinator.organisation, kind="street")
        .exclude(route_stops=None)
        .order_by("-planned_start")
        .first()
    )
    friday = today + dt.timedelta(days=(4 - today.weekday()) % 7 or 7)
    planned = planning.copy_session(actor=coordinator, source=source, day=friday)
    digital_source = OutreachSession.objects.filter(
        team__organisation=coordinator.organisation, kind="digital"
    ).first()
    digital = planning.copy_session(actor=coordinator, source=digital_source, day=friday)
    # A place added last week, never visited yet: the coverage view should suggest it.
    sector = source.route_stops.first().hotspot.territory
    HotspotFactory(
        organisation=coordinator.organisation,
        name="Parc Jean-Baptiste Lebas",
        kind="park",
        territory=sector,
        latitude="50.628",
        longitude="3.068",
    )

    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error"
            and "no-tiles" not in (msg.location or {}).get("url", "")
            and "Failed to load resource" not in msg.text
            else None
        ),
    )
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", coordinator.username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    # The demo's second factor, as README tells someone trying Maraude (`make demo-code`).
    page.fill("input[name=code]", demo_totp_code())
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url and "/two-factor/" not in url)

    page.goto(f"{live_server.url}/planning/?week={friday.isoformat()}")
    page.locator(".calendar").wait_for()
    page.screenshot(path=str(out / "planning-board.png"), full_page=True)
    problems = {"board": axe_violations(page)}

    page.goto(f"{live_server.url}/planning/sessions/{planned.pk}/route/")
    # The team sets off from the Grand-Place.
    page.fill("#id_start_latitude", "50.637")
    page.fill("#id_start_longitude", "3.063")
    page.get_by_role("button", name="Order as the shortest walk").click()
    page.get_by_text("Route ordered").wait_for()
    page.locator(".leaflet-marker-icon").first.wait_for()
    page.screenshot(path=str(out / "planning-route-builder.png"), full_page=True)
    problems["route"] = axe_violations(page)

    page.goto(f"{live_server.url}/planning/coverage/")
    page.get_by_role("heading", name="Suggested: active but under-visited").wait_for()
    assert page.locator("table.coverage tbody tr").count() > 3
    assert "Parc Jean-Baptiste Lebas" in page.locator(".suggestions").inner_text()
    page.screenshot(path=str(out / "planning-coverage.png"), full_page=True)
    problems["coverage"] = axe_violations(page)

    for name, path in [
        ("directory", "/planning/directory/"),
        ("hotspots", "/planning/hotspots/"),
        ("hotspot form", "/planning/hotspots/new/"),
        ("activity", "/planning/activity/"),
        ("session form", "/planning/sessions/new/"),
        ("slots", f"/planning/sessions/{digital.pk}/slots/"),
        ("import", "/planning/directory/import/"),
    ]:
        page.goto(live_server.url + path)
        problems[name] = axe_violations(page)

    # Tablet (portrait): the pages fit the width; wide tables scroll inside their own box.
    page.set_viewport_size({"width": 768, "height": 1024})
    for path in (
        f"/planning/?week={friday.isoformat()}",
        f"/planning/sessions/{planned.pk}/route/",
        "/planning/coverage/",
    ):
        page.goto(live_server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
    page.goto(f"{live_server.url}/planning/?week={friday.isoformat()}")
    page.screenshot(path=str(out / "planning-board-tablet.png"))

    assert errors == []
    assert {name: found for name, found in problems.items() if found} == {}
