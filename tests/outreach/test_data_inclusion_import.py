"""Importing data·inclusion's published files into an organisation's partner directory.

The files under data/data_inclusion/ have the published shape (see its README): two weeks of a
small national extract, structures and services, in JSON and CSV.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from outreach.models import ChangeLogEntry, JournalEntry, PartnerService
from outreach.models.sync import ChangeType
from outreach.services.communes import import_communes
from outreach.services.data_inclusion import FileProblem, import_data_inclusion
from tests.factories import (
    CoordinatorFactory,
    OrganisationFactory,
    PartnerServiceFactory,
    TeamFactory,
    UserFactory,
    departement,
)

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data" / "data_inclusion"
WEEK_1, WEEK_2 = "2026-11-16", "2026-11-23"


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English here (the site's default is French); one test checks both."""
    from django.utils import translation

    with translation.override("en"):
        yield


NORD_SERVICES = {
    "dora--accueil-de-jour-jeunes",
    "dora--mda-ecoute-ados",
    "emplois-de-linclusion--hebergement-urgence-jeunes",
    "dora--prevention-prostitution-hdf",
    "dora--fil-sante-jeunes",
    "dora--permanence-jeunes-mel",
}


def files(week: str, fmt: str = "json") -> dict:
    return {
        "structures": io.BytesIO((DATA / f"structures-inclusion-{week}.{fmt}").read_bytes()),
        "services": io.BytesIO((DATA / f"services-inclusion-{week}.{fmt}").read_bytes()),
    }


def run(organisation, week: str, fmt: str = "json", **kwargs):
    return import_data_inclusion(organisation=organisation, **files(week, fmt), **kwargs)


def counts(report) -> tuple:
    return (report.created, report.updated, report.unchanged, report.deactivated, len(report.invalid))


@pytest.fixture
def nord():
    """An organisation working in the Nord, with Lille and Roubaix known as communes."""
    import_communes((DATA.parent / "v_commune_sample.csv").read_text(encoding="utf-8").splitlines())
    team = TeamFactory(name="Lille nuit", territories=[departement("59")])
    return CoordinatorFactory(organisation=team.organisation, username="cheffe-nord")


def own(organisation) -> dict[str, PartnerService]:
    return {s.source_id: s for s in PartnerService.objects.filter(organisation=organisation)}


def test_first_import_takes_what_serves_the_departements_and_places_it(nord):
    report = run(nord.organisation, WEEK_1, actor=nord)

    assert counts(report) == (6, 0, 0, 0, 0)
    assert (report.services_read, report.outside) == (9, 3)  # Arras, and two in Paris (one invalid)
    assert report.departements == ["59"] and report.sources == [
        "dora",
        "emplois-de-linclusion",
        "france-travail",
    ]
    services = own(nord.organisation)
    assert set(services) == NORD_SERVICES
    place = {key: (s.territory.level, s.territory.code) for key, s in services.items()}
    assert place == {
        "dora--accueil-de-jour-jeunes": ("departement", "59"),  # Lille and Villeneuve-d'Ascq
        "dora--mda-ecoute-ados": ("departement", "59"),
        "emplois-de-linclusion--hebergement-urgence-jeunes": ("commune", "59512"),  # Roubaix
        "dora--prevention-prostitution-hdf": ("region", "32"),  # the région's five départements
        "dora--fil-sante-jeunes": ("national", "FR"),
        "dora--permanence-jeunes-mel": ("departement", "59"),  # an EPCI, placed by its commune
    }
    shelter = services["emplois-de-linclusion--hebergement-urgence-jeunes"]
    assert (shelter.category, shelter.open_at_night, shelter.accepts_unaccompanied_minors) == (
        "shelter",
        True,  # "24/7": a first guess the coordinator can change
        False,
    )
    day = services["dora--accueil-de-jour-jeunes"]
    assert day.structure_name == "Association Itinéraires"
    assert day.themes == ["famille--surmonter-conflits-separation-violence", "remobilisation--lien-social"]
    assert day.eligibility_codes == ["59350", "59009"]
    assert day.address == "12 rue de Paris, 59000 Lille"
    assert (day.phone, day.email, day.website) == (
        "+33320000111",
        "accueil@itineraires.example.org",
        "https://itineraires.example.org/",
    )
    assert str(day.source_updated_on) == "2026-09-14"
    assert services["dora--mda-ecoute-ados"].category == "health"
    entry = JournalEntry.objects.get(event="directory_import")
    assert (
        entry.actor == nord
        and entry.detail["created"] == 6
        and entry.detail["organisation"] == nord.organisation.pk
    )


