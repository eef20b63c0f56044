from outreach.models.contacts import Contact, Orientation
from outreach.models.devices import Device
from outreach.models.funding import FundingAgreement
from outreach.models.journal import JournalEntry
from outreach.models.organisations import Organisation, Team
from outreach.models.places import Hotspot, PartnerService
from outreach.models.reference import Action, Concern, PlatformCategory
from outreach.models.sessions import DigitalSlot, OutreachSession, RouteStop, SessionTally
from outreach.models.sync import ChangeLogEntry, SyncReceipt
from outreach.models.territories import Territory
from outreach.models.users import User

__all__ = [
    "Action",
    "ChangeLogEntry",
    "Concern",
    "Contact",
    "Device",
    "DigitalSlot",
    "FundingAgreement",
    "Hotspot",
    "JournalEntry",
    "Organisation",
    "Orientation",
    "OutreachSession",
    "PartnerService",
    "PlatformCategory",
    "RouteStop",
    "SessionTally",
    "SyncReceipt",
    "Team",
    "Territory",
    "User",
]
