"""Field app load figures in Debian's Chromium, with the CPU slowed 4× (CDP).

Prints: bytes transferred for the first load (compressed, as whitenoise serves them in
production), the app shell's time to interactive online and offline, the PIN key derivation
and the time to save one contact. Runs a production-like server (DEBUG off, collectstatic,
compressed static files) on a throwaway SQLite database.

    .venv/bin/python bench/pwa_load.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PIN = "482915"
PASSWORD = "correct horse battery"  # noqa: S105 — the test factories' password
LOG_LINE = re.compile(r'"(GET|POST) (\S+) HTTP/1\.1" (\d{3}) (\d+)')
SETUP = """
import datetime as dt
from django.utils import timezone
from outreach.models import RouteStop
from tests.factories import HotspotFactory, PartnerServiceFactory, SessionFactory, TeamFactory, UserFactory
team = TeamFactory(name="Équipe bench")
UserFactory(username="bench", team=team)
spots = [HotspotFactory(organisation=team.organisation, name=f"Lieu {i}") for i in range(12)]
for i in range(40):
    PartnerServiceFactory(organisation=team.organisation, name=f"Service {i}")
start = timezone.now().replace(microsecond=0) - dt.timedelta(hours=1)
s = SessionFactory(team=team, title="Bench", planned_start=start, planned_end=start + dt.timedelta(hours=6))
for i, h in enumerate(spots[:6], start=1):
    RouteStop.objects.create(session=s, hotspot=h, position=i)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A production-like Django server whose access log is read to count bytes served."""

    def __init__(self, tmp: Path):
        self.port = free_port()
        self.env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-" + "x" * 50,
            "ALLOWED_HOSTS": "localhost,127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
            "STATIC_ROOT": str(tmp / "static"),
            "LOG_LEVEL": "WARNING",
        }
        self.lines: list[tuple[str, str, int, int]] = []

    def manage(self, *args: str) -> None:
        subprocess.run(
            [PY, "manage.py", *args], cwd=ROOT, env=self.env, check=True, stdout=subprocess.DEVNULL
        )

    def start(self) -> None:
        self.manage("migrate", "--no-input", "-v0")
        self.manage("collectstatic", "--no-input", "-v0")
        self.manage("shell", "-c", SETUP)
        self.proc = subprocess.Popen(
            [PY, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload", "--nothreading"],
            cwd=ROOT,
            env=self.env,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def _read(self) -> None:
        for line in self.proc.stderr:
            match = LOG_LINE.search(line)
            if match:
                method, path, status, size = match.groups()
                self.lines.append((method, path, int(status), int(size)))

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"


def interactive_ms(page) -> float:
    page.wait_for_function("() => performance.getEntriesByName('maraude:interactive').length > 0")
    return page.evaluate("performance.getEntriesByName('maraude:interactive')[0].startTime")


def throttle(page, rate: int = 4):
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
    return cdp


def settle(server: Server, seconds: float = 0.5) -> None:
    """Waits until the server has been quiet for a moment (log lines flushed)."""
    last = -1
    while last != len(server.lines):
        last = len(server.lines)
        time.sleep(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="reloads per figure (median)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        server = Server(Path(tmp))
        server.start()
        try:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            context = browser.new_context(
                viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="fr-FR"
            )
            page = context.new_page()
            throttle(page)

            # 1. First load, cold: the shell, then the worker precaching it.
            start = len(server.lines)
            page.goto(f"{server.url}/app/")
            cold_tti = interactive_ms(page)
            page.wait_for_function(
                "async () => { await navigator.serviceWorker.ready;"
                " return (await caches.keys()).some(n => n.startsWith('maraude-shell-')); }"
            )
            settle(server)
            first = [line for line in server.lines[start:] if not line[1].startswith("/api/")]
            shell_bytes = sum(size for *_, size in first)

            # 2. Sign in and the first sync (reference data and the planned session).
            start = len(server.lines)
            page.get_by_label("Identifiant").fill("bench")
            page.get_by_label("Mot de passe").fill(PASSWORD)
            page.get_by_role("button", name="Se connecter").click()
            page.get_by_label("Code (au moins 6 chiffres)").fill(PIN)
            page.get_by_label("Code, à nouveau").fill(PIN)
            page.get_by_role("button", name="Enregistrer le code").click()
            page.locator("[data-screen=session]").get_by_text("Bench").wait_for()
            settle(server)
            sync_bytes = sum(size for _, path, _, size in server.lines[start:] if path.startswith("/api/"))

            # 3. Time to interactive from the worker's cache, online then offline.
            online, offline, unlock = [], [], []
            for is_offline, bucket in ((False, online), (True, offline)):
                context.set_offline(is_offline)
                for _ in range(args.runs):
                    page.reload()
                    throttle(page)
                    bucket.append(interactive_ms(page))
            # 4. Unlocking (PBKDF2-SHA256, 600,000 iterations) and saving one contact, offline.
            for _ in range(args.runs):
                page.reload()
                throttle(page)
                page.get_by_label("Code", exact=True).fill(PIN)
                page.get_by_role("button", name="Déverrouiller").click()
                page.locator("#tabs").wait_for()
                unlock.append(
                    page.evaluate("performance.getEntriesByName('maraude:key-derivation')[0].duration")
                )
            page.locator("#tabs").get_by_role("button", name="Session", exact=True).click()
            page.get_by_role("button", name="Démarrer: Bench").click()
            saves, taps_to_saved = [], []
            for _ in range(args.runs):
                began = time.perf_counter()
                page.get_by_role("button", name="Nouveau contact").first.click()
                page.locator("[data-group=age_band]").get_by_role("button", name="15–17 ans").click()
                page.locator("[data-group=gender]").get_by_role("button", name="Fille").click()
                page.get_by_role("button", name="Enregistrer", exact=True).click()
                page.locator("[data-screen=session-active]").wait_for()
                taps_to_saved.append((time.perf_counter() - began) * 1000)
                saves.append(
                    page.evaluate("performance.getEntriesByName('maraude:save').slice(-1)[0].duration")
                )
            # 5. The same with a team note and a person code (ADR 010: both leave sealed), then
            # online: sealing each one before it is sent (AES-GCM for the note, HMAC for the code).
            noted = []
            for i in range(args.runs):
                page.get_by_role("button", name="Nouveau contact").first.click()
                page.locator("[data-group=age_band]").get_by_role("button", name="15–17 ans").click()
                page.locator("[data-group=gender]").get_by_role("button", name="Fille").click()
                page.locator("details.more summary").click()
                page.get_by_label("Code personne (facultatif)").fill(f"BENCH-{i}")
                page.get_by_label("Note d'équipe (facultative)").fill(
                    "Vue près de la gare, orientée vers l'accueil"
                )
                page.get_by_role("button", name="Enregistrer", exact=True).click()
                page.locator("[data-screen=session-active]").wait_for()
                noted.append(
                    page.evaluate("performance.getEntriesByName('maraude:save').slice(-1)[0].duration")
                )
            context.set_offline(False)
            page.locator("#tabs").get_by_role("button", name="Synchro", exact=True).click()
            page.get_by_role("button", name="Synchroniser").click()
            page.wait_for_function(
                f"() => performance.getEntriesByName('maraude:seal').length >= {args.runs}", timeout=120_000
            )
            seals = page.evaluate("performance.getEntriesByName('maraude:seal').map((e) => e.duration)")
            browser.close()
        finally:
            server.stop()

    med = statistics.median
    print("Field app load — Chromium", "CPU throttled 4×, phone viewport, median of", args.runs)
    print(
        f"  first load, compressed bytes (shell + worker precache): {shell_bytes / 1024:.1f} KB"
        f" over {len(first)} requests (budget 150 KB)"
    )
    print(f"  first sign-in and sync (API, uncompressed JSON): {sync_bytes / 1024:.1f} KB")
    print(f"  time to interactive, cold first visit: {cold_tti:.0f} ms")
    print(f"  time to interactive from the worker's cache, online: {med(online):.0f} ms")
    print(f"  time to interactive from the worker's cache, offline: {med(offline):.0f} ms")
    print(f"  PIN key derivation (PBKDF2-SHA256, 600,000 iterations): {med(unlock):.0f} ms")
    print(f"  saving one contact (encrypt + IndexedDB transaction): {med(saves):.0f} ms")
    print(f"  one contact, four taps, as driven by the test (incl. rendering): {med(taps_to_saved):.0f} ms")
    print(f"  saving one contact with a note and a person code: {med(noted):.0f} ms")
    print(f"  sealing them before sending (AES-GCM note + HMAC code), per contact: {med(seals):.1f} ms")


if __name__ == "__main__":
    main()
