"""The field app's shell, service worker, manifest and icons, checked without a browser."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from PIL import Image

from outreach import choices

JS_DIR = Path(settings.BASE_DIR) / "frontend_pwa" / "static" / "frontend_pwa" / "js"


def precache_list() -> list[str]:
    source = Path(settings.PWA_SERVICE_WORKER_PATH).read_text(encoding="utf-8")
    block = re.search(r"const PRECACHE = (\[.*?\]);", source, re.S).group(1)
    return json.loads(re.sub(r",\s*\]", "]", block))


def test_service_worker_precache_is_up_to_date_with_the_files_it_lists():
    # Fails when a shell file changed without `manage.py build_serviceworker`.
    call_command("build_serviceworker", check=True)


def test_field_app_rules_are_generated_from_the_server_rules():
    # Fails when outreach/rules/ changed without `manage.py build_fieldapp_rules`.
    call_command("build_fieldapp_rules", check=True)


def test_a_hand_edit_of_the_generated_rules_is_caught(monkeypatch):
    from django.core.management.base import CommandError

    from frontend_pwa.management.commands import build_fieldapp_rules

    monkeypatch.setattr(build_fieldapp_rules.fields, "NOTE_MAX_LENGTH", 499)
    with pytest.raises(CommandError, match=r"codes\.js"):
        call_command("build_fieldapp_rules", check=True)


def test_every_generated_code_label_has_a_french_translation():
    dictionary = (JS_DIR / "i18n.js").read_text(encoding="utf-8")
    keys = {a or b for a, b in re.findall(r'^\s+(?:"((?:[^"\\]|\\.)*)"|(\w+)):', dictionary, re.M)}
    labels = set(re.findall(r'^  \["[^"]*", "([^"]+)"\],$', (JS_DIR / "codes.js").read_text("utf-8"), re.M))
    assert labels and labels - keys - {"—"} == set()


@pytest.mark.django_db
def test_every_precached_file_exists(client):
    urls = precache_list()
    assert "/app/" in urls
    for url in urls:
        if url.startswith(settings.STATIC_URL):
            assert finders.find(url.removeprefix(settings.STATIC_URL)), url
        else:
            assert client.get(url).status_code == 200, url


def test_every_module_the_shell_imports_is_precached():
    precached = set(precache_list())
    for path in JS_DIR.rglob("*.js"):
        for target in re.findall(r'from "(\.{1,2}/[^"]+)"', path.read_text(encoding="utf-8")):
            resolved = (path.parent / target).resolve().relative_to(JS_DIR.parent.parent)
            assert f"{settings.STATIC_URL}{resolved.as_posix()}" in precached, (path.name, target)


@pytest.mark.django_db
def test_service_worker_is_served_at_the_root_with_its_version(client):
    response = client.get("/serviceworker.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert re.search(rb'const VERSION = "[0-9a-f]{12}";', response.content)


@pytest.mark.django_db
def test_app_shell_is_served_without_sign_in_and_without_inline_script_or_cdn(client):
    response = client.get("/app/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert '<link rel="manifest" href="/manifest.json">' in html
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all('src="/static/' in tag for tag in scripts)
    assert all(body.strip() == "" for body in re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S))
    assert not re.search(r"\son[a-z]+=|\sstyle=", html)
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_app_shell_speaks_english_when_asked(client):
    response = client.get("/app/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en"' in response.content.decode()


@pytest.mark.django_db
def test_manifest_offers_the_generated_icons_including_a_maskable_one(client):
    manifest = client.get("/manifest.json").json()
    assert manifest["start_url"] == "/app/"
    assert manifest["display"] == "standalone"
    purposes = {icon.get("purpose", "any") for icon in manifest["icons"]}
    assert purposes == {"any", "maskable"}
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix(settings.STATIC_URL))
        assert path, icon["src"]
        with Image.open(path) as image:
            width, height = image.size
        assert f"{width}x{height}" == icon["sizes"]


def test_make_icons_draws_every_size_from_one_source(tmp_path):
    call_command("make_icons", out=tmp_path)
    sizes = {}
    for path in tmp_path.glob("*.png"):
        with Image.open(path) as image:
            sizes[path.name] = image.size
    assert sizes == {
        "icon-192.png": (192, 192),
        "icon-512.png": (512, 512),
        "icon-maskable-512.png": (512, 512),
    }
    # Maskable icons are full-bleed: no transparent corner for the platform to crop into.
    with Image.open(tmp_path / "icon-maskable-512.png") as maskable:
        assert maskable.getpixel((0, 0))[3] == 255
    with Image.open(tmp_path / "icon-512.png") as rounded:
        assert rounded.getpixel((0, 0))[3] == 0


def js_pairs(name: str) -> list[str]:
    source = (JS_DIR / "codes.js").read_text(encoding="utf-8")
    block = re.search(rf"export const {name} = \[(.*?)\n\];", source, re.S).group(1)
    return [code for code in re.findall(r'\["([^"]*)",', block) if code]


@pytest.mark.parametrize(
    ("js_name", "choice"),
    [
        ("AGE_BANDS", choices.AgeBand),
        ("GENDERS", choices.Gender),
        ("YES_NO_UNKNOWN", choices.YesNoUnknown),
        ("CONTACT_LEVELS", choices.ContactLevel),
        ("REQUEST_CATEGORIES", choices.RequestCategory),
        ("SESSION_KINDS", choices.SessionKind),
        ("ATMOSPHERES", choices.Atmosphere),
        ("PARTNER_CATEGORIES", choices.PartnerCategory),
    ],
)
def test_field_app_codes_match_the_server_choices(js_name, choice):
    assert sorted(js_pairs(js_name)) == sorted(choice.values)


def test_every_text_of_the_field_app_has_a_french_translation():
    dictionary = (JS_DIR / "i18n.js").read_text(encoding="utf-8")
    keys = {a or b for a, b in re.findall(r'^\s+(?:"((?:[^"\\]|\\.)*)"|(\w+)):', dictionary, re.M)}
    used: set[str] = set()
    for path in JS_DIR.rglob("*.js"):
        used |= set(re.findall(r'\bt\(\s*"([^"]+)"', path.read_text(encoding="utf-8")))
    assert used - keys == set()
