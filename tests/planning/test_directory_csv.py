"""Partner directory CSV: data·inclusion columns, bad rows reported by line, round trip."""

from __future__ import annotations

import pytest

from outreach.models import JournalEntry, PartnerService
from outreach.services.directory_csv import COLUMNS, export_directory, import_directory
from tests.factories import CoordinatorFactory, PartnerServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English here (the site's default is French); one test checks both."""
    from django.utils import translation

    with translation.override("en"):
        yield


HEADER = ",".join(COLUMNS)
GOOD = (
    "asso-1,annuaire-59,Accueil de jour jeunes,Association Itinéraires,specialised,"
    "Accueil sans rendez-vous,,jeunes|femmes,en-presentiel,59350,59,"
    "12 rue de Paris,03 20 00 00 00,accueil@example.org,https://example.org,"
    "Mo-Fr 09:00-17:00,non,oui,oui"
)
HOTLINE = (
    "119,snated,Allô enfance en danger,SNATED,hotline,,,tous-publics,a-distance,france,france,"
    ",119,,,24/7,oui,oui,"
)


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def test_valid_rows_are_imported_with_data_inclusion_codes():
    coordinator = CoordinatorFactory()
    result = import_directory(actor=coordinator, data=csv_bytes(GOOD, HOTLINE))
    assert result.ok and result.written and result.created == 2
    service = PartnerService.objects.get(source="annuaire-59", source_id="asso-1")
    assert service.organisation == coordinator.organisation
    assert service.publics == ["jeunes", "femmes"]
    assert service.reception_modes == ["en-presentiel"]
    assert service.eligibility_codes == ["59350"]
    assert service.territory.code == "59"
    assert service.accepts_unaccompanied_minors and not service.open_at_night
    hotline = PartnerService.objects.get(name="Allô enfance en danger")
    assert hotline.territory.level == "national" and hotline.open_at_night


def test_bad_rows_are_reported_by_line_and_nothing_is_written():
    coordinator = CoordinatorFactory()
    bad_public = GOOD.replace("jeunes|femmes", "jeunes|mineurs-en-danger")
    bad_category = HOTLINE.replace("hotline", "helpline")
    bad_email_and_territory = GOOD.replace("accueil@example.org", "not-an-email").replace(
        ",59,12 rue", ",99,12 rue"
    )
    data = csv_bytes(GOOD, bad_public, "", bad_category, bad_email_and_territory)

    result = import_directory(actor=coordinator, data=data)

    assert not result.written and PartnerService.objects.count() == 0
    by_line = {(e.line, e.column) for e in result.errors}
    assert by_line == {(3, "publics"), (5, "categorie"), (6, "courriel"), (6, "territoire")}
    public_error = next(e for e in result.errors if e.column == "publics")
    assert "mineurs-en-danger" in public_error.message
    assert str(public_error).startswith("Line 3 (publics)")


def test_skip_invalid_imports_the_good_rows_and_still_reports_the_bad():
    coordinator = CoordinatorFactory()
    data = csv_bytes(GOOD, HOTLINE.replace("a-distance", "par-pigeon"))
    result = import_directory(actor=coordinator, data=data, skip_invalid=True)
    assert result.written and result.created == 1
    assert [(e.line, e.column) for e in result.errors] == [(3, "modes_accueil")]


def test_missing_required_columns_are_reported_on_line_one():
    result = import_directory(actor=CoordinatorFactory(), data=csv_bytes("x,y", header="nom,telephone"))
    assert [(e.line, e.column) for e in result.errors] == [(1, "")]
    assert "categorie" in result.errors[0].message and "territoire" in result.errors[0].message


def test_semicolon_separated_file_with_bom_from_a_spreadsheet_is_read():
    coordinator = CoordinatorFactory()
    data = "\ufeffnom;categorie;territoire;telephone\nMaison des ados;health;59;03 20\n"
    result = import_directory(actor=coordinator, data=data.encode("utf-8"))
    assert result.ok and result.created == 1


def test_reimport_updates_by_source_and_id_and_export_round_trips():
    coordinator = CoordinatorFactory()
    import_directory(actor=coordinator, data=csv_bytes(GOOD))
    changed = GOOD.replace("Mo-Fr 09:00-17:00", "Mo-Su 18:00-02:00")
    result = import_directory(actor=coordinator, data=csv_bytes(changed))
    assert (result.created, result.updated) == (0, 1)

    exported = export_directory(PartnerService.objects.all())
    assert exported.splitlines()[0] == HEADER
    again = import_directory(actor=coordinator, data=exported.encode("utf-8"))
    assert again.ok and (again.updated, again.unchanged) == (0, 1)
    assert PartnerService.objects.get().opening_hours == "Mo-Su 18:00-02:00"


def test_import_never_touches_another_organisations_or_shared_services():
    coordinator = CoordinatorFactory()
    shared = PartnerServiceFactory(name="Accueil de jour jeunes", organisation=None)
    theirs = PartnerServiceFactory(
        name="Allô enfance en danger",
        organisation=CoordinatorFactory().organisation,
        territory=shared.territory,
    )
    result = import_directory(
        actor=coordinator,
        data=csv_bytes(GOOD.replace("asso-1,annuaire-59", ","), HOTLINE.replace("119,", ",", 1)),
    )
    assert (result.created, result.shared) == (1, 1)
    shared.refresh_from_db()
    theirs.refresh_from_db()
    assert shared.organisation is None and shared.opening_hours == "" and theirs.opening_hours == ""
    # The row describing the shared service is not copied into the organisation.
    assert list(
        PartnerService.objects.filter(organisation=coordinator.organisation).values_list("name", flat=True)
    ) == ["Allô enfance en danger"]


def test_export_defuses_spreadsheet_formulas():
    service = PartnerServiceFactory(name='=HYPERLINK("http://x")', phone="+33 3 20")
    text = export_directory([service])
    assert "'=HYPERLINK" in text and ",+33 3 20," in text


def _demo_directory_csv(coordinator) -> str:
    from outreach import access

    services = access.partners_visible_to(coordinator).select_related("territory")
    return export_directory(services.order_by("category", "name", "pk"))


def test_exporting_then_importing_the_demo_directory_changes_nothing():
    from outreach import access
    from outreach.demo.generate import build_demo
    from outreach.models import User

    build_demo(contacts=0, months=1, seed=2021)
    coordinator = User.objects.get(username="demo-coordinator")
    own = PartnerService.objects.filter(organisation=coordinator.organisation)
    assert own.count() == 6
    assert access.partners_visible_to(coordinator).filter(organisation=None).count() == 1  # the 119
    exported = _demo_directory_csv(coordinator)

    result = import_directory(actor=coordinator, data=exported.encode("utf-8"))

    assert result.ok and (result.created, result.updated, result.unchanged, result.shared) == (0, 0, 6, 1)
    assert own.count() == 6
    assert _demo_directory_csv(coordinator) == exported
    entry = JournalEntry.objects.get(event="directory_import")
    assert entry.actor == coordinator and (entry.detail["format"], entry.detail["unchanged"]) == ("csv", 6)


def test_region_and_sector_territories_survive_the_round_trip():
    from outreach.models import Territory

    coordinator = CoordinatorFactory()
    hauts_de_france = Territory.objects.get(level="region", code="32")  # "32" alone is the Gers
    sector = Territory.objects.create(
        level="sector",
        code="gare",
        name="Gare",
        parent=departement_59(),
        organisation=coordinator.organisation,
    )
    PartnerServiceFactory(
        organisation=coordinator.organisation, name="Réseau régional", territory=hauts_de_france
    )
    PartnerServiceFactory(organisation=coordinator.organisation, name="Permanence gare", territory=sector)
    exported = export_directory(PartnerService.objects.order_by("name"))
    assert "region:32" in exported

    result = import_directory(actor=coordinator, data=exported.encode("utf-8"))
    assert (result.created, result.unchanged) == (0, 2)
    assert export_directory(PartnerService.objects.order_by("name")) == exported


def departement_59():
    from tests.factories import departement

    return departement("59")


def test_a_bad_row_names_the_bad_value_and_the_allowed_ones_in_french_and_english():
    from django.utils import translation

    coordinator = CoordinatorFactory()
    data = csv_bytes(GOOD, HOTLINE.replace("hotline", "helpline"), GOOD.replace("jeunes|femmes", "mineurs"))
    with translation.override("fr"):
        french = [str(e) for e in import_directory(actor=coordinator, data=data).errors]
    with translation.override("en"):
        english = [str(e) for e in import_directory(actor=coordinator, data=data).errors]
    allowed = "child_welfare, health, hotline, other, police_justice, shelter, specialised"
    assert english[0] == f"Line 3 (categorie): “helpline” is not a category. Allowed: {allowed}."
    assert (
        french[0]
        == f"Ligne 3 (categorie) : « helpline » n’est pas une catégorie. Valeurs possibles : {allowed}."
    )
    assert english[1].startswith(
        "Line 4 (publics): “mineurs” is not a data·inclusion public. Allowed: actifs, "
    )
    assert french[1].startswith("Ligne 4 (publics) : « mineurs » n’est pas un public data·inclusion.")


def test_a_bad_theme_is_answered_with_the_themes_of_its_family():
    coordinator = CoordinatorFactory()
    row = GOOD.replace("Accueil sans rendez-vous,,", "Accueil sans rendez-vous,sante--addiction,")
    [error] = import_directory(actor=coordinator, data=csv_bytes(row)).errors
    assert "“sante--addiction”" in error.message
    assert "sante--addictions, sante--constituer-un-dossier-mdph-invalidite" in error.message
    assert "logement-hebergement--" not in error.message
