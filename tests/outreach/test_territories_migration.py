import pytest

from outreach.choices import TerritoryLevel
from outreach.models import Territory

pytestmark = pytest.mark.django_db


def test_all_101_departements_are_loaded_with_their_insee_codes():
    codes = set(Territory.objects.departements().values_list("code", flat=True))
    assert len(codes) == 101
    metropole = {f"{n:02d}" for n in range(1, 96) if n != 20}
    assert codes == metropole | {"2A", "2B", "971", "972", "973", "974", "976"}


@pytest.mark.parametrize(
    ("code", "name", "region"),
    [
        ("59", "Nord", "Hauts-de-France"),
        ("75", "Paris", "Île-de-France"),
        ("93", "Seine-Saint-Denis", "Île-de-France"),
        ("13", "Bouches-du-Rhône", "Provence-Alpes-Côte d'Azur"),
        ("2A", "Corse-du-Sud", "Corse"),
        ("976", "Mayotte", "Mayotte"),
    ],
)
def test_departements_hang_under_their_region(code, name, region):
    dep = Territory.objects.get(level=TerritoryLevel.DEPARTEMENT, code=code)
    assert dep.name == name
    assert dep.parent.level == TerritoryLevel.REGION
    assert dep.parent.name == region
    assert dep.parent.parent.level == TerritoryLevel.NATIONAL


def test_eighteen_regions_under_one_national_root():
    assert Territory.objects.regions().count() == 18
    root = Territory.objects.get(level=TerritoryLevel.NATIONAL)
    assert set(Territory.objects.regions().values_list("parent", flat=True)) == {root.pk}
    # Every région holds at least one département.
    assert all(region.children.exists() for region in Territory.objects.regions())