def _snapshot(organisation) -> list[tuple]:
    return sorted(
        (
            s.source,
            s.source_id,
            s.name,
            s.structure_name,
            s.category,
            s.territory_id,
            s.themes,
            s.publics,
            s.reception_modes,
            s.eligibility_codes,
            s.address,
            s.phone,
            s.email,
            s.website,
            s.opening_hours,
            s.source_updated_on,
            s.open_at_night,
            s.is_active,
        )
        for s in PartnerService.objects.filter(organisation=organisation)
    )


def test_csv_and_json_files_give_the_same_directory(nord):
    other = TeamFactory(territories=[departement("59")]).organisation
    from_json = run(nord.organisation, WEEK_2, "json")
    from_csv = run(other, WEEK_2, "csv")
    assert counts(from_json) == counts(from_csv)
    assert [str(p).split(":")[0] for p in from_json.invalid] != []
    assert _snapshot(nord.organisation) == _snapshot(other)


def test_next_week_new_updated_vanished_and_invalid_rows_then_nothing_the_second_time(nord):
    organisation = nord.organisation
    run(organisation, WEEK_1, actor=nord)
    # The coordinator's own knowledge, which the schema does not carry.
    mda = own(organisation)["dora--mda-ecoute-ados"]
    mda.open_at_night, mda.accepts_unaccompanied_minors, mda.category = True, True, "specialised"
    mda.save()
    before = {key: s.updated_at for key, s in own(organisation).items()}

    report = run(organisation, WEEK_2, actor=nord)
    assert counts(report) == (1, 2, 2, 1, 2)
    services = own(organisation)
    assert services["dora--sante-sexuelle-lille"].is_active  # new
    assert services["dora--accueil-de-jour-jeunes"].structure_name.startswith("Association Itinéraires -")
    mda = services["dora--mda-ecoute-ados"]  # updated by the source, the organisation's part kept
    assert (mda.opening_hours, mda.phone) == ("Mo-Sa 13:00-20:00", "+33320000223")
    assert (mda.open_at_night, mda.accepts_unaccompanied_minors, mda.category) == (True, True, "specialised")
    shelter = services["emplois-de-linclusion--hebergement-urgence-jeunes"]  # vanished
    assert not shelter.is_active and shelter.missing_at_source
    # Invalid this week: reported, and the entry of last week left as it was (not deactivated).
    mel = services["dora--permanence-jeunes-mel"]
    assert (
        mel.is_active
        and mel.publics == ["jeunes"]
        and mel.updated_at == before["dora--permanence-jeunes-mel"]
    )
    assert "dora--maraude-sans-description" not in services
    problems = {p.record_id: str(p) for p in report.invalid}
    assert set(problems) == {"dora--permanence-jeunes-mel", "dora--maraude-sans-description"}
    assert "“mineurs-isoles”" in problems["dora--permanence-jeunes-mel"]
    assert "personnes-en-situation-durgence" in problems["dora--permanence-jeunes-mel"]  # the allowed ones
    assert "description" in problems["dora--maraude-sans-description"]
    assert problems["dora--maraude-sans-description"].startswith("services, record 10")

    stamps = {key: s.updated_at for key, s in own(organisation).items()}
    log_size = ChangeLogEntry.objects.count()
    again = run(organisation, WEEK_2, actor=nord)
    assert counts(again) == (0, 0, 5, 0, 2)
    assert {key: s.updated_at for key, s in own(organisation).items()} == stamps
    assert ChangeLogEntry.objects.count() == log_size
    assert JournalEntry.objects.filter(event="directory_import").count() == 3


def test_a_service_back_at_its_source_comes_back_but_one_the_organisation_turned_off_stays_off(nord):
    organisation = nord.organisation
    run(organisation, WEEK_1)
    PartnerService.objects.filter(source_id="dora--fil-sante-jeunes").update(is_active=False)
    run(organisation, WEEK_2)
    report = run(organisation, WEEK_1)  # the shelter is listed again
    services = own(organisation)
    shelter = services["emplois-de-linclusion--hebergement-urgence-jeunes"]
    assert shelter.is_active and not shelter.missing_at_source
    assert ("updated", "Hébergement d'urgence des jeunes") in report.changes
    assert not services["dora--fil-sante-jeunes"].is_active
    # A week-2 service absent from week 1 is now gone from the source.
    assert not services["dora--sante-sexuelle-lille"].is_active


def test_devices_hear_of_every_change(nord):
    run(nord.organisation, WEEK_1)
    entries = ChangeLogEntry.objects.filter(type=ChangeType.PARTNER, organisation_id=nord.organisation.pk)
    assert {int(e.key) for e in entries} == {s.pk for s in own(nord.organisation).values()}
    entries.delete()
    run(nord.organisation, WEEK_2)
    changed = {
        own(nord.organisation)[key].pk
        for key in (
            "dora--sante-sexuelle-lille",
            "dora--accueil-de-jour-jeunes",
            "dora--mda-ecoute-ados",
            "emplois-de-linclusion--hebergement-urgence-jeunes",
        )
    }
    assert {int(e.key) for e in ChangeLogEntry.objects.filter(type=ChangeType.PARTNER)} == changed


