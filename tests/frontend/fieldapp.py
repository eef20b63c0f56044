"""What a person does in the field app, as reusable steps for the browser tests."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.frontend.conftest import PASSWORD, PIN


def sign_in(page: Page, base_url: str, username: str, *, pin: str = PIN) -> None:
    """First run: sign in, choose the PIN, wait until the app is offline-ready and synced."""
    page.goto(f"{base_url}/app/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_label("Code (au moins 6 chiffres)").fill(pin)
    page.get_by_label("Code, à nouveau").fill(pin)
    page.get_by_role("button", name="Enregistrer le code").click()
    expect(page.locator("[data-screen=session]")).to_be_visible()
    wait_offline_ready(page)
    wait_synced(page)


def wait_offline_ready(page: Page) -> None:
    """The service worker controls the page and has precached the shell."""
    page.wait_for_function(
        "async () => { const r = await navigator.serviceWorker.ready;"
        " return Boolean(r.active && navigator.serviceWorker.controller); }"
    )


def wait_synced(page: Page) -> None:
    """The outbox is empty and a sync has succeeded (read from the Sync screen)."""
    open_tab(page, "Synchro")
    page.get_by_role("button", name="Synchroniser").click()
    expect(page.locator("#pending-count")).to_have_text("0")
    expect(page.locator("#last-sync")).not_to_have_text("jamais")
    problems = page.locator("#problems")
    assert problems.count() == 0, problems.inner_text()


def open_tab(page: Page, name: str) -> None:
    page.locator("#tabs").get_by_role("button", name=name, exact=True).click()
    # Screens are drawn off-document, then swapped in: wait for the swap.
    expect(page.locator("#main[aria-busy]")).to_have_count(0)


def unlock(page: Page, pin: str = PIN) -> None:
    page.get_by_label("Code", exact=True).fill(pin)
    page.get_by_role("button", name="Déverrouiller").click()
    expect(page.locator("#tabs")).to_be_visible()


def start_planned_session(page: Page, title: str) -> None:
    open_tab(page, "Session")
    page.get_by_role("button", name=f"Démarrer: {title}").click()
    expect(page.locator("[data-screen=session-active]")).to_be_visible()


def log_contact(
    page: Page,
    *,
    age: str = "15–17 ans",
    gender: str = "Fille",
    concern: str | None = None,
    action: str | None = None,
    person_code: str = "",
    note: str = "",
) -> int:
    """Logs a contact from the session screen; returns the number of taps it took."""
    taps = 0
    page.get_by_role("button", name="Nouveau contact").first.click()
    taps += 1
    expect(page.locator("[data-screen=contact]")).to_be_visible()
    page.locator("[data-group=age_band]").get_by_role("button", name=age).click()
    page.locator("[data-group=gender]").get_by_role("button", name=gender).click()
    taps += 2
    if concern:
        page.locator("[data-group=concerns]").get_by_role("button", name=concern).click()
        taps += 1
    if action:
        page.locator("[data-group=actions]").get_by_role("button", name=action).click()
        taps += 1
    if person_code or note:
        page.locator("details.more summary").click()
        if person_code:
            page.get_by_label("Code personne (facultatif)").fill(person_code)
        if note:
            page.get_by_label("Note d'équipe (facultative)").fill(note)
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    taps += 1
    return taps


def pending_count(page: Page) -> str:
    open_tab(page, "Synchro")
    return page.locator("#pending-count").inner_text()


def vault_dump(page: Page) -> dict:
    """The raw IndexedDB content (as stored, not decrypted), keys and values as text."""
    return page.evaluate(
        """async () => {
      // Never create the database by looking at it.
      if (!(await indexedDB.databases()).some((d) => d.name === 'maraude')) return 0;
      const db = await new Promise((ok, ko) => { const r = indexedDB.open('maraude');
        r.onsuccess = () => ok(r.result); r.onerror = () => ko(r.error); });
      const read = (name) => new Promise((ok) => { const tx = db.transaction(name);
        const s = tx.objectStore(name); const keys = s.getAllKeys(); const vals = s.getAll();
        tx.oncomplete = () => ok({keys: keys.result, vals: vals.result}); });
      const text = (v) => v instanceof Uint8Array ? new TextDecoder('utf-8', {fatal: false}).decode(v)
        : (v && typeof v === 'object') ? Object.values(v).map(text).join('|') : String(v);
      const vault = await read('vault'); const meta = await read('meta');
      db.close();
      return {keys: vault.keys.map(String), vault: vault.vals.map(text).join('\\n'),
              metaKeys: meta.keys.map(String), meta: meta.vals.map(text).join('\\n'),
              ivs: vault.vals.map((v) => Boolean(v && v.iv && v.ct))};
    }"""
    )


def local_record_count(page: Page) -> int:
    """How many entries the encrypted vault holds (0 when the database was wiped)."""
    return page.evaluate(
        """async () => {
      // Never create the database by looking at it.
      if (!(await indexedDB.databases()).some((d) => d.name === 'maraude')) return 0;
      const db = await new Promise((ok, ko) => { const r = indexedDB.open('maraude');
        r.onsuccess = () => ok(r.result); r.onerror = () => ko(r.error); });
      if (!db.objectStoreNames.contains('vault')) { db.close(); return 0; }
      const n = await new Promise((ok) => { const q = db.transaction('vault').objectStore('vault').count();
        q.onsuccess = () => ok(q.result); });
      db.close();
      return n;
    }"""
    )


def go_online(page: Page, context) -> None:
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
