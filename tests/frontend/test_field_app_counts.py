"""Head counts and a digital slot's funnel in a real Chromium: entered offline, kept through a
reload, reaching the database exactly once; accessible in both themes, and photographed.

Screenshots go to $MARAUDE_SCREENSHOTS when set, as for the other field app screens
(`MARAUDE_SCREENSHOTS=docs/screenshots pytest tests/frontend/test_field_app_counts.py`).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from outreach.models import Contact, DigitalSlot, SlotRequest, TallyMark
from tests.frontend import axe
from tests.frontend.fieldapp import go_online, open_tab, sign_in, start_planned_session, unlock, wait_synced
from tests.frontend.test_field_app_screens import set_theme

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
]


def check_screen(page: Page, name: str, anchor: str | None = None) -> None:
    """axe-core finds nothing in either theme; with MARAUDE_SCREENSHOTS, both are photographed
    (scrolled to `anchor`, the part of the screen the picture is about)."""
    out = os.environ.get("MARAUDE_SCREENSHOTS")
    for theme in ("dark", "light"):
        set_theme(page, theme)
        assert axe.violations(page) == [], f"{name} ({theme})"
        if out:
            Path(out).mkdir(parents=True, exist_ok=True)
            if anchor:
                page.locator(anchor).evaluate("e => e.scrollIntoView({block: 'start'})")
            else:
                page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=Path(out) / f"{name}-{theme}.png")


def tally(page: Page, cell: str):
    return page.locator(f'[data-tally="{cell}"] .n')


def test_head_counts_with_undo_and_a_promotion_reach_the_server_once(page, context, live_server, world):
    sign_in(page, live_server.url, world.worker.username)
    context.set_offline(True)
    page.reload()
    unlock(page)
    start_planned_session(page, "Maraude gare")

    for _ in range(3):
        page.get_by_role("button", name="Compter un de plus : 15–17 ans, Fille").click()
    page.get_by_role("button", name="Compter un de plus : 13–14 ans, Garçon").click()
    expect(tally(page, "15_17|girl")).to_have_text("3")
    expect(tally(page, "13_14|boy")).to_have_text("1")
    # The focus stays on the counter just tapped, so the next tap is one more touch.
    expect(page.locator('[data-tally="13_14|boy"]')).to_be_focused()
    expect(page.locator("[data-tally-total]")).to_have_attribute("data-tally-total", "4")

    page.get_by_role("button", name="Annuler le dernier comptage (13–14 ans, Garçon)").click()
    expect(tally(page, "13_14|boy")).to_have_text("0")
    expect(page.locator("[data-tally-total]")).to_have_attribute("data-tally-total", "3")
    check_screen(page, "session-head-counts", "[data-panel=tallies]")

    # An exchange follows with the last young person counted: the contact form comes pre-filled.
    page.get_by_role("button", name="Un échange a suivi : transformer le dernier comptage en contact").click()
    expect(page.locator("[data-screen=contact]")).to_be_visible()
    expect(page.locator("[data-group=age_band] [aria-pressed=true]")).to_have_text("15–17 ans")
    expect(page.locator("[data-group=gender] [aria-pressed=true]")).to_have_text("Fille")
    page.locator("[data-group=concerns]").get_by_role("button", name="Fugue").click()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("[data-screen=session-active]")).to_contain_text("1 contacts")
    expect(tally(page, "15_17|girl")).to_have_text("2")

    # Everything is on the phone: a reload (PIN again) shows the same counts.
    page.reload()
    unlock(page)
    open_tab(page, "Session")
    expect(tally(page, "15_17|girl")).to_have_text("2")
    expect(page.locator("[data-tally-total]")).to_have_attribute("data-tally-total", "2")
    assert TallyMark.objects.count() == 0
    assert Contact.objects.count() == 0

    go_online(page, context)
    wait_synced(page)
    assert TallyMark.objects.filter(session=world.session).count() == 4
    assert TallyMark.objects.filter(removal="").count() == 2
    assert TallyMark.objects.filter(removal="undo", gender="boy").count() == 1
    promoted = TallyMark.objects.get(removal="promoted")
    contact = Contact.objects.get()
    assert promoted.contact == contact
    assert (contact.age_band, contact.gender, contact.level) == ("15_17", "girl", "exchange")
    # A second sync (a replay of nothing) changes nothing.
    page.get_by_role("button", name="Synchroniser").click()
    expect(page.locator("#pending-count")).to_have_text("0")
    assert TallyMark.objects.count() == 4
    assert Contact.objects.count() == 1


def test_a_digital_slots_funnel_entered_offline_reaches_the_server_once(page, context, live_server, world):
    from tests.factories import SessionFactory

    start = timezone.now().replace(microsecond=0) - dt.timedelta(hours=1)
    SessionFactory(
        team=world.team,
        kind="digital",
        title="Veille réseaux",
        planned_start=start,
        planned_end=start + dt.timedelta(hours=3),
    )
    sign_in(page, live_server.url, world.worker.username)
    context.set_offline(True)
    page.reload()
    unlock(page)
    start_planned_session(page, "Veille réseaux")
    expect(page.locator("[data-panel=funnel]")).to_contain_text("Pas encore de créneau")
    page.locator("[data-panel=funnel]").get_by_label("Plateforme").select_option("messaging")
    page.get_by_role("button", name="Nouveau créneau").click()
    expect(page.locator("[data-screen=slot]")).to_be_visible()
    for _ in range(3):
        page.get_by_role("button", name="Profils ou annonces repérés : un de plus").click()
    expect(page.locator("#step-profiles_spotted")).to_have_value("3")
    page.get_by_role("spinbutton", name="Messages envoyés").fill("2")
    page.get_by_role("button", name="Conversations engagées : un de plus").click()
    page.get_by_role("spinbutton", name="Logement").fill("2")
    check_screen(page, "slot-funnel")
    page.get_by_role("button", name="Enregistrer les chiffres").click()
    # Two housing requests out of one conversation: said on the phone, as the server would.
    expect(page.locator("[data-screen=slot] [role=alert]")).to_contain_text(
        "Plus de demandes (2) que de conversations (1)."
    )
    page.get_by_role("spinbutton", name="Logement").fill("1")
    page.get_by_role("button", name="Orientations vers un partenaire : un de plus").click()
    page.get_by_role("button", name="Enregistrer les chiffres").click()
    summary = page.locator("[data-panel=funnel] .funnel-summary")
    expect(summary).to_have_text("3 repérés → 2 messages → 1 conversations → 1 demandes → 1 orientations")
    check_screen(page, "session-digital-funnel", "[data-panel=funnel]")

    # Counts corrected at the end of the slot: the same slot, its latest counts.
    page.get_by_role("button", name="Saisir les chiffres", exact=False).click()
    page.get_by_role("button", name="Conversations engagées : un de plus").click()
    page.get_by_role("button", name="Enregistrer les chiffres").click()
    expect(summary).to_have_text("3 repérés → 2 messages → 2 conversations → 1 demandes → 1 orientations")
    assert DigitalSlot.objects.count() == 0

    go_online(page, context)
    wait_synced(page)
    slot = DigitalSlot.objects.get()
    assert (
        slot.platform.code,
        slot.profiles_spotted,
        slot.messages_sent,
        slot.conversations,
        slot.orientations,
    ) == (
        "messaging",
        3,
        2,
        2,
        1,
    )
    assert dict(SlotRequest.objects.values_list("category", "count")) == {"housing": 1}
    page.get_by_role("button", name="Synchroniser").click()
    expect(page.locator("#pending-count")).to_have_text("0")
    assert DigitalSlot.objects.count() == 1
    # The slot now comes back from the server with the session: still one slot on the phone.
    open_tab(page, "Session")
    expect(page.locator("[data-panel=funnel] [data-slot]")).to_have_count(1)
