"""Push and pull of an organisation's own fields, as a hostile client would try them."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from outreach.models import Contact, OutreachSession
from outreach.services.custom_fields import ChoiceEdit, Definition, edit_field, set_active
from tests.api.sync_helpers import PULL, contact_create, contact_update, iso, now, statuses
from tests.api.sync_helpers import push as push_fr
from tests.custom_field_builders import one_of_each
from tests.factories import CoordinatorFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def push(client, operations):
    """A push from a phone set to English (messages are checked in English below)."""
    return push_fr(client, operations, headers={"Accept-Language": "en"})


@pytest.fixture
def fields(field):
    worker, _session, _client = field
    coordinator = CoordinatorFactory(organisation=worker.organisation)
    return one_of_each(coordinator), coordinator


def good_values(fields) -> dict:
    return {
        fields["yes_no"].key: True,
        fields["choice"].key: "foyer",
        fields["multi_choice"].key: ["sante", "juridique"],
        fields["number"].key: 4,
        fields["date"].key: "2026-11-02",
    }


def test_a_contact_keeps_a_value_of_each_kind(field, fields):
    _worker, session, client = field
    op = contact_create(session, custom_values=good_values(fields[0]))
    assert statuses(push(client, [op])) == ["created"]
    contact = Contact.objects.get(uuid=op["uuid"])
    assert contact.custom_values == good_values(fields[0])


@pytest.mark.parametrize(
    "kind, value, message",
    [
        ("yes_no", "oui", "Expected yes or no"),
        ("yes_no", 1, "Expected yes or no"),
        ("number", "4", "Expected a whole number"),
        ("number", 4.5, "Expected a whole number"),
        ("number", True, "Expected a whole number"),
        ("number", 31, "between 0 and 30"),
        ("number", -1, "between 0 and 30"),
        ("date", "02/11/2026", "Expected a date"),
        ("date", "2026-02-30", "Expected a date"),
        ("date", "1812-06-01", "not plausible"),
        ("choice", "chateau", "Unknown choice"),
        ("choice", ["foyer"], "Expected one choice code"),
        ("multi_choice", "sante", "Expected a list"),
        ("multi_choice", ["sante", "sante"], "given twice"),
        ("multi_choice", ["sante", "ovni"], "Unknown choice"),
    ],
)
def test_a_wrong_value_is_rejected_with_the_field_message(field, fields, kind, value, message):
    _worker, session, client = field
    key = fields[0][kind].key
    op = contact_create(session, custom_values={key: value})
    response = push(client, [op])
    assert statuses(response) == ["rejected"]
    errors = response.json()["results"][0]["errors"]
    assert message in errors[f"custom_values.{key}"][0]
    assert not Contact.objects.filter(uuid=op["uuid"]).exists()


def test_unknown_and_foreign_fields_are_rejected_and_good_records_kept(field, fields):
    _worker, session, client = field
    foreign = one_of_each(CoordinatorFactory())  # another organisation's fields
    ops = [
        contact_create(session, custom_values={foreign["yes_no"].key: True}),
        contact_create(session, custom_values=good_values(fields[0])),
        contact_create(session, custom_values={"999999": True}),
        contact_create(session, custom_values=["not", "an", "object"]),
        contact_create(session, custom_values={fields[0]["number"].key: 3}),
    ]
    response = push(client, ops)
    assert statuses(response) == ["rejected", "created", "rejected", "rejected", "created"]
    results = response.json()["results"]
    assert (
        "not one of your organisation's" in results[0]["errors"][f"custom_values.{foreign['yes_no'].key}"][0]
    )
    assert "custom_values.999999" in results[2]["errors"]
    assert "custom_values" in results[3]["errors"]
    assert Contact.objects.filter(uuid__in=[ops[1]["uuid"], ops[4]["uuid"]]).count() == 2


def test_a_debrief_field_is_not_accepted_on_a_contact(field, fields):
    _worker, session, client = field
    debrief = one_of_each(fields[1], target="debrief")
    response = push(client, [contact_create(session, custom_values={debrief["yes_no"].key: True})])
    assert statuses(response) == ["rejected"]


def test_retiring_keeps_values_and_refuses_new_ones(field, fields):
    _worker, session, client = field
    defined, coordinator = fields
    op = contact_create(session, custom_values=good_values(defined))
    assert statuses(push(client, [op])) == ["created"]
    set_active(actor=coordinator, custom=defined["number"], active=False)
    choice = defined["choice"]
    edit_field(
        actor=coordinator,
        custom=choice,
        definition=Definition(
            label_fr="Hébergement actuel",
            label_en="Current housing",
            reportable=True,
            choice_edits=[ChoiceEdit("foyer", "Foyer ASE", "Care home", False)],
        ),
    )
    # The phone sends its record whole: unchanged values of retired things are accepted…
    later = [now() + dt.timedelta(seconds=n) for n in range(3)]
    same = contact_update(op["uuid"], 1, at=later[0], custom_values=good_values(defined), note="")
    assert statuses(push(client, [same])) == ["updated"]
    contact = Contact.objects.get(uuid=op["uuid"])
    assert contact.custom_values == good_values(defined)
    # …but a new value of a retired field, or a retired choice newly picked, is not.
    other = contact_create(session, custom_values={defined["number"].key: 5, choice.key: "foyer"})
    response = push(
        client, [other, contact_update(op["uuid"], 2, at=later[1], custom_values={defined["number"].key: 6})]
    )
    assert statuses(response) == ["rejected", "rejected"]
    errors = response.json()["results"][0]["errors"]
    assert "was retired" in errors[f"custom_values.{defined['number'].key}"][0]
    assert "was retired" in errors[f"custom_values.{choice.key}"][0]
    # Clearing one value with null leaves the others as they were.
    clear = contact_update(op["uuid"], 2, at=later[2], custom_values={defined["yes_no"].key: None})
    assert statuses(push(client, [clear])) == ["updated"]
    contact.refresh_from_db()
    assert defined["yes_no"].key not in contact.custom_values
    assert contact.custom_values[defined["number"].key] == 4


def test_a_debrief_keeps_its_fields_and_refuses_wrong_ones(field, fields):
    _worker, session, client = field
    debrief = one_of_each(fields[1], target="debrief")

    def update(version, values, minutes):
        return {
            "op": "session.update",
            "uuid": str(session.uuid),
            "base_version": version,
            "client_updated_at": iso(now() - dt.timedelta(minutes=minutes)),
            "data": {"young_people_seen": 3, "custom_values": values},
        }

    good = {debrief["choice"].key: "rue", debrief["number"].key: 30}
    bad = {debrief["number"].key: 31}
    response = push(client, [update(1, bad, 3), update(1, good, 2)])
    assert statuses(response) == ["rejected", "updated"]
    session.refresh_from_db()
    assert session.custom_values == good
    assert session.young_people_seen == 3


def test_the_pull_sends_the_definitions_of_the_own_organisation_only(field, fields):
    _worker, _session, client = field
    defined, coordinator = fields
    one_of_each(CoordinatorFactory())  # another organisation's
    set_active(actor=coordinator, custom=defined["date"], active=False)
    items = []
    cursor = None
    while True:
        response = client.get(PULL, {"limit": 500, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200
        body = response.json()
        items += body["items"]
        cursor = body["cursor"]
        if not body["more"]:
            break
    got = {item["id"]: item["data"] for item in items if item["type"] == "field"}
    assert set(got) == {f.key for f in defined.values()}
    assert got[defined["date"].key]["is_active"] is False
    choice = got[defined["choice"].key]
    assert [c["code"] for c in choice["choices"]] == ["famille", "foyer", "rue"]
    assert choice["label_en"] == "Living place"
    assert got[defined["number"].key]["min_value"] == 0 and got[defined["number"].key]["max_value"] == 30
    # A later change reaches the phone through the change log.
    edit_field(
        actor=coordinator,
        custom=defined["yes_no"],
        definition=Definition(label_fr="Va à l'école", label_en="Goes to school"),
    )
    response = client.get(PULL, {"cursor": cursor})
    changed = [item for item in response.json()["items"] if item["type"] == "field"]
    assert [item["data"]["label_fr"] for item in changed] == ["Va à l'école"]


def test_another_organisations_worker_cannot_write_through_a_foreign_session(fields):
    stranger = UserFactory()
    from tests.api.sync_helpers import device_client

    client, _ = device_client(stranger)
    session = SessionFactory(team=stranger.team, status="under_way", started_at=now())
    op = contact_create(session, custom_values={fields[0]["yes_no"].key: True})
    assert statuses(push(client, [op])) == ["rejected"]
    assert OutreachSession.objects.filter(pk=session.pk).exists()
    assert not Contact.objects.filter(uuid=uuid.UUID(op["uuid"])).exists()


def test_the_messages_follow_the_phones_language(field, fields):
    _worker, session, client = field
    key = fields[0]["number"].key
    response = push_fr(client, [contact_create(session, custom_values={key: 31})])
    assert response.json()["results"][0]["errors"][f"custom_values.{key}"] == [
        "Attendu : un nombre entre 0 et 30."
    ]
