from pathlib import Path

import pytest
from django.core.management import call_command

from outreach.choices import TerritoryLevel
from outreach.models import Territory
from outreach.services.communes import import_communes

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).parent / "data" / "v_commune_sample.csv"


def test_communes_are_created_under_their_departement_and_bad_rows_reported_by_line():
    with SAMPLE.open(encoding="utf-8") as handle:
        report = import_communes(handle)
    assert report.created == 5  # Lille, Roubaix, Paris, Ajaccio, Saint-Denis (974)
    assert report.skipped == 2  # the arrondissement and the commune déléguée
    assert report.errors == [
        "line 9: commune 99999 names unknown département '99'",
        "line 10: commune code '123' is not a 5-character INSEE code",
    ]
    lille = Territory.objects.get(level=TerritoryLevel.COMMUNE, code="59350")
    assert lille.name == "Lille"
    assert lille.parent.code == "59"
    assert Territory.objects.get(code="97411").parent.code == "974"


def test_reimport_is_idempotent_and_updates_renamed_communes():
    with SAMPLE.open(encoding="utf-8") as handle:
        import_communes(handle)
    Territory.objects.filter(code="59512").update(name="Old name")
    with SAMPLE.open(encoding="utf-8") as handle:
        report = import_communes(handle)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 4)
    assert Territory.objects.get(code="59512").name == "Roubaix"


def test_arrondissements_on_request(capsys):
    call_command("import_communes", str(SAMPLE), "--with-arrondissements")
    assert Territory.objects.filter(level=TerritoryLevel.COMMUNE, code="75101").exists()
    assert "6 created" in capsys.readouterr().out


def test_a_file_without_the_official_columns_is_refused(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name\n59350,Lille\n", encoding="utf-8")
    with bad.open() as handle:
        report = import_communes(handle)
    assert report.errors == ["line 1: missing column(s) COM, DEP, LIBELLE, TYPECOM"]
    assert not Territory.objects.filter(level=TerritoryLevel.COMMUNE).exists()
