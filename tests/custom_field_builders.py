"""Build an organisation's own fields for tests, through the same service coordinators use."""

from __future__ import annotations

from outreach.models.custom_fields import CustomField
from outreach.services.custom_fields import Definition, define_field


def one_of_each(coordinator, *, target: str = "contact") -> dict[str, CustomField]:
    """A field of every kind for the coordinator's organisation, by kind."""

    def make(kind, label_fr, label_en, **extra):
        return define_field(
            actor=coordinator,
            target=target,
            kind=kind,
            definition=Definition(label_fr=label_fr, label_en=label_en, **extra),
        )

    return {
        "yes_no": make("yes_no", "Scolarisé", "In school"),
        "choice": make(
            "choice",
            "Lieu de vie",
            "Living place",
            new_choices=[("Famille", "Family"), ("Foyer", "Care home"), ("Rue", "Street")],
            reportable=True,
        ),
        "multi_choice": make(
            "multi_choice",
            "Besoins exprimés",
            "Needs voiced",
            new_choices=[("Santé", "Health"), ("Hébergement", "Housing"), ("Juridique", "Legal")],
        ),
        "number": make("number", "Nuits dehors", "Nights outside", min_value=0, max_value=30),
        "date": make("date", "Date de fugue", "Runaway date"),
    }
