"""Pull: a snapshot of what the device needs, then changes after an opaque cursor, paged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outreach.models import Concern, DigitalSlot, RouteStop
from tests.api.sync_helpers import PULL, contact_create, device_client, now, push, statuses
from tests.factories import (
    ContactFactory,
    HotspotFactory,
    PartnerServiceFactory,
    SessionFactory,
    TeamFactory,
    UserFactory,
    departement,
)

pytestmark = pytest.mark.django_db


def pull_all(client, cursor=None, limit=500):
    """Every page from `cursor` on: (items, final cursor, pages)."""
    items, pages = [], []
    while True:
        params = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        response = client.get(PULL, params)
        assert response.status_code == 200, response.content
        page = response.json()
        pages.append(page)
        items.extend(page["items"])
        cursor = page["cursor"]
        if not page["more"]:
            return items, cursor, pages


def keys(items, type_=None):
    """What a phone holds after applying `items` in order (an item may come more than once)."""
    held = {}
    for item in items:
        if item["op"] == "upsert":
            held[item["type"], item["id"]] = item
        else:
            held.pop((item["type"], item["id"]), None)
    return {key for key in held if type_ is None or key[0] == type_}


@pytest.fixture
def world():
    worker = UserFactory()
    org = worker.organisation
    mine = HotspotFactory(organisation=org)
    theirs = HotspotFactory()
    near = PartnerServiceFactory(organisation=org)
    national = PartnerServiceFactory(organisation=None)
    far = PartnerServiceFactory(organisation=org, territory=departement("13"))
    other_orgs = PartnerServiceFactory(organisation=theirs.organisation)
    planned = SessionFactory(team=worker.team)
    RouteStop.objects.create(session=planned, hotspot=mine, position=1)
    digital = SessionFactory(team=worker.team, kind="digital")
    DigitalSlot.objects.create(
        session=digital,
        platform_id=1,
        starts_at=digital.planned_start,
        ends_at=digital.planned_end,
    )
    other_team = SessionFactory(team=TeamFactory(organisation=org))
    old = SessionFactory(
        team=worker.team,
        planned_start=now() - dt.timedelta(days=30),
        status="done",
        started_at=now() - dt.timedelta(days=30),
        ended_at=now() - dt.timedelta(days=30) + dt.timedelta(hours=3),
    )
    client, device = device_client(worker)
    return locals()


def test_the_first_pull_is_a_snapshot_of_everything_the_device_needs(world):
    items, _, pages = pull_all(world["client"])
    assert all(p["snapshot"] for p in pages[:-1])
    assert pages[-2]["snapshot_complete"] if len(pages) > 1 else True
    concerns = {i["id"]: i["data"] for i in items if i["type"] == "concern"}
    assert concerns["running_away"]["label_fr"] == "Fugue"
    assert concerns["running_away"]["label_en"] == "Running away"
    assert len(keys(items, "action")) == 10 and len(keys(items, "platform")) == 6
    assert keys(items, "hotspot") == {("hotspot", world["mine"].pk)}
    assert keys(items, "partner") == {
        ("partner", world["near"].pk),
        ("partner", world["national"].pk),
    }
    sessions = {i["id"]: i["data"] for i in items if i["type"] == "session" and i["data"]}
    assert keys(items, "session") == {
        ("session", str(world["planned"].uuid)),
        ("session", str(world["digital"].uuid)),
    }
    route = sessions[str(world["planned"].uuid)]["route"]
    assert route == [{"position": 1, "hotspot": world["mine"].pk, "minutes_planned": 20}]
    assert sessions[str(world["digital"].uuid)]["digital_slots"][0]["platform"]
    snapshot_items = [i for p in pages if p["snapshot"] for i in p["items"]]
    assert all(i["op"] == "upsert" for i in snapshot_items)


def test_the_device_receives_its_own_recent_contacts_only(world):
    _worker, client = world["worker"], world["client"]
    op = contact_create(world["planned"])
    push(client, [op])
    ContactFactory(session=world["planned"])  # a colleague's, recorded on another phone
    items, _, _ = pull_all(client)
    contacts = [i for i in items if i["type"] == "contact"]
    assert {c["id"] for c in contacts} == {op["uuid"]}
    assert contacts[0]["data"]["version"] == 1
    assert contacts[0]["data"]["concerns"] == ["running_away"]
    assert contacts[0]["data"]["editable_until"]


def test_after_the_snapshot_only_changes_come(world):
    client = world["client"]
    _, cursor, _ = pull_all(client)
    items, cursor, _ = pull_all(client, cursor)
    assert items == []
    new_hotspot = HotspotFactory(organisation=world["worker"].organisation)
    HotspotFactory()  # another organisation's: not for this device
    op = contact_create(world["planned"])
    assert statuses(push(client, [op])) == ["created"]
    items, cursor, _ = pull_all(client, cursor)
    assert keys(items) == {("hotspot", new_hotspot.pk), ("contact", op["uuid"])}
    items, _, _ = pull_all(client, cursor)
    assert items == []


def test_deletions_and_retirements_come_as_tombstones(world):
    client = world["client"]
    _, cursor, _ = pull_all(client)
    world["mine"].is_active = False
    world["mine"].save()
    world["planned"].status = "cancelled"
    world["planned"].save()
    near_pk = world["near"].pk
    world["near"].delete()
    concern = Concern.objects.get(code="health")
    concern.is_active = False
    concern.save()
    items, _, _ = pull_all(client, cursor)
    by_key = {(i["type"], i["id"]): i for i in items}
    assert by_key[("hotspot", world["mine"].pk)]["op"] == "delete"
    assert by_key[("session", str(world["planned"].uuid))]["op"] == "delete"
    assert by_key[("partner", near_pk)] == {
        "type": "partner",
        "op": "delete",
        "id": near_pk,
        "data": None,
    }
    retired = by_key[("concern", "health")]
    assert retired["op"] == "upsert" and retired["data"]["is_active"] is False


def test_a_route_change_resends_the_session(world):
    client = world["client"]
    _, cursor, _ = pull_all(client)
    RouteStop.objects.create(
        session=world["planned"],
        hotspot=HotspotFactory(organisation=world["worker"].organisation),
        position=2,
    )
    items, _, _ = pull_all(client, cursor)
    sessions = [i for i in items if i["type"] == "session"]
    assert len(sessions[0]["data"]["route"]) == 2


def test_small_pages_deliver_the_same_items_with_more_flags(world):
    everything, _, _ = pull_all(world["client"])
    paged, _, pages = pull_all(world["client"], limit=4)
    assert len(pages) > 5
    assert all(p["more"] for p in pages[:-1]) and not pages[-1]["more"]
    assert all(len(p["items"]) <= 4 for p in pages)
    assert keys(paged) == keys(everything)
    assert len(paged) == len(everything)


def test_changes_are_paged_too(world):
    client = world["client"]
    _, cursor, _ = pull_all(client)
    ops = [contact_create(world["planned"]) for _ in range(7)]
    push(client, ops)
    items, _, pages = pull_all(client, cursor, limit=3)
    assert [len(p["items"]) for p in pages] == [3, 3, 1]
    assert keys(items) == {("contact", op["uuid"]) for op in ops}


def test_an_invalid_cursor_is_a_400_telling_to_start_over(world):
    response = world["client"].get(PULL, {"cursor": "made-up"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"


@pytest.mark.parametrize("limit", ["0", "5000", "ten", "-3"])
def test_a_bad_limit_is_a_400(world, limit):
    response = world["client"].get(PULL, {"limit": limit})
    assert response.status_code == 400
    assert "limit" in response.json()["errors"]


def test_pull_queries_do_not_grow_with_the_number_of_items(world, django_assert_max_num_queries):
    """One page costs the same number of queries whether it carries 30 items or 300."""
    client, worker = world["client"], world["worker"]
    push(client, [contact_create(world["planned"]) for _ in range(3)])
    _, cursor, _ = pull_all(client)
    with CaptureQueriesContext(connection) as snapshot_few:
        client.get(PULL, {"limit": 1000})
    snapshot_queries = len(snapshot_few)  # read now: the capture is a view on a log that moves on
    # One change of each kind, so the comparison below is about volume, not kinds.
    HotspotFactory(organisation=worker.organisation)
    PartnerServiceFactory(organisation=worker.organisation)
    RouteStop.objects.create(session=SessionFactory(team=worker.team), hotspot=world["mine"], position=1)
    Concern.objects.filter(code="health").get().save()
    push(client, [contact_create(world["planned"]) for _ in range(2)])
    with CaptureQueriesContext(connection) as log_few:
        client.get(PULL, {"limit": 1000, "cursor": cursor})
    log_queries = len(log_few)
    _, cursor, _ = pull_all(client)
    for _ in range(15):
        Concern.objects.create(code=f"c{_}", label_fr="x", label_en="x")
        HotspotFactory(organisation=worker.organisation)
        session = SessionFactory(team=worker.team)
        RouteStop.objects.create(session=session, hotspot=world["mine"], position=1)
        PartnerServiceFactory(organisation=worker.organisation)
    push(client, [contact_create(world["planned"]) for _ in range(40)])
    with django_assert_max_num_queries(snapshot_queries):
        body = client.get(PULL, {"limit": 1000}).json()
    assert len(body["items"]) > 100
    with django_assert_max_num_queries(log_queries):
        body = client.get(PULL, {"limit": 1000, "cursor": cursor}).json()
    assert len(body["items"]) > 80


def test_a_coordinators_phone_receives_every_team_of_the_organisation(world):
    from tests.factories import CoordinatorFactory

    coordinator = CoordinatorFactory(organisation=world["org"])
    client, _ = device_client(coordinator)
    items, _, _ = pull_all(client)
    assert ("session", str(world["other_team"].uuid)) in keys(items, "session")
    assert ("session", str(world["planned"].uuid)) in keys(items, "session")


def test_another_teams_session_changes_never_reach_the_device(world):
    client = world["client"]
    _, cursor, _ = pull_all(client)
    world["other_team"].title = "Autre équipe"
    world["other_team"].save()
    items, _, _ = pull_all(client, cursor)
    assert items == []


# Committed transactions, as in production: inside one test transaction every row shares its id.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_cursor_older_than_the_kept_change_log_must_start_over(world):
    import datetime as dt

    from django.core.management import call_command

    from outreach.models import ChangeLogEntry, SyncReceipt

    client = world["client"]
    _, old_cursor, _ = pull_all(client)
    op = contact_create(world["planned"])
    push(client, [op])
    push(client, [{**op, "op": "contact.update", "base_version": 1, "data": {"note": "x"}}])
    ChangeLogEntry.objects.update(created_at=now() - dt.timedelta(days=90))
    SyncReceipt.objects.update(created_at=now() - dt.timedelta(days=90))
    HotspotFactory(organisation=world["worker"].organisation)  # a recent change, kept
    call_command("purge_sync_log", stdout=__import__("io").StringIO())
    assert not SyncReceipt.objects.exists()
    assert ChangeLogEntry.objects.count() == 1
    response = client.get(PULL, {"cursor": old_cursor})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"
    items, cursor, _ = pull_all(client)  # a fresh snapshot works, and so does its cursor
    assert ("contact", op["uuid"]) in keys(items)
    assert client.get(PULL, {"cursor": cursor}).status_code == 200


def test_every_item_id_has_its_documented_type(world):
    """Hotspot and partner ids are integers, as `route[].hotspot` and a contact's `hotspot`."""
    push(world["client"], [contact_create(world["planned"], hotspot=world["mine"].pk)])
    items, _, _ = pull_all(world["client"])
    for item in items:
        data = item["data"] or {}  # a delete carries no data
        if item["type"] in ("hotspot", "partner"):
            assert type(item["id"]) is int and item["id"] == data.get("id", item["id"]), item
        elif item["type"] in ("session", "contact"):
            assert type(item["id"]) is str and item["id"] == data.get("uuid", item["id"]), item
        else:
            assert type(item["id"]) is str and item["id"] == data.get("code", item["id"]), item
    hotspot_ids = {i["id"] for i in items if i["type"] == "hotspot"}
    route = next(i for i in items if i["id"] == str(world["planned"].uuid))["data"]["route"]
    assert [stop["hotspot"] for stop in route] == [world["mine"].pk]
    assert {stop["hotspot"] for stop in route} <= hotspot_ids
    contacts = [i for i in items if i["type"] == "contact"]  # an item may come twice
    assert contacts and all(c["data"]["hotspot"] in hotspot_ids for c in contacts)
