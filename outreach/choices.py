"""Stable codes for every enumerated value. Codes never change; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TerritoryLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    REGION = "region", _("Région")
    DEPARTEMENT = "departement", _("Département")
    COMMUNE = "commune", _("Commune")
    SECTOR = "sector", _("Sector")


# Which level a territory's parent must be at.
PARENT_LEVEL = {
    TerritoryLevel.REGION: TerritoryLevel.NATIONAL,
    TerritoryLevel.DEPARTEMENT: TerritoryLevel.REGION,
    TerritoryLevel.COMMUNE: TerritoryLevel.DEPARTEMENT,
}


class OrganisationKind(models.TextChoices):
    OUTREACH = "outreach", _("Outreach organisation")
    FUNDER = "funder", _("Funder")


class FunderKind(models.TextChoices):
    DEPARTEMENT = "departement", _("Département")
    STATE = "state", _("State")
    CITY = "city", _("City")
    FOUNDATION = "foundation", _("Foundation")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    WORKER = "worker", _("Outreach worker")
    COORDINATOR = "coordinator", _("Coordinator")
    FUNDER = "funder", _("Funder")
    ADMIN = "admin", _("Administrator")


class SessionKind(models.TextChoices):
    STREET = "street", _("Street outreach")
    DIGITAL = "digital", _("Digital outreach")


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNDER_WAY = "under_way", _("Under way")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class AgeBand(models.TextChoices):
    UNDER_13 = "under_13", _("Under 13")
    AGE_13_14 = "13_14", _("13–14")
    AGE_15_17 = "15_17", _("15–17")
    AGE_18_21 = "18_21", _("18–21")
    UNKNOWN = "unknown", _("Unknown")


MINOR_AGE_BANDS = (AgeBand.UNDER_13, AgeBand.AGE_13_14, AgeBand.AGE_15_17)


class Gender(models.TextChoices):
    GIRL = "girl", _("Girl / young woman")
    BOY = "boy", _("Boy / young man")
    OTHER = "other", _("Other / non-binary")
    UNKNOWN = "unknown", _("Unknown")


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


class ContactLevel(models.TextChoices):
    """The funnel: a young person seen, then an exchange. Follow-up and orientation are derived."""

    SEEN = "seen", _("Seen / briefly met")
    EXCHANGE = "exchange", _("Exchange")


class RequestCategory(models.TextChoices):
    """What a young person asks about in digital outreach."""

    DAILY_LIFE = "daily_life", _("Daily life")
    SAFETY = "safety", _("Safety")
    HEALTH = "health", _("Health")
    HOUSING = "housing", _("Housing")
    LEGAL = "legal", _("Legal")
    EXPLOITATION = "exploitation", _("Exploitation")
    NONE = "none", _("No request")


class RouteStart(models.TextChoices):
    """Where a street route begins. Empty on sessions planned before the choice existed."""

    BASE = "base", _("The team's base")
    POINT = "point", _("A point on the map")
    STOP = "stop", _("One of the stops")
    BEST = "best", _("The best start")


class HotspotKind(models.TextChoices):
    STATION = "station", _("Station / transport hub")
    STREET = "street", _("Street / square")
    PARK = "park", _("Park")
    HOTEL = "hotel", _("Hotel / short-stay rental area")
    SHOPPING = "shopping", _("Shopping centre")
    NIGHTLIFE = "nightlife", _("Nightlife area")
    ROADSIDE = "roadside", _("Roadside")
    OTHER = "other", _("Other")


class PartnerCategory(models.TextChoices):
    CHILD_WELFARE = "child_welfare", _("Child welfare (ASE)")
    HEALTH = "health", _("Health")
    SHELTER = "shelter", _("Shelter")
    POLICE_JUSTICE = "police_justice", _("Police / justice")
    SPECIALISED = "specialised", _("Specialised association")
    HOTLINE = "hotline", _("Hotline")
    OTHER = "other", _("Other")


class Atmosphere(models.TextChoices):
    CALM = "calm", _("Calm")
    TENSE = "tense", _("Tense")
    VERY_TENSE = "very_tense", _("Very tense")
