"""Coordinator pages end to end with Django's test client: forms, messages, files, queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from outreach.models import Hotspot, JournalEntry, OutreachSession, PartnerService, PlatformCategory
from outreach.selectors.coverage import coverage
from outreach.selectors.directory import directory_for_offline
from outreach.timebands import PARIS
from tests.factories import (
    ContactFactory,
    CoordinatorFactory,
    FunderUserFactory,
    HotspotFactory,
    PartnerServiceFactory,
    SessionFactory,
    TeamFactory,
    UserFactory,
    departement,
    sign_in,
)
from tests.planning.test_photos import jpeg_with_gps

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    team = TeamFactory()
    return CoordinatorFactory(organisation=team.organisation)


@pytest.fixture
def signed_in(client, coordinator):
    sign_in(client, coordinator)
    client.cookies["django_language"] = "en"
    return client


def hotspot_post(**extra):
    return {
        "name": "Gare Lille-Flandres",
        "kind": "station",
        "territory": departement("59").pk,
        "latitude": "50.636789",
        "longitude": "3.070456",
        "notes": "Parvis, côté métro",
        "is_active": "on",
        **extra,
    }


def test_hotspot_photo_is_stored_clean_and_coordinates_coarse(signed_in, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile("place.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = signed_in.post(
        reverse("planning:hotspot_create"), hotspot_post(photo_upload=photo, no_person="on")
    )
    assert response.status_code == 302
    hotspot = Hotspot.objects.get()
    assert (str(hotspot.latitude), str(hotspot.longitude)) == ("50.637", "3.070")
    with Image.open(hotspot.photo.path) as stored:
        assert not stored.getexif() and max(stored.size) == 1600


def test_hotspot_photo_refusals_are_shown_in_the_form(signed_in, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    not_image = SimpleUploadedFile("place.jpg", b"MZ\x90\x00 binary", content_type="image/jpeg")
    response = signed_in.post(
        reverse("planning:hotspot_create"), hotspot_post(photo_upload=not_image, no_person="on")
    )
    assert response.status_code == 200
    assert "This file is not an image Maraude can read." in response.content.decode()
    assert not Hotspot.objects.exists()

    photo = SimpleUploadedFile("place.jpg", jpeg_with_gps((200, 100)), content_type="image/jpeg")
    response = signed_in.post(reverse("planning:hotspot_create"), hotspot_post(photo_upload=photo))
    assert "Confirm the photo shows no person" in response.content.decode()


def test_import_page_lists_bad_rows_by_line(signed_in):
    data = b"nom,categorie,territoire\nMaison des ados,health,59\nSans categorie,,59\nX,hotline,zz9\n"
    response = signed_in.post(
        reverse("planning:directory_import"),
        {"file": SimpleUploadedFile("annuaire.csv", data, content_type="text/csv")},
    )
    page = response.content.decode()
    assert "Line 3 (categorie)" in page and "Line 4 (territoire)" in page
    assert "Nothing was imported" in page
    assert not PartnerService.objects.exists()


def test_export_is_a_csv_download_and_is_journaled(signed_in, coordinator):
    PartnerServiceFactory(organisation=coordinator.organisation, name="Maison des ados")
    response = signed_in.get(reverse("planning:directory_export"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    body = response.content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("id,source,nom,") and "Maison des ados" in body
    assert JournalEntry.objects.filter(event="export", actor=coordinator).exists()


def test_session_form_plans_a_night_and_reports_errors_clearly(signed_in, coordinator):
    team = coordinator.organisation.teams.get()
    worker = UserFactory(team=team)
    payload = {
        "team": team.pk,
        "kind": "street",
        "territory": departement("59").pk,
        "title": "Maraude gare",
        "day": "2026-12-04",
        "start_time": "21:00",
        "end_time": "02:00",
        "members": [worker.pk],
        "start_latitude": "50.637",
    }
    response = signed_in.post(reverse("planning:session_create"), payload)
    assert "Give both latitude and longitude, or neither." in response.content.decode()
    payload["start_longitude"] = "3.071"
    response = signed_in.post(reverse("planning:session_create"), payload)
    session = OutreachSession.objects.get()
    assert response["Location"] == reverse("planning:route", args=[session.pk])
    assert session.service_date == dt.date(2026, 12, 4)


def test_board_query_count_does_not_grow_with_sessions(signed_in, coordinator):
    team = coordinator.organisation.teams.get()
    day = dt.date.today()

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert signed_in.get(reverse("planning:board"), {"week": day}).status_code == 200
        return len(queries)

    SessionFactory(team=team)
    few = count_queries()
    for _ in range(6):
        session = SessionFactory(team=team)
        session.route_stops.create(hotspot=HotspotFactory(organisation=team.organisation), position=1)
    assert count_queries() == few


def test_coverage_counts_visits_bands_and_suggests_the_forgotten_place(coordinator):
    team = coordinator.organisation.teams.get()
    busy, quiet = (HotspotFactory(organisation=team.organisation) for _ in range(2))
    today = dt.date.today()
    for _ in range(3):
        session = SessionFactory(
            team=team,
            status="done",
            started_at=dt.datetime.now(dt.UTC),
            ended_at=dt.datetime.now(dt.UTC),
        )
        session.route_stops.create(hotspot=busy, position=1)
        ContactFactory(session=session, hotspot=busy)
    result = coverage(user=coordinator, start=today - dt.timedelta(days=7), end=today)
    rows = {row.hotspot: row for row in result.hotspots}
    assert (rows[busy].visits, rows[busy].contacts) == (3, 3)
    assert sum(rows[busy].band_counts) == 3 and sum(rows[busy].weekday_counts) == 3
    assert rows[busy].last_visited is not None and rows[quiet].last_visited is None
    assert [row.hotspot for row in result.suggestions] == [quiet]
    assert result.sectors[0].contacts == 3


def test_field_apps_get_their_area_services_for_offline_orientation():
    team = TeamFactory()
    worker = UserFactory(team=team)
    local = PartnerServiceFactory(organisation=team.organisation, name="Maison des ados")
    hotline = PartnerServiceFactory(organisation=None, name="119", territory=departement("59").parent.parent)
    PartnerServiceFactory(organisation=team.organisation, territory=departement("75"), name="Paris")
    PartnerServiceFactory(organisation=team.organisation, is_active=False, name="Closed")
    PartnerServiceFactory(organisation=TeamFactory().organisation, name="Someone else's")
    names = {item["name"] for item in directory_for_offline(worker)}
    assert names == {local.name, hotline.name}


def test_editing_a_session_keeps_its_team_and_kind(signed_in, coordinator):
    team = coordinator.organisation.teams.get()
    session = SessionFactory(team=team, title="Avant")
    worker = UserFactory(team=team)
    response = signed_in.post(
        reverse("planning:session_edit", args=[session.pk]),
        {
            "team": TeamFactory().pk,  # disabled field: ignored
            "kind": "digital",  # disabled field: ignored
            "territory": session.territory_id,
            "title": "Après",
            "day": "2026-12-11",
            "start_time": "20:30",
            "end_time": "23:30",
            "members": [worker.pk],
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.title, session.team, session.kind) == ("Après", team, "street")
    assert session.service_date == dt.date(2026, 12, 11)
    assert list(session.members.all()) == [worker]


def test_copy_page_defaults_to_a_week_later_and_copies(signed_in, coordinator):
    team = coordinator.organisation.teams.get()
    start = dt.datetime(2026, 11, 27, 21, 0, tzinfo=PARIS)
    session = SessionFactory(team=team, planned_start=start)
    url = reverse("planning:session_copy", args=[session.pk])
    week_later = (session.planned_start.astimezone(PARIS) + dt.timedelta(days=7)).date()
    assert f'value="{week_later.isoformat()}"' in signed_in.get(url).content.decode()
    response = signed_in.post(url, {"day": week_later.isoformat()})
    assert response.status_code == 302
    assert OutreachSession.objects.filter(team=team, service_date=week_later).count() == 1


def test_route_builder_works_as_a_plain_form_without_javascript(signed_in, coordinator):
    team = coordinator.organisation.teams.get()
    session = SessionFactory(team=team, start_latitude="50.637", start_longitude="3.070")
    far, near, unused = (
        HotspotFactory(organisation=team.organisation, latitude="50.637", longitude=lon)
        for lon in ("3.090", "3.072", "3.080")
    )
    url = reverse("planning:route", args=[session.pk])
    form = {
        "start_kind": "point",
        "start_latitude": "50.637",
        "start_longitude": "3.070",
        f"stop_{far.pk}": "on",
        f"pos_{far.pk}": "1",
        f"min_{far.pk}": "30",
        f"stop_{near.pk}": "on",
        f"pos_{near.pk}": "2",
        f"min_{near.pk}": "15",
        f"min_{unused.pk}": "20",
    }
    signed_in.post(url, {**form, "action": "save"})
    assert [s.hotspot for s in session.route_stops.order_by("position")] == [far, near]
    response = signed_in.post(url, {**form, "action": "optimise"}, follow=True)
    stops = list(session.route_stops.order_by("position"))
    assert [(s.hotspot, s.minutes_planned) for s in stops] == [(near, 15), (far, 30)]
    assert "Route ordered from the start point: 2 stops" in response.content.decode()


def test_home_page_leads_coordinators_and_workers_to_the_plan(client, coordinator):
    sign_in(client, coordinator)
    assert reverse("planning:board") in client.get(reverse("home")).content.decode()
    sign_in(client, UserFactory())
    assert reverse("planning:board") in client.get(reverse("home")).content.decode()


def test_hotspot_photos_are_served_to_the_organisation_only(signed_in, coordinator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile("IMG_2041.jpg", jpeg_with_gps((300, 200)), content_type="image/jpeg")
    signed_in.post(reverse("planning:hotspot_create"), hotspot_post(photo_upload=photo, no_person="on"))
    hotspot = Hotspot.objects.get()
    assert "IMG_2041" not in hotspot.photo.name and "place" not in hotspot.photo.name
    url = reverse("planning:hotspot_photo", args=[hotspot.pk])
    response = signed_in.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    # Reading the stream to its end closes the file (as the client does, without closing the
    # test's database connection the way an explicit response.close() would).
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    worker = UserFactory(team=coordinator.organisation.teams.get())
    sign_in(signed_in, worker)
    ok = signed_in.get(url)
    assert ok.status_code == 200 and b"".join(ok.streaming_content)
    signed_in.force_login(UserFactory())  # another organisation's worker
    assert signed_in.get(url).status_code == 404
    sign_in(signed_in, FunderUserFactory())
    assert signed_in.get(url).status_code == 403


def test_directory_filters_by_category_territory_and_text(signed_in, coordinator):
    org = coordinator.organisation
    PartnerServiceFactory(organisation=org, name="Maison des ados Lille", category="health")
    PartnerServiceFactory(
        organisation=org, name="Foyer Paris", category="shelter", territory=departement("75")
    )
    url = reverse("planning:directory")
    assert "Foyer Paris" not in signed_in.get(url, {"category": "health"}).content.decode()
    page = signed_in.get(url, {"territory": departement("75").pk}).content.decode()
    assert "Foyer Paris" in page and "Maison des ados Lille" not in page
    page = signed_in.get(url, {"q": "ados"}).content.decode()
    assert "Maison des ados Lille" in page and "Foyer Paris" not in page


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _add_activity(team, count):
    for _ in range(count):
        hotspot = HotspotFactory(organisation=team.organisation)
        now = dt.datetime.now(dt.UTC)
        session = SessionFactory(team=team, status="done", started_at=now, ended_at=now)
        session.route_stops.create(hotspot=hotspot, position=1)
        ContactFactory(session=session, hotspot=hotspot, note="note")
        PartnerServiceFactory(organisation=team.organisation)


@pytest.mark.parametrize("name", ["activity", "coverage", "directory", "hotspots"])
def test_list_pages_run_a_fixed_number_of_queries(signed_in, coordinator, name):
    team = coordinator.organisation.teams.get()
    url = reverse(f"planning:{name}")
    _add_activity(team, 1)
    few = _queries(signed_in, url)
    _add_activity(team, 5)
    assert _queries(signed_in, url) == few


def test_partner_form_saves_data_inclusion_codes(signed_in, coordinator):
    response = signed_in.post(
        reverse("planning:partner_create"),
        {
            "name": "Maison des ados",
            "category": "health",
            "territory": departement("59").pk,
            "publics": ["jeunes"],
            "reception_modes": ["en-presentiel", "a-distance"],
            "eligibility_codes": "59350|59",
            "opening_hours": "Mo-Fr 09:00-18:00",
            "website": "maisondesados.example.org",
            "accepts_unaccompanied_minors": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    service = PartnerService.objects.get()
    assert service.organisation == coordinator.organisation
    assert service.publics == ["jeunes"] and service.eligibility_codes == ["59350", "59"]
    assert service.website == "https://maisondesados.example.org"
    bad = signed_in.post(
        reverse("planning:partner_create"),
        {"name": "X", "category": "health", "territory": departement("59").pk, "publics": ["mineurs"]},
    )
    assert "mineurs" in bad.content.decode() and PartnerService.objects.count() == 1


def test_digital_slots_after_midnight_belong_to_the_same_night(signed_in, coordinator):
    team = coordinator.organisation.teams.get()
    start = dt.datetime(2026, 12, 4, 21, 0, tzinfo=PARIS)
    session = SessionFactory(
        team=team, kind="digital", planned_start=start, planned_end=start + dt.timedelta(hours=5)
    )
    platforms = list(PlatformCategory.objects.filter(is_active=True)[:2])
    response = signed_in.post(
        reverse("planning:slots", args=[session.pk]),
        {
            "slots-TOTAL_FORMS": "3",
            "slots-INITIAL_FORMS": "0",
            "slots-0-platform": platforms[0].pk,
            "slots-0-start_time": "21:00",
            "slots-0-end_time": "22:30",
            "slots-1-platform": platforms[1].pk,
            "slots-1-start_time": "00:30",
            "slots-1-end_time": "01:30",
        },
    )
    assert response.status_code == 302
    slots = [(s.platform, s.starts_at.astimezone(PARIS)) for s in session.digital_slots.order_by("starts_at")]
    assert slots == [
        (platforms[0], start),
        (platforms[1], dt.datetime(2026, 12, 5, 0, 30, tzinfo=PARIS)),
    ]


# --- Planning writes go through services, with a journal entry (issue 12) ------------------------


def test_a_hotspot_saved_from_the_page_is_journaled(signed_in, coordinator):
    response = signed_in.post(reverse("planning:hotspot_create"), hotspot_post())
    assert response.status_code == 302
    hotspot = Hotspot.objects.get()
    assert hotspot.organisation == coordinator.organisation
    entry = JournalEntry.objects.get(event="hotspot_saved")
    assert (entry.actor, entry.target, entry.detail["created"]) == (
        coordinator,
        f"hotspot {hotspot.pk}",
        True,
    )

    signed_in.post(
        reverse("planning:hotspot_edit", args=[hotspot.pk]), hotspot_post(name="Gare Lille-Europe")
    )
    latest = JournalEntry.objects.filter(event="hotspot_saved").order_by("-pk").first()
    assert latest.detail["created"] is False and "name" in latest.detail["fields"]


def test_a_partner_saved_from_the_page_is_journaled(signed_in, coordinator):
    service = PartnerServiceFactory(organisation=coordinator.organisation, name="Maison des ados")
    url = reverse("planning:partner_edit", args=[service.pk])
    form = signed_in.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | tuple)}
    data.update({"name": "Maison des adolescents", "territory": service.territory_id, "category": "health"})
    data.pop("id", None)
    response = signed_in.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    entry = JournalEntry.objects.get(event="partner_saved")
    assert entry.target == f"partner {service.pk}" and "name" in entry.detail["fields"]


def test_the_place_services_refuse_another_organisations_rows_and_non_coordinators(coordinator):
    from django.core.exceptions import PermissionDenied

    from outreach.services import places
    from tests.factories import HotspotFactory

    foreign = HotspotFactory()
    with pytest.raises(PermissionDenied):
        places.save_hotspot(actor=coordinator, hotspot=foreign, fields=["name"])
    worker = UserFactory(team=coordinator.organisation.teams.get())
    with pytest.raises(PermissionDenied):
        places.save_hotspot(actor=worker, hotspot=Hotspot(name="x", territory=departement("59")), fields=[])
    assert not JournalEntry.objects.filter(event="hotspot_saved").exists()
