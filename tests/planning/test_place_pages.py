"""Planning pages for places: hotspots (photos, import, export, journal), partners and the directory."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from outreach.models import Hotspot, JournalEntry, PartnerService
from tests.factories import (
    FunderUserFactory,
    HotspotFactory,
    PartnerServiceFactory,
    UserFactory,
    departement,
    sign_in,
)
from tests.planning.test_photos import jpeg_with_gps

pytestmark = pytest.mark.django_db


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

    foreign = HotspotFactory()
    with pytest.raises(PermissionDenied):
        places.save_hotspot(actor=coordinator, hotspot=foreign, fields=["name"])
    worker = UserFactory(team=coordinator.organisation.teams.get())
    with pytest.raises(PermissionDenied):
        places.save_hotspot(actor=worker, hotspot=Hotspot(name="x", territory=departement("59")), fields=[])
    assert not JournalEntry.objects.filter(event="hotspot_saved").exists()
