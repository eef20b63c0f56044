"""data·inclusion's vocabularies as the directory uses them, and messages that name what is allowed.

One home for the lists (taken from the `data-inclusion-schema` package, never copied by hand),
the eligibility-zone codes and the wording of "this value is not allowed": the CSV import, the
data·inclusion import and the directory form all say it the same way, in French and English.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from data_inclusion.schema.v1 import ModeAccueil, Public, Thematique
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outreach.choices import PartnerCategory

THEMES = frozenset(t.value for t in Thematique)
PUBLICS = frozenset(p.value for p in Public)
RECEPTION_MODES = frozenset(m.value for m in ModeAccueil)

# zone_eligibilite (schema v1): INSEE codes of communes (5 characters, 2A/2B for Corsica),
# départements (2 or 3), EPCI (9-digit SIREN) or countries (99xxx, 99100 is France), or "france".
# A région is written as the list of its départements: its own code would read as a département.
ZONE_CODE = re.compile(r"^(france|\w{2,3}|\w{5}|\d{9}|99[0-5]\d{2})$")
NATIONAL_CODES = frozenset({"france", "99100"})

THEMES_REFERENCE = "https://data-inclusion-schema.readthedocs.io/latest/referentiels/thematiques/"

_VOCABULARIES = {
    "thematiques": THEMES,
    "publics": PUBLICS,
    "modes_accueil": RECEPTION_MODES,
    "categorie": frozenset(PartnerCategory.values),
}
# Whole sentences, so that each language can agree them (un thème, une catégorie).
_NOT_ONE = {
    "thematiques": gettext_lazy("%(values)s is not a data·inclusion theme."),
    "publics": gettext_lazy("%(values)s is not a data·inclusion public."),
    "modes_accueil": gettext_lazy("%(values)s is not a data·inclusion reception mode."),
    "categorie": gettext_lazy("%(values)s is not a category."),
}
_NOT_SEVERAL = {
    "thematiques": gettext_lazy("%(values)s are not data·inclusion themes."),
    "publics": gettext_lazy("%(values)s are not data·inclusion publics."),
    "modes_accueil": gettext_lazy("%(values)s are not data·inclusion reception modes."),
    "categorie": gettext_lazy("%(values)s are not categories."),
}


def vocabulary(field: str) -> frozenset[str]:
    """The allowed codes of a directory field."""
    return _VOCABULARIES[field]


def _allowed_for(field: str, value: str) -> str:
    allowed = vocabulary(field)
    if field == "thematiques":
        # 69 themes in 16 families ("sante--addictions"): name the family's themes if the family
        # is right, else the families.
        family = value.split("--", 1)[0]
        siblings = sorted(code for code in allowed if code.split("--", 1)[0] == family)
        if siblings:
            return ", ".join(siblings)
        families = sorted({code.split("--", 1)[0] for code in allowed})
        return _("a family among %(families)s, then “--” and a theme (list: %(url)s)") % {
            "families": ", ".join(families),
            "url": THEMES_REFERENCE,
        }
    return ", ".join(sorted(allowed))  # 16 publics at most: spelled out


def quote(value: object) -> str:
    """A value quoted the way the language quotes (“x” in English, « x » in French)."""
    return _("“%(value)s”") % {"value": value}


def not_allowed(field: str, values: Iterable[str]) -> str:
    """“x” is not a <kind>: allowed values are …, for one field and its bad values."""
    values = list(values)
    quoted = ", ".join(quote(value) for value in values)
    sentence = (_NOT_ONE if len(values) == 1 else _NOT_SEVERAL)[field]
    allowed = _("Allowed: %(allowed)s.") % {"allowed": _allowed_for(field, values[0])}
    return f"{sentence % {'values': quoted}} {allowed}"


def bad_zone_codes(values: Iterable[str]) -> str:
    quoted = ", ".join(quote(value) for value in values)
    return _(
        "%(values)s: not an eligibility code. Use INSEE codes of communes (59350), départements "
        "(59, 2A, 971), EPCI (9 digits) or countries (99100), or “france”; a région is the list "
        "of its départements."
    ) % {"values": quoted}


def departement_of_commune(code: str) -> str:
    """The département of an INSEE commune code (971xx → 971, 2A004 → 2A, 59350 → 59)."""
    return code[:3] if code.startswith("97") else code[:2]


# What a data·inclusion service becomes in our categories when first imported (the coordinator
# may change it; later imports keep their choice). First matching rule wins.
_CATEGORY_RULES: list[tuple[str, str]] = [
    ("logement-hebergement--rechercher-une-solution-dhebergement-temporaire", PartnerCategory.SHELTER),
    ("sante--", PartnerCategory.HEALTH),
    (
        "difficultes-administratives-ou-juridiques--prendre-en-compte-une-problematique-judiciaire",
        PartnerCategory.POLICE_JUSTICE,
    ),
    ("famille--surmonter-conflits-separation-violence", PartnerCategory.SPECIALISED),
    ("logement-hebergement--", PartnerCategory.SHELTER),
]


def category_for(themes: Iterable[str], *, reception_modes: Iterable[str] = (), phone: str = "") -> str:
    """A first category for an imported service, from its data·inclusion themes."""
    themes = sorted(themes)
    for prefix, category in _CATEGORY_RULES:
        if any(theme.startswith(prefix) for theme in themes):
            return category
    if set(reception_modes) == {"a-distance"} and phone:
        return PartnerCategory.HOTLINE
    return PartnerCategory.OTHER
