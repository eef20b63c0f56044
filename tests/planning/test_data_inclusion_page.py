"""The coordinator's page importing data·inclusion's files, and the command that does the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from outreach.models import JournalEntry, PartnerService
from tests.factories import (
    CoordinatorFactory,
    FunderUserFactory,
    TeamFactory,
    UserFactory,
    departement,
    sign_in,
)

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent.parent / "outreach" / "data" / "data_inclusion"
URL = reverse("planning:data_inclusion_import")


def upload(week: str, fmt: str = "csv", **extra) -> dict:
    return {
        "structures": SimpleUploadedFile(
            f"structures-inclusion-{week}.{fmt}", (DATA / f"structures-inclusion-{week}.{fmt}").read_bytes()
        ),
        "services": SimpleUploadedFile(
            f"services-inclusion-{week}.{fmt}", (DATA / f"services-inclusion-{week}.{fmt}").read_bytes()
        ),
        **extra,
    }


@pytest.fixture
def coordinator():
    team = TeamFactory(territories=[departement("59")])
    return CoordinatorFactory(organisation=team.organisation, username="cheffe")


@pytest.fixture
def signed_in(client, coordinator):
    sign_in(client, coordinator)
    client.cookies["django_language"] = "en"
    return client


def test_the_page_names_the_departements_and_imports_the_files(signed_in, coordinator):
    page = signed_in.get(URL).content.decode()
    assert "Nord (59)" in page and "data.gouv.fr" in page

    response = signed_in.post(URL, upload("2026-11-16"))
    html = response.content.decode()
    assert response.status_code == 200 and "Import done" in html
    assert '<td class="num" id="count-created">6</td>' in html
    assert "Hébergement d&#x27;urgence des jeunes" in html
    assert PartnerService.objects.filter(organisation=coordinator.organisation).count() == 6
    entry = JournalEntry.objects.get(event="directory_import")
    assert entry.actor == coordinator and entry.ip_address == "127.0.0.1"
    assert entry.detail["files"] == "structures-inclusion-2026-11-16.csv services-inclusion-2026-11-16.csv"
    imported = PartnerService.objects.get(source_id="dora--mda-ecoute-ados")
    form = signed_in.get(reverse("planning:partner_edit", args=[imported.pk])).content.decode()
    assert "From the official directory (data·inclusion, dora--mda-ecoute-ados)" in form

    html = signed_in.post(URL, upload("2026-11-23")).content.decode()
    assert '<td class="num" id="count-deactivated">1</td>' in html
    assert '<td class="num" id="count-invalid">2</td>' in html
    assert "“mineurs-isoles” is not a data·inclusion public" in html
    assert "services, line 11 (dora--maraude-sans-description)" in html
    # The last imports, from the journal.
    assert html.count("<td>cheffe</td>") == 2


def test_a_preview_changes_nothing(signed_in):
    html = signed_in.post(URL, upload("2026-11-16", "json", dry_run="on")).content.decode()
    assert "Preview: nothing was changed" in html and '<td class="num" id="count-created">6</td>' in html
    assert (
        not PartnerService.objects.exists()
        and not JournalEntry.objects.filter(event="directory_import").exists()
    )


def test_files_that_are_not_data_inclusion_files_are_refused_in_the_form(signed_in):
    files = upload("2026-11-16")
    files["services"] = SimpleUploadedFile("services.csv", b"nom;telephone\nx;1\n")
    response = signed_in.post(URL, files)
    assert response.status_code == 200
    assert "The services file lacks the column(s) id, source, structure_id" in response.content.decode()
    assert not PartnerService.objects.exists()


def test_only_coordinators_open_the_page(client, coordinator):
    assert client.get(URL).status_code == 302  # to the sign-in page
    for user in (UserFactory(team=coordinator.organisation.teams.first()), FunderUserFactory()):
        sign_in(client, user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, upload("2026-11-16")).status_code == 403
    assert not PartnerService.objects.exists()


def test_the_command_imports_for_one_or_every_organisation(coordinator, capsys):
    paris = TeamFactory(territories=[departement("75")]).organisation
    args = [
        "--structures",
        str(DATA / "structures-inclusion-2026-11-16.json"),
        "--services",
        str(DATA / "services-inclusion-2026-11-16.json"),
    ]
    call_command("import_data_inclusion", *args, "--organisation", coordinator.organisation.name, "--dry-run")
    assert "(dry run)" in capsys.readouterr().out and not PartnerService.objects.exists()

    call_command("import_data_inclusion", *args, "--all")
    out = capsys.readouterr().out
    assert f"{coordinator.organisation.name} [59]: services_read 9, outside 3, created 6" in out
    assert f"{paris.name} [75]: services_read 9, outside 6, created 2" in out
    assert "(france-travail--atelier-paris-invalide)" in out and "trouver-un-emploi--ecrire-son-cv" in out
    entries = JournalEntry.objects.filter(event="directory_import")
    assert entries.count() == 2 and {e.actor_username for e in entries} == {"command"}

    with pytest.raises(CommandError, match="No active outreach organisation"):
        call_command("import_data_inclusion", *args, "--organisation", "Nobody")
    with pytest.raises(CommandError, match="no file at"):
        call_command(
            "import_data_inclusion", "--structures", "/nonexistent.json", "--services", args[3], "--all"
        )
