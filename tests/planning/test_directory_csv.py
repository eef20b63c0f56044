"""Partner directory CSV: data·inclusion columns, bad rows reported by line, round trip."""

from __future__ import annotations

import pytest

from outreach.models import PartnerService
from outreach.services.directory_csv import COLUMNS, export_directory, import_directory
from tests.factories import CoordinatorFactory, PartnerServiceFactory

pytestmark = pytest.mark.django_db

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
    assert again.ok and again.updated == 1
    assert PartnerService.objects.get().opening_hours == "Mo-Su 18:00-02:00"


def test_import_never_touches_another_organisations_or_shared_services():
    coordinator = CoordinatorFactory()
    shared = PartnerServiceFactory(name="Accueil de jour jeunes", organisation=None)
    import_directory(actor=coordinator, data=csv_bytes(GOOD.replace("asso-1,annuaire-59", ",")))
    shared.refresh_from_db()
    assert shared.organisation is None and shared.opening_hours == ""
    assert PartnerService.objects.filter(organisation=coordinator.organisation).count() == 1


def test_export_defuses_spreadsheet_formulas():
    service = PartnerServiceFactory(name='=HYPERLINK("http://x")', phone="+33 3 20")
    text = export_directory([service])
    assert "'=HYPERLINK" in text and ",+33 3 20," in text
