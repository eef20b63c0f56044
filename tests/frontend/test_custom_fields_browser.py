"""The organisation's own fields in Chromium: a worker fills one of each kind offline in the
contact form and the debrief, the phone refuses a wrong value as the server would, and after
reconnecting each record reaches the database once. The coordinator's definition page passes
axe. Screenshots (light and dark) for the docs when $SCREENSHOTS_DIR is set.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from outreach.models import Contact, OutreachSession
from tests.custom_field_builders import one_of_each
from tests.factories import CoordinatorFactory
from tests.frontend.fieldapp import go_online, open_tab, sign_in, start_planned_session, unlock, wait_synced
from tests.frontend.test_field_app_screens import set_theme

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def pick(page, key: str, label: str) -> None:
    page.locator(f"[data-group=custom_{key}]").get_by_role("button", name=label, exact=True).click()


def test_a_field_of_each_kind_filled_offline_reaches_the_server_once(
    page, context, live_server, world, tmp_path
):
    out = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    coordinator = CoordinatorFactory(organisation=world.team.organisation)
    fields = one_of_each(coordinator)
    debrief = one_of_each(coordinator, target="debrief")
    sign_in(page, live_server.url, world.worker.username)

    context.set_offline(True)
    page.reload()
    unlock(page)
    start_planned_session(page, "Maraude gare")
    page.get_by_role("button", name="Nouveau contact").first.click()
    page.locator("[data-group=age_band]").get_by_role("button", name="15–17 ans").click()
    page.locator("[data-group=gender]").get_by_role("button", name="Fille").click()
    pick(page, fields["yes_no"].key, "Oui")
    pick(page, fields["choice"].key, "Foyer")
    pick(page, fields["multi_choice"].key, "Santé")
    pick(page, fields["multi_choice"].key, "Juridique")
    page.get_by_label("Date de fugue").fill("2026-11-02")
    page.get_by_label("Nuits dehors").fill("4")
    for theme in ("light", "dark"):
        set_theme(page, theme)
        page.locator("[data-custom-field]").first.evaluate(
            "el => { el.scrollIntoView({block: 'start'}); window.scrollBy(0, -90); }"
        )
        page.screenshot(path=out / f"contact-custom-fields-{theme}.png")
    # Out of the coordinator's bounds: refused on the phone, with the field named.
    page.get_by_label("Nuits dehors").fill("31")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("#contact-error")).to_contain_text(
        "Nuits dehors : Attendu : un nombre entre 0 et 30."
    )
    page.get_by_label("Nuits dehors").fill("4")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("[data-screen=session-active]")).to_contain_text("1 contact")

    page.get_by_role("button", name="Terminer la session").click()
    expect(page.locator("[data-screen=debrief]")).to_be_visible()
    pick(page, debrief["choice"].key, "Rue")
    pick(page, debrief["yes_no"].key, "Non")
    page.get_by_label("Nuits dehors").fill("12")
    page.get_by_role("button", name="Terminer la session").click()
    expect(page.locator("[data-screen=debrief]")).to_have_count(0)
    assert Contact.objects.count() == 0

    go_online(page, context)
    wait_synced(page)
    open_tab(page, "Synchro")
    page.get_by_role("button", name="Synchroniser").click()  # a replay changes nothing
    expect(page.locator("#pending-count")).to_have_text("0")
    contact = Contact.objects.get()
    assert contact.custom_values == {
        fields["yes_no"].key: True,
        fields["choice"].key: "foyer",
        fields["multi_choice"].key: ["sante", "juridique"],
        fields["number"].key: 4,
        fields["date"].key: "2026-11-02",
    }
    session = OutreachSession.objects.get(pk=world.session.pk)
    assert session.status == "done"
    assert session.custom_values == {
        debrief["choice"].key: "rue",
        debrief["yes_no"].key: False,
        debrief["number"].key: 12,
    }
