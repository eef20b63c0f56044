"""Push, exactly as documented: strict types and times, duplicate vs conflict, forbidden scope."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from api.serializers.fields import MAX_CLOCK_AHEAD
from outreach.models import Contact, Device
from tests.api.sync_helpers import contact_create, contact_update, iso, now, push, statuses
from tests.factories import (
    ContactFactory,
    HotspotFactory,
    OrganisationFactory,
    PartnerServiceFactory,
    SessionFactory,
    TeamFactory,
    UserFactory,
    departement,
)

pytestmark = pytest.mark.django_db
ENROL_PATH = "/api/v1/devices/enrol"


def only_result(response) -> dict:
    assert response.status_code == 200, response.content
    (result,) = response.json()["results"]
    return result


# --- Strict input ---------------------------------------------------------------------------


def test_a_uuid_given_as_a_number_is_rejected_not_read_as_an_integer_uuid(field):
    _worker, session, client = field
    op = contact_create(session)
    op["uuid"] = 12345
    result = only_result(push(client, [op]))
    assert (result["status"], result["reason"], result["uuid"]) == ("rejected", "invalid", None)
    assert "uuid" in result["errors"]
    assert not Contact.objects.exists()


def test_a_session_given_as_a_number_is_rejected(field):
    _worker, session, client = field
    op = contact_create(session)
    op["data"]["session"] = session.pk
    result = only_result(push(client, [op]))
    assert (result["status"], result["reason"]) == ("rejected", "invalid")
    assert "session" in result["errors"]


@pytest.mark.parametrize("name", ["occurred_at", "client_updated_at", "client_created_at"])
def test_a_time_without_offset_is_rejected(field, name):
    _worker, session, client = field
    op = contact_create(session)
    naive = (now() - dt.timedelta(minutes=5)).replace(tzinfo=None).isoformat()
    if name == "occurred_at":
        op["data"]["occurred_at"] = naive
    else:
        op[name] = naive
    result = only_result(push(client, [op]))
    assert (result["status"], result["reason"]) == ("rejected", "invalid")
    assert "UTC" in result["errors"][name][0]  # "give the time with its offset from UTC"
    assert not Contact.objects.exists()


def test_a_sent_at_without_offset_refuses_the_batch_instead_of_measuring_a_false_skew(field):
    _worker, session, client = field
    naive = now().replace(tzinfo=None).isoformat()
    response = push(client, [contact_create(session)], sent_at=naive)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "UTC" in response.json()["errors"]["sent_at"][0]
    assert not Contact.objects.exists()


def test_a_sent_at_far_in_the_future_refuses_the_batch(field):
    _worker, session, client = field
    response = push(client, [contact_create(session)], sent_at="2099-01-01T00:00:00Z")
    assert response.status_code == 400
    assert "sent_at" in response.json()["errors"]


def test_a_phone_a_few_days_ahead_is_still_corrected_within_the_documented_limit(field):
    _worker, session, client = field
    ahead = MAX_CLOCK_AHEAD - dt.timedelta(hours=1)
    op = contact_create(session, occurred_at=iso(now() + ahead - dt.timedelta(minutes=5)))
    op["client_created_at"] = op["client_updated_at"] = iso(now() + ahead - dt.timedelta(minutes=5))
    response = push(client, [op], sent_at=iso(now() + ahead))
    assert statuses(response) == ["created"]
    assert Contact.objects.get().clock_flagged


@pytest.mark.parametrize("name", ["occurred_at", "client_updated_at", "client_created_at"])
def test_a_time_in_2099_is_rejected(field, name):
    _worker, session, client = field
    op = contact_create(session)
    if name == "occurred_at":
        op["data"]["occurred_at"] = "2099-06-01T21:00:00+02:00"
    else:
        op[name] = "2099-06-01T21:00:00+02:00"
    result = only_result(push(client, [op]))
    assert (result["status"], result["reason"]) == ("rejected", "invalid")
    assert name in result["errors"]
    assert not Contact.objects.exists()


def test_a_change_stamped_in_the_future_of_a_well_set_phone_is_rejected(field):
    _worker, session, client = field
    op = contact_create(session)
    op["client_updated_at"] = iso(now() + dt.timedelta(hours=2))
    result = only_result(push(client, [op], sent_at=iso(now())))
    assert (result["status"], result["reason"]) == ("rejected", "invalid")
    assert "client_updated_at" in result["errors"]


def test_an_unplanned_session_ends_within_a_day_of_its_start(field):
    worker, _session, client = field
    started = now() - dt.timedelta(minutes=30)
    op = {
        "op": "session.start",
        "uuid": str(uuid.uuid4()),
        "client_updated_at": iso(started),
        "data": {
            "kind": "street",
            "territory": worker.team.territories.first().pk,
            "started_at": iso(started),
            "planned_end": iso(started + dt.timedelta(days=3)),
        },
    }
    result = only_result(push(client, [op]))
    assert (result["status"], result["reason"]) == ("rejected", "invalid")
    assert "planned_end" in result["errors"]


def test_unknown_fields_are_refused_in_the_device_state(field):
    _worker, _session, client = field
    response = push(client, [], device={"outbox": 0, "last_sync_at": None, "battery": 12})
    assert response.status_code == 400
    assert "device.battery" in response.json()["errors"]


def test_unknown_fields_are_refused_at_enrolment():
    worker = UserFactory()
    worker.set_password("un mot de passe")
    worker.save()
    from rest_framework.test import APIClient

    body = {"username": worker.username, "password": "un mot de passe", "label": "P", "admin": True}
    response = APIClient().post(ENROL_PATH, body, format="json")
    assert response.status_code == 400
    assert "admin" in response.json()["errors"]
    assert not Device.objects.exists()


def test_an_install_id_given_as_a_number_is_refused_at_enrolment():
    worker = UserFactory()
    worker.set_password("un mot de passe")
    worker.save()
    from rest_framework.test import APIClient

    body = {"username": worker.username, "password": "un mot de passe", "label": "P", "install_id": 7}
    response = APIClient().post(ENROL_PATH, body, format="json")
    assert response.status_code == 400
    assert "install_id" in response.json()["errors"]


# --- Outcomes -------------------------------------------------------------------------------


def test_an_identical_replay_is_a_duplicate_even_spelled_differently(field):
    _worker, session, client = field
    op = contact_create(session, note="")
    assert statuses(push(client, [op])) == ["created"]
    replay = {**op, "data": {k: v for k, v in op["data"].items() if k != "note"}}
    moment = dt.datetime.fromisoformat(op["data"]["occurred_at"])
    replay["data"]["occurred_at"] = moment.astimezone(dt.timezone(dt.timedelta(hours=1))).isoformat()
    replay["data"]["concerns"] = list(reversed(op["data"]["concerns"]))
    result = only_result(push(client, [replay]))
    assert (result["status"], result["version"]) == ("duplicate", 1)


def test_the_same_uuid_with_other_content_is_a_conflict_carrying_the_servers_version(field):
    _worker, session, client = field
    op = contact_create(session, age_band="15_17", note="Premier passage")
    push(client, [op])
    corrected = contact_create(session, uuid_=op["uuid"], age_band="13_14", note="Premier passage")
    result = only_result(push(client, [corrected]))
    assert result["status"] == "conflict"
    assert result["version"] == 1
    assert result["current"]["uuid"] == op["uuid"]
    assert result["current"]["age_band"] == "15_17"
    assert Contact.objects.get().age_band == "15_17"


def test_a_conflicting_create_after_an_update_carries_the_current_version(field):
    _worker, session, client = field
    op = contact_create(session)
    push(client, [op])
    push(client, [contact_update(op["uuid"], 1, note="Revue")])
    result = only_result(push(client, [contact_create(session, uuid_=op["uuid"], gender="boy")]))
    assert (result["status"], result["version"]) == ("conflict", 2)
    assert result["current"]["note"] == "Revue"
    # The original create, replayed after the update, is still a duplicate.
    assert only_result(push(client, [op]))["status"] == "duplicate"


def test_the_same_uuid_twice_in_one_batch_with_other_content_is_a_conflict(field):
    _worker, session, client = field
    op = contact_create(session)
    other = contact_create(session, uuid_=op["uuid"], gender="boy")
    assert statuses(push(client, [op, op, other])) == ["created", "duplicate", "conflict"]
    assert Contact.objects.get().gender == "girl"


def test_a_contact_made_outside_the_push_answers_duplicate_to_a_create(field):
    worker, session, client = field
    existing = ContactFactory(team=worker.team, session=session)
    result = only_result(push(client, [contact_create(session, uuid_=existing.uuid)]))
    assert result["status"] == "duplicate"


def test_another_organisations_hotspot_is_forbidden(field):
    _worker, session, client = field
    foreign = HotspotFactory(organisation=OrganisationFactory())
    result = only_result(push(client, [contact_create(session, hotspot=foreign.pk)]))
    assert (result["status"], result["reason"]) == ("rejected", "forbidden")
    assert "hotspot" in result["errors"]
    assert not Contact.objects.exists()


def test_an_unknown_hotspot_answers_like_another_organisations(field):
    _worker, session, client = field
    result = only_result(push(client, [contact_create(session, hotspot=999_999)]))
    assert (result["status"], result["reason"]) == ("rejected", "forbidden")


def test_another_organisations_session_is_forbidden(field):
    _worker, _session, client = field
    theirs = SessionFactory(team=TeamFactory(organisation=OrganisationFactory()))
    result = only_result(push(client, [contact_create(theirs)]))
    assert (result["status"], result["reason"]) == ("rejected", "forbidden")
    assert "session" in result["errors"]


def test_another_organisations_partner_is_forbidden(field):
    _worker, session, client = field
    theirs = PartnerServiceFactory(organisation=OrganisationFactory())
    result = only_result(push(client, [contact_create(session, orientations=[theirs.pk])]))
    assert (result["status"], result["reason"]) == ("rejected", "forbidden")
    assert "orientations" in result["errors"]


def test_the_organisations_own_retired_place_or_far_partner_is_invalid_not_forbidden(field):
    worker, session, client = field
    retired = HotspotFactory(organisation=worker.organisation, is_active=False)
    far = PartnerServiceFactory(organisation=worker.organisation, territory=departement("13"))
    op = contact_create(session, hotspot=retired.pk, orientations=[far.pk])
    result = only_result(push(client, [op]))
    assert (result["status"], result["reason"]) == ("rejected", "invalid")
    assert {"hotspot", "orientations"} <= set(result["errors"])


def test_an_update_moving_to_another_organisations_hotspot_is_forbidden(field):
    worker, session, client = field
    op = contact_create(session, hotspot=HotspotFactory(organisation=worker.organisation).pk)
    push(client, [op])
    foreign = HotspotFactory(organisation=OrganisationFactory())
    result = only_result(push(client, [contact_update(op["uuid"], 1, hotspot=foreign.pk)]))
    assert (result["status"], result["reason"]) == ("rejected", "forbidden")
    assert Contact.objects.get().version == 1


def test_a_replay_stays_a_duplicate_after_its_hotspot_was_retired(field):
    worker, session, client = field
    hotspot = HotspotFactory(organisation=worker.organisation)
    op = contact_create(session, hotspot=hotspot.pk)
    push(client, [op])
    hotspot.is_active = False
    hotspot.save()
    assert only_result(push(client, [op]))["status"] == "duplicate"


@pytest.mark.parametrize("change", [{"hotspot": 2**70}, {"orientations": [2**64]}])
def test_an_id_beyond_64_bits_is_rejected_not_a_server_error(field, change):
    _worker, session, client = field
    result = only_result(push(client, [contact_create(session, **change)]))
    assert (result["status"], result["reason"]) == ("rejected", "invalid")
    assert [name.split(".")[0] for name in result["errors"]] == list(change)
