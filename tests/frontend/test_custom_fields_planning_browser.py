"""The coordinator's "Our fields" pages in Chromium: define a choice field through the form,
retire it, see it kept; axe finds nothing serious; screenshots (light and dark) for the docs
when $SCREENSHOTS_DIR is set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from outreach.models.custom_fields import CustomField
from tests.custom_field_builders import one_of_each
from tests.factories import CoordinatorFactory, TeamFactory
from tests.frontend.test_planning_browser import browser_page, sign_in  # noqa: F401 (fixture)
from tests.frontend.test_planning_screens import axe_violations
from tests.frontend.test_route_start_browser import shots

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_coordinator_defines_and_retires_a_field(browser_page, live_server, tmp_path):  # noqa: F811
    page = browser_page
    out = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    team = TeamFactory(name="Lille nuit")
    coordinator = CoordinatorFactory(organisation=team.organisation, username="cheffe")
    one_of_each(coordinator)
    one_of_each(coordinator, target="debrief")
    sign_in(page, live_server.url, "cheffe")
    problems = {}

    page.goto(f"{live_server.url}/planning/fields/")
    page.get_by_role("link", name="Add a field").click()
    page.get_by_label("Recorded on").select_option("contact")
    page.get_by_label("Kind").select_option("choice")
    page.get_by_label("Label (French)").fill("Moyen de venue")
    page.get_by_label("Label (English)").fill("How they came")
    page.get_by_label("Reportable to funders (choice fields)").check()
    page.get_by_label("New choices").fill("Seul(e) | Alone\nAvec un adulte | With an adult")
    shots(page, out, "planning-field-form")
    problems["field form"] = axe_violations(page)
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Field saved.").wait_for()
    field = CustomField.objects.get(label_fr="Moyen de venue")
    assert field.reportable and [c.code for c in field.choices.all()] == ["seule", "avec-un-adulte"]

    page.get_by_role("button", name="Move How they came up").click()
    row = page.get_by_role("row").filter(has_text="How they came")
    row.get_by_role("button", name="Retire").click()
    page.get_by_text("“How they came” is retired").wait_for()
    field.refresh_from_db()
    assert not field.is_active
    shots(page, out, "planning-fields")
    problems["fields list"] = axe_violations(page)
    assert not any(problems.values()), problems
