"""The contact record's fields, allowed codes and limits: the one home of what a field may hold.

The API's wire format, the models, the admin and the field app (through the generated
`js/rules.js`) all read these; nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt

from outreach.choices import AgeBand, Atmosphere, ContactLevel, Gender, RequestCategory, YesNoUnknown

PERSON_CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]{1,15}$"
PERSON_CODE_MAX_LENGTH = 16
NOTE_MAX_LENGTH = 500
DEBRIEF_NOTES_MAX_LENGTH = 2000
# Codes a contact field takes, by field name.
CONTACT_CODES = {
    "age_band": AgeBand,
    "gender": Gender,
    "level": ContactLevel,
    "known_to_child_welfare": YesNoUnknown,
    "request_category": RequestCategory,
}
# request_category may also be empty (street contacts, or no request yet).
BLANK_ALLOWED = ("request_category",)
REQUIRED_ON_CREATE = ("occurred_at", "age_band", "gender")
# Plain fields copied from the record onto the row.
SCALAR_FIELDS = (
    "conversation_established",
    "request_category",
    "level",
    "person_code",
    "age_band",
    "gender",
    "is_first_contact",
    "known_to_child_welfare",
    "note",
)
BOOLEAN_FIELDS = ("conversation_established", "is_first_contact")
# Text fields stored as "" when sent as null.
TEXT_FIELDS = ("request_category", "person_code", "note")
# Free text written by the team: never an identifier (privacy rule 1).
CONTACT_FREE_TEXT = ("person_code", "note")
SESSION_FREE_TEXT = ("debrief_notes", "title")
# How far before its session's planned start a contact may be dated.
SESSION_LEAD = dt.timedelta(hours=24)
# The debrief's enumerated fields.
SESSION_CODES = {
    "atmosphere": Atmosphere,
    "recruiters_present": YesNoUnknown,
    "clients_present": YesNoUnknown,
    "police_present": YesNoUnknown,
}
