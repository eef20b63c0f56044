"""Choosing where a route starts, in Chromium: the team's base, a stop, the best start; the live
total the script shows equals what the server prints, the French way and the English way; and
the official directory import page. Screenshots (light and dark) for the docs.

Screenshots go to $SCREENSHOTS_DIR when set (docs/screenshots/ is refreshed with
`SCREENSHOTS_DIR=docs/screenshots pytest tests/frontend/test_route_start_browser.py`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from pathlib import Path

import pytest
from django.utils import timezone, translation

from outreach import routing
from outreach.models import OutreachSession
from outreach.selectors.planning import session_route
from planning.formatting import kilometres
from tests.factories import (
    CoordinatorFactory,
    HotspotFactory,
    TeamFactory,
    departement,
    planned_street_session,
)
from tests.frontend.test_planning_browser import browser_page, sign_in  # noqa: F401 (fixture)
from tests.frontend.test_planning_screens import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
DATA = Path(__file__).parent.parent / "outreach" / "data" / "data_inclusion"
# Along the boulevard: the first one ticked is in the middle.
PLACES = [
    ("Place du Théâtre", "50.637", "3.064"),
    ("Porte de Paris", "50.637", "3.052"),
    ("Gare Lille-Europe", "50.638", "3.076"),
    ("Rue Royale", "50.641", "3.059"),
]
BASE = ("Local rue Solférino", "50.631", "3.055")


@pytest.fixture
def world():
    team = TeamFactory(name="Lille nuit", territories=[departement("59")])
    coordinator = CoordinatorFactory(organisation=team.organisation, username="cheffe")
    hotspots = [
        HotspotFactory(organisation=team.organisation, name=name, latitude=lat, longitude=lon)
        for name, lat, lon in PLACES
    ]
    day = timezone.localdate() + dt.timedelta(days=2)
    session = planned_street_session(coordinator, team, day=day, title="Maraude boulevard")
    return {"team": team, "coordinator": coordinator, "hotspots": hotspots, "session": session}


def shots(page, out: Path, name: str) -> None:
    """The page in the light theme, then in the dark one."""
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.screenshot(path=str(out / f"{name}-{scheme}.png"), full_page=True)
    page.emulate_media(color_scheme="light")


def live_total(page) -> str:
    summary = page.locator("#live-summary")
    summary.wait_for()
    return summary.inner_text()


def expected_km(language: str, start, names: list[str]) -> str:
    points = [next((float(lat), float(lon)) for n, lat, lon in PLACES if n == name) for name in names]
    with translation.override(language):
        return kilometres(routing.tour_length_m(start, points))


def test_the_route_start_is_chosen_and_said_in_both_languages(browser_page, live_server, world, tmp_path):  # noqa: F811
    page = browser_page
    out = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    session = world["session"]
    page.context.add_cookies([{"name": "django_language", "value": "fr", "url": live_server.url}])
    sign_in(page, live_server.url, "cheffe")
    route_url = f"{live_server.url}/planning/sessions/{session.pk}/route/"
    page.goto(route_url)
    problems = {"route builder": axe_violations(page)}

    # No base yet: the page offers to add one, then comes back.
    page.get_by_role("link", name="Ajouter la base de Lille nuit, d’où partent ses nuits").click()
    page.get_by_label("Nom de la base").fill(BASE[0])
    page.get_by_label("Latitude").fill(BASE[1])
    page.get_by_label("Longitude").fill(BASE[2])
    shots(page, out, "planning-team-base")
    problems["team base"] = axe_violations(page)
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(route_url)

    # Ticked in this order; the route starts at the first one ticked unless told otherwise.
    for name, _lat, _lon in PLACES:
        page.get_by_label(name, exact=True).check()
    names = [name for name, _lat, _lon in PLACES]
    page.get_by_label("Une des étapes").check()
    page.get_by_label("Partir de").select_option(label="Place du Théâtre")
    assert expected_km("fr", None, names) in live_total(page)  # e.g. "3,9 km"
    assert "," in expected_km("fr", None, names)

    page.get_by_label("La base de l’équipe : Local rue Solférino").check()
    base = (float(BASE[1]), float(BASE[2]))
    assert f"Cet ordre : {expected_km('fr', base, names)} à pied" in live_total(page)

    page.get_by_label("Le meilleur départ : l’étape d’où la marche est la plus courte").check()
    page.get_by_role("button", name="Ordonner selon le trajet le plus court").click()
    page.get_by_text("Parcours ordonné depuis").wait_for()
    session = OutreachSession.objects.get(pk=session.pk)
    route = session_route(session)
    assert route.start_kind == "best"
    best = min(
        routing.tour_length_m(None, [(float(lat), float(lon)) for _n, lat, lon in PLACES], order)
        for order in itertools.permutations(range(len(PLACES)))
    )
    assert route.metres == pytest.approx(best)
    start_text = page.locator("#route-start").inner_text()
    assert f"Démarre à {route.start_name}, l’étape d’où la marche est la plus courte." in start_text
    with translation.override("fr"):
        assert (
            page.locator("#route-summary caption")
            .inner_text()
            .startswith(f"{kilometres(route.metres)} à pied")
        )
    # The live total of the saved order is the server's figure, written the same way.
    assert f"Cet ordre : {kilometres_in('fr', route.metres)} à pied" in live_total(page)
    page.locator("#start-choice").scroll_into_view_if_needed()
    shots(page, out, "planning-route-start")
    problems["route builder ordered"] = axe_violations(page)

    # The same page in English: 4.3 km, not 4,3 km.
    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="Route builder").wait_for()
    assert (
        page.locator("#route-summary caption")
        .inner_text()
        .startswith(f"{kilometres_in('en', route.metres)} walked")
    )
    assert f"This order: {kilometres_in('en', route.metres)} walked" in live_total(page)
    assert "Starts at" in page.locator("#route-start").inner_text()

    assert {name: found for name, found in problems.items() if found} == {}


def kilometres_in(language: str, metres: float) -> str:
    with translation.override(language):
        return kilometres(metres)


def test_the_official_directory_import_page(browser_page, live_server, world, tmp_path):  # noqa: F811
    page = browser_page
    out = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    page.context.add_cookies([{"name": "django_language", "value": "fr", "url": live_server.url}])
    sign_in(page, live_server.url, "cheffe")
    page.goto(live_server.url + "/planning/directory/")
    page.get_by_role("link", name="Importer data·inclusion").click()
    page.get_by_role("heading", name="Importer l’annuaire officiel (data·inclusion)").wait_for()
    for week in ("2026-11-16", "2026-11-23"):
        page.get_by_label("Fichier des structures").set_input_files(
            str(DATA / f"structures-inclusion-{week}.csv")
        )
        page.get_by_label("Fichier des services").set_input_files(
            str(DATA / f"services-inclusion-{week}.csv")
        )
        page.get_by_role("button", name="Importer").click()
        page.get_by_role("heading", name="Import effectué").wait_for()
    assert page.locator("#count-created").inner_text() == "1"
    assert page.locator("#count-deactivated").inner_text() == "1"
    assert (
        "« mineurs-isoles » n’est pas un public data·inclusion"
        in page.locator("#import-problems").inner_text()
    )
    shots(page, out, "planning-directory-import")
    assert axe_violations(page) == []
