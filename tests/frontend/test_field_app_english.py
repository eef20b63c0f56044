"""The field app in English: on a phone set to English, or for an account set to English on a
French phone; every screen a worker goes through, with no French left on it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.frontend.conftest import PASSWORD, PHONE, PIN, wait_for_live_server_requests
from tests.frontend.fieldapp import wait_offline_ready

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
]

# Words that only appear in the French interface.
FRENCH = re.compile(
    r"\b(Démarrer|Nouveau|Récents|Annuaire|Synchro|Terminer|Hors ligne|Enregistrer|Comptages|"
    r"Identifiant|Mot de passe|Fille|Garçon|ans|jeunes|Annuler|Fugue|Plateforme|créneau)\b"
)


@pytest.fixture
def phone(browser, transactional_db, live_server):
    """Opens a phone-sized page in the given locale; JavaScript errors fail the test."""
    opened = []

    def open_page(locale: str) -> Page:
        context = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, locale=locale, service_workers="allow"
        )
        context.set_default_timeout(30_000)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        opened.append((context, errors))
        return page

    yield open_page
    for context, errors in opened:
        context.close()
        assert not errors, f"JavaScript errors in the page: {errors}"
    wait_for_live_server_requests()


def no_french(page: Page, where: str) -> None:
    text = page.locator("body").inner_text()
    found = FRENCH.findall(text)
    assert not found, f"French on the {where} screen: {found}"


def sign_in_english(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/app/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("PIN (at least 6 digits)").fill(PIN)
    page.get_by_label("PIN again").fill(PIN)
    page.get_by_role("button", name="Set the PIN").click()
    wait_offline_ready(page)


def test_a_phone_set_to_english_shows_the_field_app_in_english(phone, live_server, world):
    page = phone("en-US")
    page.goto(f"{live_server.url}/app/")
    expect(page.locator("[data-screen=enrol] h1")).to_have_text("Sign in")
    no_french(page, "sign-in")
    sign_in_english(page, live_server.url, world.worker.username)
    tabs = page.locator("#tabs .tab")
    expect(tabs).to_have_text(["Session", "New contact", "Recent", "Directory", "Sync"])
    page.locator("#tabs").get_by_role("button", name="Sync", exact=True).click()
    page.get_by_role("button", name="Sync now").click()
    expect(page.locator("#pending-count")).to_have_text("0")
    no_french(page, "sync")

    page.locator("#tabs").get_by_role("button", name="Session", exact=True).click()
    page.get_by_role("button", name="Start: Maraude gare").click()
    expect(page.locator("[data-panel=tallies] h2")).to_have_text("Head counts")
    page.get_by_role("button", name="Add one: 15–17, Girl").click()
    expect(page.locator("[data-tally-total]")).to_have_text("1 young people counted on this phone")
    page.get_by_role("button", name="Undo the last tap (15–17, Girl)").click()
    expect(page.locator("[data-tally-total]")).to_have_attribute("data-tally-total", "0")
    no_french(page, "session")

    page.get_by_role("button", name="New contact", exact=True).first.click()
    expect(page.locator("[data-screen=contact] h1")).to_have_text("New contact")
    page.locator("[data-group=age_band]").get_by_role("button", name="15–17").click()
    page.locator("[data-group=gender]").get_by_role("button", name="Girl").click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("[data-screen=session-active]")).to_contain_text("1 contacts")
    page.locator("#tabs").get_by_role("button", name="Recent", exact=True).click()
    expect(page.locator(".contact-item")).to_have_count(1)
    no_french(page, "recent")
    page.locator("#tabs").get_by_role("button", name="Directory", exact=True).click()
    expect(page.locator("[data-partner]")).to_have_count(2)
    no_french(page, "directory")


def test_an_account_set_to_english_gets_english_on_a_french_phone(phone, live_server, world):
    world.worker.language = "en"
    world.worker.save(update_fields=["language"])
    page = phone("fr-FR")
    page.goto(f"{live_server.url}/app/")
    # Before signing in, the phone's language: French.
    expect(page.locator("[data-screen=enrol] h1")).to_have_text("Se connecter")
    page.get_by_label("Identifiant").fill(world.worker.username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("[data-screen=pin-setup] h1")).to_have_text("Choose a PIN")
    page.get_by_label("PIN (at least 6 digits)").fill(PIN)
    page.get_by_label("PIN again").fill(PIN)
    page.get_by_role("button", name="Set the PIN").click()
    expect(page.locator("#tabs .tab")).to_have_text(["Session", "New contact", "Recent", "Directory", "Sync"])
    # And it stays so after a restart, before the PIN (the lock screen is in English too).
    page.reload()
    expect(page.locator("[data-screen=lock]")).to_contain_text("Unlock")
    no_french(page, "lock")
