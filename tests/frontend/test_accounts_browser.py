"""Accounts in Chromium, in French and English, axe-clean with the CSP on: an invitation and the
second factor set up at first sign-in, a self-service reset, a coordinator's one-time reset that
a phone survives with its encrypted data, passkeys through Chromium's virtual authenticator."""

from __future__ import annotations

import base64
import re

import pytest
from django.core import mail
from django_otp.oath import totp
from playwright.sync_api import expect

from outreach.models import Contact, JournalEntry, PasskeyDevice, User
from tests.factories import CoordinatorFactory, FunderUserFactory, authenticator, sign_in_browser, totp_code
from tests.frontend import axe
from tests.frontend.conftest import PIN, wait_for_live_server_requests
from tests.frontend.fieldapp import log_contact, open_tab, sign_in, start_planned_session, unlock

pytestmark = [pytest.mark.browser, pytest.mark.slow]
NEW_PASSWORD = "Nuit-de-maraude-2026!"
OLD_PASSWORD = "correct horse battery"

TEXT = {
    "fr": {
        "invite": "Créer l’invitation",
        "create_account": "Créer mon compte",
        "confirm_app": "Valider l’application",
        "make_codes": "Créer mes codes de secours",
        "kept": "Je les ai gardés : continuer",
        "forgot": "Mot de passe oublié ?",
        "send": "Envoyer le lien",
        "save_password": "Enregistrer le nouveau mot de passe",
        "sign_in": "Se connecter",
        "confirm": "Valider",
        "create_passkey": "Créer une clé d’accès",
        "use_passkey": "Utiliser ma clé d’accès",
        "password": "Mot de passe",
        "new_password": "Nouveau mot de passe",
        "new_password_again": "Nouveau mot de passe (confirmation)",
        "email": "Votre adresse de courriel",
        "check_mail": "Consultez vos courriels",
        "changed": "Mot de passe changé",
        "username": "Identifiant",
        "second_factor": "Second facteur",
    },
    "en": {
        "invite": "Create the invitation",
        "create_account": "Create my account",
        "confirm_app": "Confirm the app",
        "make_codes": "Make my recovery codes",
        "kept": "I have kept them: continue",
        "forgot": "Forgot your password?",
        "send": "Send the link",
        "save_password": "Save the new password",
        "sign_in": "Sign in",
        "confirm": "Confirm",
        "create_passkey": "Create a passkey",
        "use_passkey": "Use my passkey",
        "password": "Password",
        "new_password": "New password",
        "new_password_again": "New password again",
        "email": "Your e-mail address",
        "check_mail": "Check your e-mail",
        "changed": "Password changed",
        "username": "Username",
        "second_factor": "Second factor",
    },
}


@pytest.fixture
def desktop(browser, transactional_db, live_server, world):
    """A fresh desktop browser profile per call, in the given language, CSP on; collects page errors."""
    contexts, errors = [], []

    def open_page(lang: str):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=f"{lang}-FR")
        context.set_default_timeout(30_000)
        context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on(
            "console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None
        )
        contexts.append(context)
        return page

    yield open_page
    for context in contexts:
        context.close()
    wait_for_live_server_requests()
    assert not errors, errors


def checked(page, seen: dict, name: str) -> None:
    """Run axe on the page and remember what it found, by screen."""
    problems = axe.violations(page)
    if problems:
        seen[name] = problems