def test_dry_run_reports_without_writing(nord):
    report = run(nord.organisation, WEEK_1, dry_run=True)
    assert report.created == 6 and report.dry_run
    assert not PartnerService.objects.exists()
    assert not JournalEntry.objects.filter(event="directory_import").exists()
    assert not ChangeLogEntry.objects.filter(type=ChangeType.PARTNER).exists()


def test_other_organisations_and_shared_services_are_left_alone(nord):
    paris = TeamFactory(territories=[departement("75")]).organisation
    theirs = PartnerServiceFactory(
        organisation=paris, source="dora", source_id="dora--mda-ecoute-ados", name="x"
    )
    shared = PartnerServiceFactory(
        organisation=None, source="dora", source_id="dora--fil-sante-jeunes", name="FSJ"
    )

    report = run(nord.organisation, WEEK_1)
    assert report.shared == 1 and report.created == 5
    theirs.refresh_from_db()
    shared.refresh_from_db()
    assert theirs.name == "x" and theirs.is_active and shared.name == "FSJ"

    paris_report = run(paris, WEEK_1)
    # Paris gets the national line (shared already) and its own Espace jeunes; its own entry
    # carrying a data·inclusion id of the Nord is its business, never switched off by an import.
    assert (paris_report.created, paris_report.shared, paris_report.deactivated) == (1, 1, 0)
    assert set(own(paris)) == {"france-travail--espace-jeunes-paris-10", "dora--mda-ecoute-ados"}
    assert (
        own(paris)["dora--mda-ecoute-ados"].is_active
        and own(nord.organisation)["dora--mda-ecoute-ados"].is_active
    )


def test_only_a_coordinator_of_the_organisation_may_import(nord):
    stranger = CoordinatorFactory(organisation=OrganisationFactory())
    worker = UserFactory(team=nord.organisation.teams.first())
    for actor in (stranger, worker):
        with pytest.raises(PermissionDenied):
            run(nord.organisation, WEEK_1, actor=actor)
    assert not PartnerService.objects.exists()


@pytest.mark.parametrize(
    ("services", "expected"),
    [
        (b"", "empty"),
        (b"[{", "not valid JSON"),
        (b'{"services": []}', "must be a list"),
        (b"id;nom\n1;x\n", r"lacks the column\(s\) source, structure_id"),
        ("id,source,structure_id,nom\n1,dora,s,Caf\xe9\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_unreadable_files_are_refused_whole(nord, services, expected):
    with pytest.raises(FileProblem, match=expected):
        import_data_inclusion(
            organisation=nord.organisation,
            structures=files(WEEK_1)["structures"],
            services=io.BytesIO(services),
        )
    assert not PartnerService.objects.exists()


def test_files_with_nothing_for_the_area_change_nothing(nord):
    run(nord.organisation, WEEK_1)
    only_paris = b"id,source,structure_id,nom,zone_eligibilite\nx--1,x,x--s,Paris,['75056']\n"
    with pytest.raises(FileProblem, match="None of the 1 services"):
        import_data_inclusion(
            organisation=nord.organisation,
            structures=files(WEEK_1)["structures"],
            services=io.BytesIO(only_paris),
        )
    assert PartnerService.objects.filter(is_active=True).count() == 6


def test_an_entry_the_organisation_made_with_the_same_id_is_taken_over_not_duplicated(nord):
    mine = PartnerServiceFactory(
        organisation=nord.organisation,
        source="dora",
        source_id="dora--mda-ecoute-ados",
        name="MDA (CSV)",
        open_at_night=True,
    )
    report = run(nord.organisation, WEEK_1)
    assert report.created == 5 and report.updated == 1
    mine.refresh_from_db()
    assert mine.name == "Écoute des adolescents" and mine.from_data_inclusion and mine.open_at_night


def test_an_organisation_without_a_departement_has_nothing_to_import():
    lonely = OrganisationFactory()
    with pytest.raises(FileProblem, match="no département"):
        run(lonely, WEEK_1)


def test_invalid_rows_are_explained_in_french_and_in_english(nord):
    with translation.override("fr"):
        french = {p.record_id: str(p) for p in run(nord.organisation, WEEK_2, dry_run=True).invalid}
    with translation.override("en"):
        english = {p.record_id: str(p) for p in run(nord.organisation, WEEK_2, dry_run=True).invalid}
    assert "n’est pas un public data·inclusion" in french["dora--permanence-jeunes-mel"]
    assert "is not a data·inclusion public" in english["dora--permanence-jeunes-mel"]
    assert "obligatoire" in french["dora--maraude-sans-description"]
    assert "required" in english["dora--maraude-sans-description"]
