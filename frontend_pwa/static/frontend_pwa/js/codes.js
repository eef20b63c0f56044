// Enumerated codes of outreach/choices.py (a test keeps them in step), with English labels
// that i18n.js translates.

export const AGE_BANDS = [
  ["under_13", "Under 13"],
  ["13_14", "13–14"],
  ["15_17", "15–17"],
  ["18_21", "18–21"],
  ["unknown", "Unknown"],
];

export const GENDERS = [
  ["girl", "Girl"],
  ["boy", "Boy"],
  ["other", "Other / non-binary"],
  ["unknown", "Unknown"],
];

export const YES_NO_UNKNOWN = [
  ["yes", "Yes"],
  ["no", "No"],
  ["unknown", "Unknown"],
];

export const CONTACT_LEVELS = [
  ["exchange", "Exchange"],
  ["seen", "Seen only"],
];

export const REQUEST_CATEGORIES = [
  ["", "—"],
  ["daily_life", "Daily life"],
  ["safety", "Safety"],
  ["health", "Health"],
  ["housing", "Housing"],
  ["legal", "Legal"],
  ["exploitation", "Exploitation"],
  ["none", "No request"],
];

export const SESSION_KINDS = [
  ["street", "Street outreach"],
  ["digital", "Digital outreach"],
];

export const ATMOSPHERES = [
  ["", "—"],
  ["calm", "Calm"],
  ["tense", "Tense"],
  ["very_tense", "Very tense"],
];

export const PARTNER_CATEGORIES = [
  ["child_welfare", "Child welfare (ASE)"],
  ["health", "Health"],
  ["shelter", "Shelter"],
  ["police_justice", "Police / justice"],
  ["specialised", "Specialised association"],
  ["hotline", "Hotline"],
  ["other", "Other"],
];

export const PERSON_CODE_PATTERN = /^[A-Z0-9][A-Z0-9-]{1,15}$/;
export const NOTE_MAX_LENGTH = 500;