def code_from_secret(page) -> str:
    secret = page.locator("[data-totp-secret]").inner_text().replace(" ", "")
    return f"{totp(base64.b32decode(secret), step=30, digits=6):06d}"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_invited_coordinator_sets_a_password_then_an_authenticator_and_recovery_codes(
    desktop, live_server, world, lang
):
    words, problems = TEXT[lang], {}
    inviter = CoordinatorFactory(organisation=world.team.organisation)
    page = desktop(lang)
    sign_in_browser(page.context, live_server.url, inviter)
    page.goto(f"{live_server.url}/accounts/team/")
    checked(page, problems, "team")
    page.locator("#id_username").fill("cheffe-nuit")
    page.locator("#id_role").select_option("coordinator")
    page.locator("#id_email").fill("cheffe@asso.fr")
    page.get_by_role("button", name=words["invite"]).click()
    link = page.locator("[data-handover-link]").input_value()
    checked(page, problems, "handover")
    assert len(mail.outbox) == 1 and link in mail.outbox[0].body

    newcomer = desktop(lang)
    newcomer.goto(link)
    checked(newcomer, problems, "invitation")
    newcomer.get_by_label(words["new_password"], exact=True).fill(NEW_PASSWORD)
    newcomer.get_by_label(words["new_password_again"]).fill(NEW_PASSWORD)
    newcomer.get_by_role("button", name=words["create_account"]).click()
    expect(newcomer.locator("[data-totp-secret]")).to_be_visible()
    checked(newcomer, problems, "setup")
    newcomer.get_by_label("Code").fill(code_from_secret(newcomer))
    newcomer.get_by_role("button", name=words["confirm_app"]).click()
    checked(newcomer, problems, "recovery-codes")
    newcomer.get_by_role("button", name=words["make_codes"]).click()
    expect(newcomer.locator("ol.codes li")).to_have_count(10)
    checked(newcomer, problems, "recovery-codes-shown")
    newcomer.get_by_role("link", name=words["kept"]).click()
    newcomer.wait_for_url(f"{live_server.url}/")

    user = User.objects.get(username="cheffe-nuit")
    assert user.role == "coordinator" and user.organisation == world.team.organisation
    assert list(JournalEntry.objects.filter(actor=user).order_by("id").values_list("event", flat=True)) == [
        "invitation_accepted",
        "password_ok",
        "second_factor_added",
        "login",
        "recovery_codes_issued",
    ]
    assert not problems, problems


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_funder_resets_a_forgotten_password_by_email_and_signs_in_with_the_second_factor(
    desktop, live_server, world, lang
):
    words, problems = TEXT[lang], {}
    funder = FunderUserFactory(email="agent@nord.gouv.fr")
    device = authenticator(funder)
    page = desktop(lang)
    page.goto(f"{live_server.url}/login/")
    checked(page, problems, "login")
    page.get_by_role("link", name=words["forgot"]).click()
    checked(page, problems, "reset-request")
    page.get_by_label(words["email"]).fill("agent@nord.gouv.fr")
    page.get_by_role("button", name=words["send"]).click()
    expect(page.get_by_role("heading", name=words["check_mail"])).to_be_visible()
    checked(page, problems, "reset-sent")
    link = re.search(r"http://\S+/accounts/password/reset/\S+/", mail.outbox[0].body).group(0)

    page.goto(link)
    checked(page, problems, "reset-confirm")
    page.get_by_label(words["new_password"], exact=True).fill(NEW_PASSWORD)
    page.get_by_label(words["new_password_again"]).fill(NEW_PASSWORD)
    page.get_by_role("button", name=words["save_password"]).click()
    expect(page.get_by_role("heading", name=words["changed"])).to_be_visible()
    checked(page, problems, "reset-done")

    page.goto(f"{live_server.url}/login/?next=/reports/funder/")
    page.get_by_label(words["username"]).fill(funder.username)
    page.get_by_label(words["password"]).fill(NEW_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=words["sign_in"]).click()
    expect(page.get_by_role("heading", name=words["second_factor"])).to_be_visible()
    checked(page, problems, "verify")
    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name=words["confirm"], exact=True).click()
    page.wait_for_url(f"{live_server.url}/reports/funder/")
    assert JournalEntry.objects.filter(event="password_reset_done", actor=funder).exists()
    assert not problems, problems


