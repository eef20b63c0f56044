"""Every admin page an administrator uses renders, with data in it."""

import pytest
from django.contrib import admin
from django.urls import reverse

from outreach.demo.generate import build_demo
from outreach.models import Contact, JournalEntry, User
from tests.factories import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    build_demo(contacts=60, months=1, seed=5)
    sign_in(client, User.objects.get(username="demo-admin"))
    return client


def test_every_changelist_and_change_page_renders(admin_client):
    for model in admin.site._registry:
        if model._meta.app_label != "outreach":
            continue
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = admin_client.get(url)
        assert response.status_code == 200, url
        obj = model.objects.first()
        if obj is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            assert admin_client.get(change).status_code == 200, change
        response = admin_client.get(url, {"q": "a"})
        assert response.status_code == 200, f"search on {url}"


def test_contacts_come_from_the_field_not_the_admin(admin_client):
    assert admin_client.get(reverse("admin:outreach_contact_add")).status_code == 403
    contact = Contact.objects.first()
    page = admin_client.get(reverse("admin:outreach_contact_change", args=[contact.pk])).content.decode()
    assert 'name="occurred_at"' not in page  # history is read-only


def test_a_role_change_is_journaled(admin_client):
    worker = User.objects.get(username="demo-worker")
    url = reverse("admin:outreach_user_change", args=[worker.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | tuple)}
    data.update(
        {
            "role": "coordinator",
            "team": "",
            "organisation": worker.organisation_id,
            "date_joined_0": worker.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": worker.date_joined.strftime("%H:%M:%S"),
            "password": worker.password,
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = JournalEntry.objects.get(event="permission_change")
    assert entry.target == "demo-worker"
    assert "role" in entry.detail["fields"]


def test_the_journal_is_read_only_in_the_admin(admin_client):
    JournalEntry.objects.create(event="login", actor_username="x")
    entry = JournalEntry.objects.first()
    assert admin_client.get(reverse("admin:outreach_journalentry_add")).status_code == 403
    response = admin_client.post(
        reverse("admin:outreach_journalentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert response.status_code == 403


def test_moving_a_teams_base_in_the_admin_moves_the_routes_that_start_there(admin_client):
    from outreach.demo.tonight import ensure_tonight

    tonight = ensure_tonight()
    team = tonight.team
    assert tonight.start_kind == "base"
    url = reverse("admin:outreach_team_change", args=[team.pk])
    data = {
        "name": team.name,
        "organisation": team.organisation_id,
        "territories": [t.pk for t in team.territories.all()],
        "day_boundary_hour": team.day_boundary_hour,
        "edit_window_hours": "",
        "base_name": "Nouveau local",
        "base_latitude": "50.640",
        "base_longitude": "3.1",
        "is_active": "on",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    tonight.refresh_from_db()
    team.refresh_from_db()
    assert (team.base_name, str(team.base_latitude)) == ("Nouveau local", "50.640")
    assert (str(tonight.start_latitude), str(tonight.start_longitude)) == ("50.640", "3.100")
