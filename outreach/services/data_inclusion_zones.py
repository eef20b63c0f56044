"""Where an organisation works and where a data·inclusion service serves, in INSEE codes.

A service's `zone_eligibilite` lists codes of communes, départements, EPCI or countries, or
"france" (schema v1; a région is written as the list of its départements). The import keeps the
services whose zone reaches one of the organisation's départements, and places each on the
smallest territory that holds its zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from outreach import access
from outreach.choices import TerritoryLevel
from outreach.models import Organisation, Territory
from outreach.services.directory_codes import NATIONAL_CODES, departement_of_commune


def organisation_departements(organisation: Organisation) -> set[str]:
    """INSEE codes of the départements the organisation's active teams cover (or lie in)."""
    team_ids = list(organisation.teams.filter(is_active=True).values_list("pk", flat=True))
    around = access.territory_ids_around(team_ids)
    return set(
        Territory.objects.filter(pk__in=around, level=TerritoryLevel.DEPARTEMENT).values_list(
            "code", flat=True
        )
    )


@dataclass(frozen=True)
class Zone:
    national: bool
    departements: frozenset[str]  # named as départements (or placed there, for an EPCI)
    communes: frozenset[str]

    @property
    def reach(self) -> frozenset[str]:
        """Every département the zone touches."""
        return self.departements | {departement_of_commune(code) for code in self.communes}


def read_zone(codes: Iterable, *, address_commune: str = "") -> Zone:
    """What a `zone_eligibilite` covers. EPCI codes (9 digits) are placed by the service's own
    commune (no EPCI table here); a service without a zone serves its own commune."""
    codes = [code for code in codes if isinstance(code, str)] if isinstance(codes, list) else []
    national, departements, communes = False, set(), set()
    if not codes and address_commune:
        codes = [address_commune]
    for code in codes:
        if code in NATIONAL_CODES:
            national = True
        elif len(code) == 9 and code.isdigit():
            if address_commune:
                departements.add(departement_of_commune(address_commune))
        elif len(code) == 5 and code.startswith("99"):
            continue  # another country
        elif len(code) == 5:
            communes.add(code)
        elif len(code) in (2, 3):
            departements.add(code.upper())
    return Zone(national, frozenset(departements), frozenset(communes))


class Places:
    """Territories by code and their parents, loaded once per import (a few hundred rows)."""

    def __init__(self, communes: Iterable[str]):
        rows = Territory.objects.filter(
            level__in=[TerritoryLevel.NATIONAL, TerritoryLevel.REGION, TerritoryLevel.DEPARTEMENT]
        ) | Territory.objects.filter(level=TerritoryLevel.COMMUNE, code__in=set(communes))
        self.by_pk = {t.pk: t for t in rows}
        self.national = next(t for t in self.by_pk.values() if t.level == TerritoryLevel.NATIONAL)
        self.departements = {t.code: t for t in self.by_pk.values() if t.level == TerritoryLevel.DEPARTEMENT}
        self.communes = {t.code: t for t in self.by_pk.values() if t.level == TerritoryLevel.COMMUNE}

    def _chain(self, territory: Territory) -> list[int]:
        chain, node = [], territory
        while node is not None:
            chain.append(node.pk)
            node = self.by_pk.get(node.parent_id)
        return chain

    def common(self, nodes: list[Territory]) -> Territory | None:
        if not nodes:
            return None
        shared = self._chain(nodes[0])
        for node in nodes[1:]:
            ancestors = set(self._chain(node))
            shared = [pk for pk in shared if pk in ancestors]
        return self.by_pk[shared[0]] if shared else self.national

    def territory_for(self, zone: Zone, area: set[str]) -> Territory:
        """The smallest territory holding the whole zone; a zone spread over several régions is
        placed by its part in the organisation's area instead of at the national level."""
        if zone.national:
            return self.national
        nodes = [
            self.communes.get(code) or self.departements.get(departement_of_commune(code))
            for code in zone.communes
        ]
        nodes += [self.departements[code] for code in zone.departements if code in self.departements]
        nodes = [node for node in nodes if node is not None]
        best = self.common(nodes)
        if best is None or best.pk == self.national.pk:
            local = [node for node in nodes if self._departement_code(node) in area]
            best = self.common(local) or best
        return best or self.national

    def _departement_code(self, node: Territory) -> str:
        for pk in self._chain(node):
            territory = self.by_pk[pk]
            if territory.level == TerritoryLevel.DEPARTEMENT:
                return territory.code
        return ""
