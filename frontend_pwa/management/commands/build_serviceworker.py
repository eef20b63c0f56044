"""Write the service worker's precache list and version (a hash of everything it precaches)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

APP_DIR = Path(__file__).resolve().parents[2]
STATIC_DIR = APP_DIR / "static" / "frontend_pwa"
SHELL_TEMPLATE = APP_DIR / "templates" / "frontend_pwa" / "app.html"
# Pages rendered by Django that the shell needs offline, precached by URL.
PAGES = ["/app/", "/manifest.json"]
# Static files the shell loads (glob patterns): its stylesheet, its modules, the small icon.
# The 512 px icons are for installers only and stay out of the first-load budget.
PRECACHED_GLOBS = ["css/app.css", "js/**/*.js", "icons/icon-192.png"]
# Loaded by the coordinator's desk pages, never by the shell (ADR 010): not in the field app's budget.
NOT_PRECACHED = {"js/desk-notes.js"}
BLOCK = re.compile(r"// BUILD:START\n.*?// BUILD:END\n", re.S)


def precached_files() -> list[Path]:
    """Every static file the worker precaches, in a stable order."""
    files: list[Path] = []
    for pattern in PRECACHED_GLOBS:
        files += sorted(
            p
            for p in STATIC_DIR.glob(pattern)
            if p.is_file() and p.relative_to(STATIC_DIR).as_posix() not in NOT_PRECACHED
        )
    return files


def static_url(path: Path) -> str:
    return settings.STATIC_URL + path.relative_to(STATIC_DIR.parent).as_posix()


def render_block() -> str:
    """The generated block: a content hash of the shell, its static files and the worker logic."""
    files = precached_files()
    digest = hashlib.sha256()
    worker = Path(settings.PWA_SERVICE_WORKER_PATH).read_text(encoding="utf-8")
    digest.update(BLOCK.sub("", worker).encode())
    digest.update(SHELL_TEMPLATE.read_bytes())
    for path in files:
        digest.update(static_url(path).encode() + b"\0" + path.read_bytes())
    urls = PAGES + [static_url(p) for p in files]
    body = ",\n".join(f"  {json.dumps(u)}" for u in urls)
    return (
        "// BUILD:START\n"
        f'const VERSION = "{digest.hexdigest()[:12]}";\n'
        f"const PRECACHE = [\n{body},\n];\n"
        "// BUILD:END\n"
    )


class Command(BaseCommand):
    help = "Write the service worker's versioned precache list (run after changing the app shell)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Fail if the worker is out of date; write nothing."
        )

    def handle(self, *args, check: bool = False, **options):
        path = Path(settings.PWA_SERVICE_WORKER_PATH)
        current = path.read_text(encoding="utf-8")
        if not BLOCK.search(current):
            raise CommandError(f"{path} has no BUILD:START/BUILD:END block.")
        updated = BLOCK.sub(lambda _m: render_block(), current, count=1)
        if check:
            if updated != current:
                raise CommandError("The service worker is out of date: run `manage.py build_serviceworker`.")
            self.stdout.write("The service worker is up to date.")
            return
        if updated != current:
            path.write_text(updated, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote {path.name}: {render_block().splitlines()[1]}"))
