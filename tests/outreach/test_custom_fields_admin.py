"""The admin cannot write an organisation's fields or their values around the services."""

import pytest
from django.urls import reverse

from outreach.models import Contact
from tests.custom_field_builders import one_of_each
from tests.factories import (
    AdminFactory,
    ContactFactory,
    CoordinatorFactory,
    SessionFactory,
    TeamFactory,
    sign_in,
)

pytestmark = pytest.mark.django_db


def test_definitions_and_values_are_read_only_in_the_admin(client):
    team = TeamFactory()
    fields = one_of_each(CoordinatorFactory(organisation=team.organisation))
    contact = ContactFactory(session=SessionFactory(team=team), custom_values={fields["number"].key: 4})
    sign_in(client, AdminFactory())
    assert client.get(reverse("admin:outreach_customfield_add")).status_code == 403
    change = reverse("admin:outreach_customfield_change", args=[fields["choice"].pk])
    page = client.get(change)
    assert page.status_code == 200 and 'name="label_fr"' not in page.content.decode()
    assert client.post(change, {"label_fr": "Piraté"}).status_code == 403
    page = client.get(reverse("admin:outreach_contact_change", args=[contact.pk])).content.decode()
    assert 'name="custom_values"' not in page
    page = client.get(
        reverse("admin:outreach_outreachsession_change", args=[contact.session.pk])
    ).content.decode()
    assert 'name="custom_values"' not in page
    assert Contact.objects.get(pk=contact.pk).custom_values == {fields["number"].key: 4}
