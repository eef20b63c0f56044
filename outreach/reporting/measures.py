"""The count cells of one report table, derived from roll-up counts, and how they relate.

One place says which figures a table holds ("contacts", "age:15_17", "concern:running_away", ...)
and which additive relations and bounds a reader knows between them. Both the table-by-table
control (coordinators' downloads, `report.py`) and the joint control of the funders' catalogue
(`universe.py`) use it, so the two can never disagree on what a figure means.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from outreach.choices import MINOR_AGE_BANDS, AgeBand, Gender, PartnerCategory, SessionKind, YesNoUnknown
from outreach.models import Action, Concern, PlatformCategory
from outreach.models.counts import SLOT_REQUEST_CATEGORIES
from outreach.timebands import HourBand

KIND_CODES = (SessionKind.STREET.value, SessionKind.DIGITAL.value)
LEVEL_CODES = ("seen", "exchange")

# prefix -> roll-up dimension, for the partitions of "contacts" (each adds up to contacts).
PARTITIONS = {
    "level": "level",
    "age": "age_band",
    "gender": "gender",
    "ase": "known_ase",
    "hour": "hour_band",
}
# prefix -> roll-up dimension, for multiple-choice figures (not additive between categories).
MULTI = {"concern": "concern", "action": "action", "orient": "orientation", "platform": "platform"}
# The digital funnel's stages (report cell -> roll-up dimension); requests add up by category.
DIGITAL_STAGES = {
    "dig:spotted": "slot_spotted",
    "dig:messages": "slot_messages",
    "dig:conversations": "slot_conversations",
    "dig:orientations": "slot_orientations",
}


@dataclass(frozen=True)
class Vocabulary:
    """The category codes of every breakdown, read once per report (configurable lists)."""

    partitions: dict[str, tuple[str, ...]]
    multi: dict[str, tuple[str, ...]]
    requests: tuple[str, ...] = ()  # digital requests by category

    @classmethod
    def load(cls) -> Vocabulary:
        return cls(
            partitions={
                "level": LEVEL_CODES,
                "age": tuple(AgeBand.values),
                "gender": tuple(Gender.values),
                "ase": tuple(YesNoUnknown.values),
                "hour": tuple(HourBand.values),
            },
            multi={
                "concern": tuple(Concern.objects.values_list("code", flat=True)),
                "action": tuple(Action.objects.values_list("code", flat=True)),
                "orient": tuple(PartnerCategory.values),
                "platform": tuple(PlatformCategory.objects.values_list("code", flat=True)),
            },
            requests=tuple(SLOT_REQUEST_CATEGORIES),
        )

    def measures(self) -> list[str]:
        """Every count a table holds, in a stable order."""
        out = ["contacts", *(f"kind:{k}" for k in KIND_CODES)]
        for prefix, codes in self.partitions.items():
            out += [f"{prefix}:{code}" for code in codes]
        out += ["minors", "first", "followup", "tallies", "met", "oriented"]
        for prefix, codes in self.multi.items():
            out += [f"{prefix}:{code}" for code in codes]
        out += [*DIGITAL_STAGES, "dig:requests", *(f"dig_req:{code}" for code in self.requests)]
        return out

    def additive(self) -> list[str]:
        """Measures that add up across periods and territories (everything but distinct persons)."""
        return self.measures()

    def equalities(self) -> list[tuple[str, tuple[str, ...]]]:
        """(total, parts) of one table."""
        out = [("contacts", tuple(f"kind:{k}" for k in KIND_CODES))]
        for prefix, codes in self.partitions.items():
            out.append(("contacts", tuple(f"{prefix}:{c}" for c in codes)))
        out.append(("minors", tuple(f"age:{band}" for band in MINOR_AGE_BANDS)))
        out.append(("level:exchange", ("first", "followup")))
        out.append(("met", ("contacts", "tallies")))
        out.append(("dig:requests", tuple(f"dig_req:{code}" for code in self.requests)))
        return out

    def bounds(self) -> list[tuple[str, str]]:
        """(part, whole) of one table: part ≤ whole (multiple choice, persons)."""
        out = [(f"{p}:{c}", "contacts") for p in ("concern", "action") for c in self.multi[p]]
        out += [(f"orient:{c}", "oriented") for c in self.multi["orient"]]
        out += [(f"platform:{c}", "kind:digital") for c in self.multi["platform"]]
        out += [("oriented", "contacts"), ("persons", "contacts"), ("persons_again", "persons")]
        return out

    def breakdown_groups(self) -> list[tuple[str, tuple[str, ...]]]:
        """(total, categories): a hidden total hides its empty categories too (no zeros told)."""
        out = [(total, parts) for total, parts in self.equalities() if total != "met" and parts]
        out += [("contacts", tuple(f"{p}:{c}" for c in self.multi[p])) for p in ("concern", "action")]
        out.append(("oriented", tuple(f"orient:{c}" for c in self.multi["orient"])))
        out.append(("kind:digital", tuple(f"platform:{c}" for c in self.multi["platform"])))
        out.append(("contacts", ("oriented", "persons", "persons_again")))
        return out


def table_measures(raw: Counter, vocabulary: Vocabulary) -> dict[str, int]:
    """The additive counts of one table from roll-up counts keyed (kind, dimension, value)."""

    def total(dimension: str, value: str = "", kind: str | None = None) -> int:
        if kind is not None:
            return raw.get((kind, dimension, value), 0)
        return sum(raw.get((k, dimension, value), 0) for k in KIND_CODES)

    values = {"contacts": total("contacts")}
    for kind in KIND_CODES:
        values[f"kind:{kind}"] = total("contacts", kind=kind)
    for prefix, codes in vocabulary.partitions.items():
        for code in codes:
            values[f"{prefix}:{code}"] = total(PARTITIONS[prefix], code)
    values["minors"] = sum(values[f"age:{band}"] for band in MINOR_AGE_BANDS)
    values["first"] = total("first_contact")
    values["followup"] = values["level:exchange"] - values["first"]
    values["tallies"] = sum(n for (_k, dim, _v), n in raw.items() if dim == "tally")
    values["met"] = values["contacts"] + values["tallies"]
    values["oriented"] = total("oriented")
    for prefix, codes in vocabulary.multi.items():
        for code in codes:
            values[f"{prefix}:{code}"] = total(MULTI[prefix], code)
    for key, dimension in DIGITAL_STAGES.items():
        values[key] = sum(n for (_k, dim, _v), n in raw.items() if dim == dimension)
    for code in vocabulary.requests:
        values[f"dig_req:{code}"] = total("slot_requests", code)
    values["dig:requests"] = sum(values[f"dig_req:{code}"] for code in vocabulary.requests)
    return values


def activity(raw: Counter) -> dict[str, int]:
    """Sessions and outreach minutes per kind: shown as they are (the teams' work)."""
    out = {}
    for kind in KIND_CODES:
        out[f"sessions:{kind}"] = raw.get((kind, "sessions", ""), 0)
        out[f"minutes:{kind}"] = raw.get((kind, "minutes", ""), 0)
    return out
