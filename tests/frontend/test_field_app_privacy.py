"""Privacy in the hand: the lock screen and the hide button show nothing, idle phones lock,
and identifiers are caught before they are saved."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.frontend.conftest import PIN
from tests.frontend.fieldapp import (
    log_contact,
    open_tab,
    sign_in,
    start_planned_session,
    unlock,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
]


def test_hide_blanks_the_screen_and_the_lock_screen_shows_no_data(page, live_server, world):
    sign_in(page, live_server.url, world.worker.username)
    start_planned_session(page, "Maraude gare")
    log_contact(page, person_code="NR-77")
    open_tab(page, "Récents")
    expect(page.locator("[data-screen=recent]")).to_contain_text("NR-77")

    page.get_by_role("button", name="Masquer l'écran et verrouiller").click()
    expect(page.locator("#curtain")).to_be_visible()
    expect(page.locator("#shell")).to_be_hidden()
    assert "NR-77" not in page.content()
    assert page.evaluate("document.body.innerText.trim()") == ""

    page.locator("#curtain").click()
    expect(page.locator("[data-screen=lock]")).to_be_visible()
    expect(page.locator("#tabs")).to_be_hidden()
    assert "NR-77" not in page.content()
    page.get_by_label("Code", exact=True).fill("000000")
    page.get_by_role("button", name="Déverrouiller").click()
    expect(page.locator("#unlock-error")).to_have_text("Code incorrect.")
    unlock(page, PIN)
    open_tab(page, "Récents")
    expect(page.locator("[data-screen=recent]")).to_contain_text("NR-77")


def test_app_locks_itself_after_the_chosen_idle_time(page, live_server, world):
    page.clock.install()
    sign_in(page, live_server.url, world.worker.username)
    open_tab(page, "Synchro")
    page.get_by_label("Verrouiller après inactivité").select_option("1")
    # The choice is stored (and the timer re-armed) once the app confirms it.
    page.clock.run_for(100)
    expect(page.locator("#live")).to_have_text("Enregistré.")
    page.clock.run_for("00:59")
    expect(page.locator("[data-screen=sync]")).to_be_visible()
    page.clock.run_for("00:02")
    expect(page.locator("[data-screen=lock]")).to_be_visible()


def test_identifiers_in_a_note_or_person_code_are_refused_before_saving(page, live_server, world):
    sign_in(page, live_server.url, world.worker.username)
    start_planned_session(page, "Maraude gare")
    log_contact(page, note="Elle a donné son numéro 06 12 34 56 78")
    error = page.locator("#contact-error")
    expect(error).to_contain_text("numéro de téléphone")
    expect(page.locator("[data-screen=contact]")).to_be_visible()

    page.get_by_label("Note d'équipe (facultative)").fill("Son snap : lea_93 et insta @lea.x")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(error).to_contain_text("pseudo en ligne")

    page.get_by_label("Note d'équipe (facultative)").fill("Vue près de la gare, fatiguée.")
    page.get_by_label("Code personne (facultatif)").fill("lea@example.org")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(error).to_contain_text("adresse e-mail")

    page.get_by_label("Code personne (facultatif)").fill("nr-12")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("[data-screen=session-active]")).to_contain_text("1 contacts")


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("RAS, ambiance calme", []),
        ("appelle le 0612345678", ["phone"]),
        ("+33 6 12 34 56 78", ["phone"]),
        ("écrit à jeune.fille@gmail.com", ["email"]),
        ("profil sur https://exemple.fr/annonce/123", ["link"]),
        ("voir www.site-annonces.com", ["link"]),
        ("son insta @lea.x", ["handle"]),
        ("snap: lea_93", ["handle"]),
        ("vue vers 22h30, 3 jeunes", []),
        ("NR-12 revue", []),
    ],
)
def test_identifier_check_flags_phones_emails_links_and_handles(
    page, live_server, transactional_db, text, kinds
):
    page.goto(f"{live_server.url}/app/")
    found = page.evaluate(
        "async (text) => (await import('/static/frontend_pwa/js/pii-check.js')).findIdentifiers(text)",
        text,
    )
    assert found == kinds


def test_the_whole_identifier_corpus_gives_the_servers_answers_in_chromium(
    page, live_server, transactional_db
):
    """The phone's generated patterns, run by Chromium's RegExp, agree with the server on every case."""
    from outreach.rules.identifiers import find_identifiers
    from tests.outreach.test_identifiers import corpus

    texts = [text for _kinds, text in corpus()]
    page.goto(f"{live_server.url}/app/")
    found = page.evaluate(
        "async (texts) => { const m = await import('/static/frontend_pwa/js/pii-check.js');"
        " return texts.map((t) => m.findIdentifiers(t)); }",
        texts,
    )
    assert found == [find_identifiers(text) for text in texts]
    assert found == [kinds for kinds, _text in corpus()]
