"""Screenshots of the funder dashboard and of the PDF report's first page, for docs/screenshots/.

Start the demo first, on a database of its own:

    export DEBUG=true DATABASE_URL=sqlite:///$PWD/var/screens.sqlite3
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo --contacts 4000 \
        --months 6 --seed 3 --until 2026-10-31 && .venv/bin/python manage.py rebuild_rollups
    .venv/bin/python manage.py runserver 127.0.0.1:8766 --noreload &
    .venv/bin/python bench/report_screenshots.py --base http://127.0.0.1:8766

Needs pdftoppm (Debian package poppler-utils) for the PDF page.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from outreach.demo.catalogue import demo_totp_code

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8766")
    parser.add_argument("--query", default="period=month&day=2026-09-15")
    args = parser.parse_args()
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        page.goto(f"{args.base}/login/")
        page.fill("input[name=username]", "demo-funder")
        page.fill("input[name=password]", "maraude-demo-2026")
        page.press("input[name=password]", "Enter")
        page.fill("input[name=code]", demo_totp_code())  # the demo's second factor
        page.press("input[name=code]", "Enter")
        page.wait_for_url(lambda url: "/login/" not in url and "/two-factor/" not in url)
        page.goto(f"{args.base}/reports/funder/")
        href = page.locator("ul.agreement-list a").first.get_attribute("href")
        page.goto(f"{args.base}{href}?{args.query}")
        page.wait_for_selector("img.chart")
        page.screenshot(path=OUT / "funder-dashboard.png")
        page.locator("img.chart").first.scroll_into_view_if_needed()
        page.screenshot(path=OUT / "funder-dashboard-series.png")
        with page.expect_download() as download:
            page.click("a[href*='report.pdf']")
        pdf = Path(tmp) / "report.pdf"
        download.value.save_as(pdf)
        browser.close()
        target = OUT / "funder-report-pdf-page1"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", pdf, target], check=True
        )
    print(f"Screenshots written to {OUT}")


if __name__ == "__main__":
    main()
