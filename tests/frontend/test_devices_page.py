"""The coordinators' devices page (server-rendered, no JavaScript needed)."""

from __future__ import annotations

import pytest
from django.test import Client

from outreach.models import JournalEntry
from outreach.services.devices import enrol_device
from tests.factories import CoordinatorFactory, UserFactory, sign_in

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def test_a_coordinator_sees_and_revokes_their_organisations_phones():
    worker = UserFactory()
    device, _ = enrol_device(user=worker, label="Téléphone Nord 2")
    other, _ = enrol_device(user=UserFactory(), label="Ailleurs")
    coordinator = CoordinatorFactory(organisation=worker.organisation)
    client = signed_in(coordinator)
    page = client.get("/devices/").content.decode()
    assert "Téléphone Nord 2" in page
    assert "Ailleurs" not in page
    response = client.post(f"/devices/{device.pk}/revoke/", follow=True)
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.revoked_at is not None
    assert JournalEntry.objects.filter(event="device_revoked", actor=coordinator).exists()
    assert client.post(f"/devices/{other.pk}/revoke/").status_code == 404


def test_workers_cannot_open_the_devices_page():
    worker = UserFactory()
    assert signed_in(worker).get("/devices/").status_code == 403


def test_revoking_needs_a_post_with_a_csrf_token():
    worker = UserFactory()
    device, _ = enrol_device(user=worker, label="x")
    coordinator = CoordinatorFactory(organisation=worker.organisation)
    client = Client(enforce_csrf_checks=True)
    sign_in(client, coordinator)
    assert client.get(f"/devices/{device.pk}/revoke/").status_code == 405
    assert client.post(f"/devices/{device.pk}/revoke/").status_code == 403
    device.refresh_from_db()
    assert device.revoked_at is None


def test_the_page_shows_what_each_phone_still_holds_before_revoking_it():
    from outreach.services.devices import ReportedState, record_state

    worker = UserFactory()
    busy, _ = enrol_device(user=worker, label="Téléphone de Léa")
    idle, _ = enrol_device(user=worker, label="Téléphone à jour")
    silent, _ = enrol_device(user=worker, label="Jamais synchronisé")
    record_state(
        device=busy, state=ReportedState(outbox=14, last_sync_at=None), statuses=["created", "rejected"]
    )
    record_state(device=idle, state=ReportedState(outbox=2, last_sync_at=None), statuses=["created"] * 2)
    coordinator = CoordinatorFactory(organisation=worker.organisation)

    page = signed_in(coordinator).get("/devices/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    labels = (busy.label, idle.label, silent.label)
    rows = {label: page.split(label, 1)[1].split("</tr>", 1)[0] for label in labels}
    assert "13 fiches" in rows[busy.label]
    assert "La révocation efface 13 fiches" in rows[busy.label]
    assert "0 fiche" in rows[idle.label] and "efface" not in rows[idle.label]
    assert 'data-field="outbox">\n          —' in rows[silent.label]


def test_a_replaced_device_says_so_instead_of_offering_a_revoke_button():
    import uuid

    worker = UserFactory()
    install = uuid.uuid4()
    enrol_device(user=worker, label="Ancien", install_id=install)
    enrol_device(user=worker, label="Nouveau", install_id=install)
    coordinator = CoordinatorFactory(organisation=worker.organisation)

    page = signed_in(coordinator).get("/devices/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    old_row = page.split("Ancien", 1)[1].split("</tr>", 1)[0]
    assert "the same phone signed in again" in old_row
    assert "Revoke" not in old_row