def test_a_coordinators_one_time_reset_lets_the_phone_sign_in_again_with_its_data(
    page, context, desktop, live_server, world
):
    words, problems = TEXT["fr"], {}
    # The worker's phone: enrolled, a contact recorded offline, waiting encrypted behind the PIN.
    sign_in(page, live_server.url, world.worker.username)
    context.set_offline(True)
    start_planned_session(page, "Maraude gare")
    log_contact(page, concern="Fugue")
    assert Contact.objects.count() == 0

    # 11 pm: the worker forgot the password; the coordinator issues a one-time reset.
    coordinator_page = desktop("fr")
    sign_in_browser(
        coordinator_page.context, live_server.url, CoordinatorFactory(organisation=world.team.organisation)
    )
    coordinator_page.goto(f"{live_server.url}/accounts/team/")
    coordinator_page.get_by_role(
        "button", name=f"Réinitialisation à usage unique pour {world.worker.username}"
    ).click()
    link = coordinator_page.locator("[data-handover-link]").input_value()
    checked(coordinator_page, problems, "handover")
    worker_browser = desktop("fr")
    worker_browser.goto(link)
    worker_browser.get_by_label(words["new_password"], exact=True).fill(NEW_PASSWORD)
    worker_browser.get_by_label(words["new_password_again"]).fill(NEW_PASSWORD)
    worker_browser.get_by_role("button", name=words["save_password"]).click()
    expect(worker_browser.get_by_text("votre code PIN ne change pas")).to_be_visible()
    checked(worker_browser, problems, "reset-done")

    # Back online, the phone is asked to sign in again; the PIN and the records are untouched.
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    open_tab(page, "Synchro")
    page.get_by_role("button", name="Synchroniser").click()
    form = page.locator("[data-screen=reenrol]")
    expect(form).to_be_visible()
    # A refresh of the Sync screen that started just before the worker typed (its data is read
    # asynchronously) must not wipe what was typed: this race once sent an empty username (400).
    page.evaluate(
        """async () => {
            const src = document.querySelector('script[type=module][src$="/app.js"]').src;
            const { bus } = await import(src.replace(/app\\.js$/, "db.js"));
            bus.dispatchEvent(new CustomEvent("sync", { detail: { running: false } }));
            document.querySelector("[data-screen=reenrol] input[name=username]").value = "typed";
        }"""
    )
    expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")
    expect(form.get_by_label("Identifiant")).to_have_value("typed")
    form.get_by_label("Identifiant").fill(world.worker.username)
    form.get_by_label("Mot de passe").fill(NEW_PASSWORD)
    with page.expect_response("**/api/v1/devices/enrol") as enrolled:
        form.get_by_role("button", name="Se reconnecter").click()
    assert enrolled.value.status == 201, (enrolled.value.status, enrolled.value.text())
    expect(page.locator("#pending-count")).to_have_text("0")
    assert Contact.objects.count() == 1
    page.reload()
    unlock(page, PIN)
    open_tab(page, "Récents")
    expect(page.locator(".contact-item")).to_have_count(1)
    assert not problems, problems


def test_a_passkey_set_up_at_first_sign_in_then_signs_in(desktop, live_server, world):
    words, problems = TEXT["en"], {}
    coordinator = CoordinatorFactory(organisation=world.team.organisation)
    page = desktop("en")
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )

    def password_step():
        page.goto(f"{live_server.url}/login/?next=/planning/")
        page.get_by_label("Username").fill(coordinator.username)
        page.get_by_label(words["password"]).fill(OLD_PASSWORD)
        page.get_by_role("main").get_by_role("button", name=words["sign_in"]).click()

    password_step()
    button = page.get_by_role("button", name=words["create_passkey"])
    expect(button).to_be_visible()  # shown because this browser has WebAuthn
    page.get_by_label("Name of this passkey").fill("Laptop")
    button.click()
    page.get_by_role("button", name=words["make_codes"]).click()
    page.get_by_role("link", name=words["kept"]).click()
    page.wait_for_url(f"{live_server.url}/planning/")
    assert PasskeyDevice.objects.get(user=coordinator).name == "Laptop"

    page.get_by_role("button", name="Sign out").click()
    password_step()
    expect(page.get_by_role("button", name=words["use_passkey"])).to_be_visible()
    checked(page, problems, "verify-passkey")
    page.get_by_role("button", name=words["use_passkey"]).click()
    page.wait_for_url(f"{live_server.url}/planning/")
    logins = JournalEntry.objects.filter(event="login", actor=coordinator)
    assert [e.detail["second_factor"] for e in logins] == ["passkey", "passkey"]
    assert not problems, problems
