from outreach.models.accounts import Invitation, PasskeyDevice, RecoveryCode, RecoveryCodeDevice
from outreach.models.contacts import Contact, Orientation
from outreach.models.counts import SlotRequest, TallyMark
from outreach.models.custom_fields import CustomField, CustomFieldChoice
from outreach.models.devices import Device
from outreach.models.funding import FundingAgreement
from outreach.models.journal import JournalEntry
from outreach.models.keys import RecoveryCopy, TeamKey, WrappedTeamKey
from outreach.models.organisations import Organisation, Team
from outreach.models.places import Hotspot, PartnerService
from outreach.models.reference import Action, Concern, PlatformCategory
from outreach.models.releases import ReleasedTable, ReleaseSnapshot
from outreach.models.rollups import (
    ActivityRollup,
    MonthlyPersonRollup,
    MonthlyRollup,
    PersonRollup,
    RollupLedger,
)
from outreach.models.sessions import DigitalSlot, OutreachSession, RouteStop, SessionTally
from outreach.models.summaries import FunderSummarySchedule, SummaryFrequency
from outreach.models.sync import ChangeLogEntry, ChangeLogPurge, SyncReceipt
from outreach.models.territories import Territory
from outreach.models.users import User

__all__ = [
    "Action",
    "ActivityRollup",
    "ChangeLogEntry",
    "ChangeLogPurge",
    "Concern",
    "Contact",
    "CustomField",
    "CustomFieldChoice",
    "Device",
    "DigitalSlot",
    "FunderSummarySchedule",
    "FundingAgreement",
    "Hotspot",
    "Invitation",
    "JournalEntry",
    "MonthlyPersonRollup",
    "MonthlyRollup",
    "Organisation",
    "Orientation",
    "OutreachSession",
    "PartnerService",
    "PasskeyDevice",
    "PersonRollup",
    "PlatformCategory",
    "RecoveryCode",
    "RecoveryCodeDevice",
    "RecoveryCopy",
    "ReleaseSnapshot",
    "ReleasedTable",
    "RollupLedger",
    "RouteStop",
    "SessionTally",
    "SlotRequest",
    "SummaryFrequency",
    "SyncReceipt",
    "TallyMark",
    "Team",
    "TeamKey",
    "Territory",
    "User",
    "WrappedTeamKey",
]
