"""The coordinator's pages for the organisation's own fields: define, edit, reorder, retire,
scoped to the coordinator's organisation and journalled."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from outreach.models import JournalEntry
from outreach.models.custom_fields import CustomField
from outreach.models.sync import ChangeLogEntry
from tests.custom_field_builders import one_of_each
from tests.factories import CoordinatorFactory, FunderUserFactory, UserFactory, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(client):
    user = CoordinatorFactory()
    sign_in(client, user)
    return user


def test_a_coordinator_defines_a_choice_field_with_its_choices(client, coordinator):
    response = client.post(
        reverse("planning:field_create"),
        {
            "target": "contact",
            "kind": "choice",
            "label_fr": "Lieu de vie",
            "label_en": "Living place",
            "reportable": "on",
            "new_choices": "Famille | Family\nFoyer de l'ASE | Care home\n",
        },
    )
    assert response.status_code == 302
    field = CustomField.objects.get(organisation=coordinator.organisation)
    assert field.reportable
    assert [(c.code, c.label_en) for c in field.choices.all()] == [
        ("famille", "Family"),
        ("foyer-de-lase", "Care home"),
    ]
    entry = JournalEntry.objects.get(event="custom_field_changed")
    assert entry.actor == coordinator and entry.detail["change"] == "defined"
    assert ChangeLogEntry.objects.filter(type="field", key=str(field.pk)).exists()
    page = client.get(reverse("planning:fields"))
    assert "Lieu de vie" in page.content.decode()


@pytest.mark.parametrize(
    "language, data, field_name, message",
    [
        ("fr", {"kind": "number", "min_value": "10", "max_value": "2"}, "max_value", "maximum ne peut pas"),
        ("en", {"kind": "number", "min_value": "10", "max_value": "2"}, "max_value", "must not be below"),
        ("fr", {"kind": "choice", "new_choices": "Seule | Only"}, "new_choices", "au moins 2 choix"),
        ("en", {"kind": "multi_choice", "new_choices": "pas de barre"}, "new_choices", "Line 1"),
        ("en", {"kind": "yes_no", "reportable": "on"}, "reportable", "Only a choice field"),
        ("fr", {"kind": "text"}, "kind", "Sélectionnez un choix valide"),
    ],
)
def test_a_wrong_definition_is_refused_with_a_message_in_the_users_language(
    client, coordinator, language, data, field_name, message
):
    data = {"target": "contact", "label_fr": "Essai", "label_en": "Trial", **data}
    with translation.override(language):
        response = client.post(reverse("planning:field_create"), data, headers={"accept-language": language})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field_name in errors, errors
    assert any(message in error for error in errors[field_name]), errors[field_name]
    assert not CustomField.objects.exists()


def test_renaming_relabelling_and_retiring_keep_codes_and_ids(client, coordinator):
    fields = one_of_each(coordinator)
    choice = fields["choice"]
    response = client.post(
        reverse("planning:field_edit", args=[choice.pk]),
        {
            "label_fr": "Hébergement",
            "label_en": "Housing",
            "reportable": "on",
            "choice_0_fr": "Chez la famille",
            "choice_0_en": "With family",
            "choice_0_active": "on",
            "choice_1_fr": "Foyer",
            "choice_1_en": "Care home",
            "choice_1_active": "on",
            # choice_2 (rue) unticked: retired
            "choice_2_fr": "Rue",
            "choice_2_en": "Street",
            "new_choices": "Hôtel social | Social hotel",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    choice.refresh_from_db()
    assert choice.label_fr == "Hébergement"
    assert [(c.code, c.label_fr, c.is_active) for c in choice.choices.all()] == [
        ("famille", "Chez la famille", True),
        ("foyer", "Foyer", True),
        ("rue", "Rue", False),
        ("hotel-social", "Hôtel social", True),
    ]
    response = client.post(reverse("planning:field_retire", args=[fields["date"].pk]), {"active": "0"})
    assert response.status_code == 302
    fields["date"].refresh_from_db()
    assert not fields["date"].is_active
    assert "retired" in [
        e.detail["change"] for e in JournalEntry.objects.filter(event="custom_field_changed")
    ]


def test_fields_are_reordered_up_and_down(client, coordinator):
    fields = one_of_each(coordinator)

    def order():
        return list(
            CustomField.objects.filter(target="contact")
            .order_by("position", "pk")
            .values_list("kind", flat=True)
        )

    assert order() == ["yes_no", "choice", "multi_choice", "number", "date"]
    client.post(reverse("planning:field_move", args=[fields["number"].pk]), {"direction": "up"})
    client.post(reverse("planning:field_move", args=[fields["yes_no"].pk]), {"direction": "down"})
    client.post(reverse("planning:field_move", args=[fields["yes_no"].pk]), {"direction": "up"})
    client.post(
        reverse("planning:field_move", args=[fields["yes_no"].pk]), {"direction": "up"}
    )  # already first
    assert order() == ["yes_no", "choice", "number", "multi_choice", "date"]


def test_another_organisations_fields_are_not_found(client, coordinator):
    theirs = one_of_each(CoordinatorFactory())["choice"]
    before = (theirs.label_fr, theirs.is_active, theirs.position)
    assert client.get(reverse("planning:field_edit", args=[theirs.pk])).status_code == 404
    post = {"label_fr": "Piraté", "label_en": "Hacked", "choice_0_fr": "x", "choice_0_en": "x"}
    assert client.post(reverse("planning:field_edit", args=[theirs.pk]), post).status_code == 404
    assert client.post(reverse("planning:field_retire", args=[theirs.pk]), {"active": "0"}).status_code == 404
    assert (
        client.post(reverse("planning:field_move", args=[theirs.pk]), {"direction": "down"}).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert (theirs.label_fr, theirs.is_active, theirs.position) == before
    assert "Lieu de vie" not in client.get(reverse("planning:fields")).content.decode()


@pytest.mark.parametrize("make", [UserFactory, FunderUserFactory])
def test_workers_and_funders_may_not_manage_fields(client, make):
    user = make()
    if make is UserFactory:
        client.force_login(user)  # a worker: no second factor
    else:
        sign_in(client, user)
    assert client.get(reverse("planning:fields")).status_code == 403
    response = client.post(
        reverse("planning:field_create"),
        {"target": "contact", "kind": "yes_no", "label_fr": "A", "label_en": "A"},
    )
    assert response.status_code == 403
    assert not CustomField.objects.exists()


def test_the_activity_page_reads_the_values_retired_fields_included(client, coordinator):
    from outreach.services.custom_fields import set_active
    from tests.factories import ContactFactory, SessionFactory, TeamFactory

    fields = one_of_each(coordinator)
    team = TeamFactory(organisation=coordinator.organisation)
    ContactFactory(
        session=SessionFactory(team=team),
        custom_values={
            fields["choice"].key: "foyer",
            fields["multi_choice"].key: ["sante", "juridique"],
            fields["yes_no"].key: False,
            fields["date"].key: "2026-11-02",
        },
    )
    set_active(actor=coordinator, custom=fields["choice"], active=False)
    with translation.override("en"):
        page = client.get(reverse("planning:activity"), headers={"accept-language": "en"}).content.decode()
    assert "In school: No" in page
    assert "Living place: Care home" in page  # retired, still readable
    assert "Needs voiced: Health, Legal" in page
    assert "Runaway date: 11/02/2026" in page or "Runaway date: 02/11/2026" in page
