"""Every page names its icon and describes itself (no 404 for /favicon.ico in the console)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from tests.factories import CoordinatorFactory, FunderUserFactory, TeamFactory, UserFactory, sign_in

pytestmark = pytest.mark.django_db


def head(html: str) -> str:
    return html.split("</head>", 1)[0]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_each_kind_of_page_has_an_icon_and_a_description(language):
    team = TeamFactory()
    coordinator = CoordinatorFactory(organisation=team.organisation)
    pages = [
        (None, "/login/"),
        (None, "/app/"),
        (coordinator, "/"),
        (coordinator, "/planning/"),
        (coordinator, "/planning/directory/data-inclusion/"),
        (coordinator, "/devices/"),
        (coordinator, "/reports/coordinator/"),
        (FunderUserFactory(), "/reports/funder/"),
        (UserFactory(team=team), "/planning/"),
    ]
    for user, url in pages:
        client = Client()
        client.cookies["django_language"] = language
        if user is not None:
            sign_in(client, user)
        response = client.get(url)
        assert response.status_code == 200, url
        top = head(response.content.decode())
        icon = re.search(r'<link rel="icon" href="([^"]+)"', top)
        assert icon and finders.find(icon.group(1).removeprefix(settings.STATIC_URL)), url
        description = re.search(r'<meta name="description" content="([^"]{40,})">', top)
        assert description, url
        assert ("équipes" in description.group(1) or "téléphone" in description.group(1)) == (
            language == "fr"
        )


def test_favicon_ico_leads_to_the_apps_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert finders.find(response["Location"].removeprefix(settings.STATIC_URL))
