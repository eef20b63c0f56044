"""Identifier detection: phone numbers, e-mail addresses, online handles and links in free text.

Privacy rule 1 (docs/privacy.md): no phone number, e-mail, handle or link about a young person is
ever stored. The server refuses them in notes, debrief notes and person codes; the field app warns
with the same patterns, generated from this module into `js/identifier-rules.js`
(`manage.py build_fieldapp_rules`).

Every pattern is written in the common subset of Python's `re` and JavaScript's RegExp (ASCII
classes, no named groups, one-character look-behinds only) and runs on *normalised* text, so both
sides agree: accents and other marks removed, lower case, symbols and emoji turned into spaces,
numbers written in words (French 0–99, English 0–9) turned into digits, runs of spaces as one.
"""

from __future__ import annotations

import re
import unicodedata

# The kinds of identifier, in the order they are reported.
PHONE, EMAIL, HANDLE, LINK = "phone", "email", "handle", "link"
KINDS = (PHONE, EMAIL, HANDLE, LINK)

# --- Numbers written in words -------------------------------------------------------------------

_UNITS = ["zero", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
          "onze", "douze", "treize", "quatorze", "quinze", "seize"]  # fmt: skip
_TENS = {20: "vingt", 30: "trente", 40: "quarante", 50: "cinquante", 60: "soixante"}
_ENGLISH = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def _french(n: int) -> list[str]:
    """Spellings of 0–99 in French, words separated by spaces (hyphens are read as spaces)."""
    if n <= 16:
        return [_UNITS[n]] + (["une"] if n == 1 else [])
    if n < 20:
        return [f"dix {_UNITS[n - 10]}"]
    if n < 70:
        tens, unit = _TENS[n // 10 * 10], n % 10
        if unit == 0:
            return [tens]
        if unit == 1:
            return [f"{tens} et un", f"{tens} un"]
        return [f"{tens} {_UNITS[unit]}"]
    if n < 80:  # soixante-dix…, septante (Belgium, Switzerland)
        rest = n - 60
        french = [f"soixante et {_UNITS[rest]}" if rest == 11 else f"soixante {_french(rest)[0]}"]
        return french + ([f"septante {_UNITS[n - 70]}"] if n > 70 else ["septante"])
    rest = n - 80
    local = "huitante" if n < 90 else "nonante"
    french = [f"quatre vingt {_french(rest)[0]}"] if rest else ["quatre vingts", "quatre vingt"]
    return french + ([f"{local} {_UNITS[n % 10]}"] if n % 10 else [local])


def number_words() -> dict[str, str]:
    """Every spelled-out number the detector reads, mapped to its digits."""
    words = {spelling: str(n) for n in range(100) for spelling in _french(n)}
    # "zero six": the leading zero of a French number matters.
    words.update({word: str(n) for n, word in enumerate(_ENGLISH)})
    return words


NUMBER_WORDS = number_words()
# Longest spellings first, so "soixante dix huit" wins over "soixante".
NUMBER_WORDS_PATTERN = (
    r"\b(?:"
    + "|".join(
        r"[\s-]+".join(spelling.split()) for spelling in sorted(NUMBER_WORDS, key=lambda s: (-len(s), s))
    )
    + r")\b"
)

# --- The patterns, on normalised text -----------------------------------------------------------

# Dates with a four-digit year are not phone numbers ("12/11/2026", "12.11.2026").
DATE_PATTERN = r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}\b"
# A run of digits with short separators between them (spaces, dots, dashes, slashes, brackets,
# emoji turned into spaces): a phone number when it holds 9 digits or more.
DIGIT_RUN_PATTERN = r"\+?\d(?:[\s./()_-]{0,4}\d)+"
PHONE_MIN_DIGITS = 9
# French service numbers (08…: free and shared-cost lines such as Fil Santé Jeunes' 0 800 235 236)
# belong to services, not to young people: a note may name them.
SERVICE_NUMBER_PATTERN = r"^08\d{8}$"
_TLDS = "com|fr|net|org|io|me|ly|gg|tv|app|co|be|ch|info|biz|xyz|link|site|online|live|ru|uk|de|es|it|eu"
_PROVIDERS = (
    "gmail|hotmail|yahoo|outlook|icloud|orange|free|sfr|laposte|live|protonmail|proton|wanadoo|msn|aol|gmx"
)
# Every repetition is bounded (an address part, a domain label, a handle are short): a long note
# built to make the patterns backtrack costs linear time, on the server as in the phone. Runs of
# spaces are one space after normalisation, hence `\s?`.
_LOCAL = r"(?<![a-z0-9._%+-])[a-z0-9][a-z0-9._%+-]{0,63}"
_LABEL = r"[a-z0-9-]{1,63}"
_DOT = r"(?:\s?\.\s?|\s?[(\[]\s?(?:dot|point)\s?[)\]]\s?|\s(?:dot|point)\s)"
_AT = r"(?:\s?@\s?|\s?[(\[]\s?(?:at|arobase|arobas)\s?[)\]]\s?|\s(?:at|arobase|arobas)\s)"
EMAIL_PATTERN = (
    rf"{_LOCAL}{_AT}(?:{_LABEL}{_DOT}){{0,4}}(?:{_LABEL}{_DOT}(?:{_TLDS}|[a-z]{{2,6}}\b)"
    rf"|(?:{_PROVIDERS})\b)"
)
# An e-mail with a plain "@" and any domain ("lea@exemple.bzh").
EMAIL_PLAIN_PATTERN = rf"{_LOCAL}@{_LABEL}(?:\.{_LABEL}){{0,4}}\.[a-z]{{2,24}}"
LINK_PATTERN = (
    r"\bhttps?:\/\/\S+|\bwww\.\S+"
    rf"|\b[a-z0-9][a-z0-9-]{{0,62}}(?:\.{_LABEL}){{0,4}}\.(?:{_TLDS})\b(?:\/\S*)?"
)
_PLATFORMS = (
    "snapchat|snap|sc|instagram|insta|ig|tiktok|tik tok|telegram|tg|discord|facebook|fb|messenger"
    "|twitter|whatsapp|wa|kik|onlyfans|signal|twitch|youtube|yt|threads|bereal|wizz|x"
    "|pseudo|identifiant|username|user|id"
)
# Words that may follow "snap:" in a legitimate note (the platform category, not an account).
_NOT_AN_ACCOUNT = (
    "rien|pas|non|oui|aucun|aucune|contact|conversation|profil|profils|compte|comptes|message"
    "|messages|annonce|annonces|vu|vue|ras|echange|echanges|story|stories|groupe|live|appel"
)
HANDLE_PATTERN = (
    r"(?:^|[\s(\[,;:])@[a-z0-9._]{2,}"
    # a platform named, then an identifier with a digit, an underscore or a dot ("insta lea.x")
    rf"|\b(?:{_PLATFORMS})\b\s?[:=]?\s?@?[a-z][a-z0-9._-]{{0,40}}[0-9_.#][a-z0-9_]"
    rf"|\b(?:{_PLATFORMS})\b\s?[:=]?\s?@?[0-9]{{1,20}}[a-z_.][a-z0-9._-]{{0,40}}[a-z0-9_]"
    # a platform, a colon, then any account name ("snap: lea")
    rf"|\b(?:{_PLATFORMS})\s?[:=]\s?@?(?!(?:{_NOT_AN_ACCOUNT})\b)[a-z][a-z0-9._-]{{2}}"
)

_FLAGS = re.IGNORECASE | re.ASCII
_number_words = re.compile(NUMBER_WORDS_PATTERN, _FLAGS)
_date = re.compile(DATE_PATTERN, _FLAGS)
_service_number = re.compile(SERVICE_NUMBER_PATTERN, _FLAGS)
_digit_run = re.compile(DIGIT_RUN_PATTERN, _FLAGS)
_email = re.compile(f"{EMAIL_PATTERN}|{EMAIL_PLAIN_PATTERN}", _FLAGS)
_link = re.compile(LINK_PATTERN, _FLAGS)
_handle = re.compile(HANDLE_PATTERN, _FLAGS)
_spaces = re.compile(r"[\s-]+")
_whitespace = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Text as the patterns read it: no marks, lower case, symbols as spaces, numbers as digits."""
    decomposed = unicodedata.normalize("NFKD", text)
    chars = []
    for char in decomposed:
        category = unicodedata.category(char)
        if category.startswith("M"):
            continue
        # Emoji and other symbols separate digits ("06🔸12…"); "+" starts an international number.
        if (category.startswith("S") or category in ("Cf", "Co", "Cs")) and char != "+":
            chars.append(" ")
        else:
            chars.append(char)
    lowered = "".join(chars).lower()
    digits = _number_words.sub(lambda m: f" {NUMBER_WORDS[_spaces.sub(' ', m.group(0))]} ", lowered)
    return _whitespace.sub(" ", digits).strip()


def _has_phone(text: str) -> bool:
    for match in _digit_run.finditer(_date.sub(" ", text)):
        digits = "".join(c for c in match.group(0) if c.isdigit())
        if len(digits) >= PHONE_MIN_DIGITS and not _service_number.search(digits):
            return True
    return False


def find_identifiers(text: str | None) -> list[str]:
    """The kinds of identifier found in `text` (e.g. ["phone", "handle"]); empty when clean."""
    if not text:
        return []
    plain = normalise(text)
    found = []
    if _has_phone(plain):
        found.append(PHONE)
    if _email.search(plain):
        found.append(EMAIL)
    # An e-mail address is reported as such, not also as a handle or a link to its domain.
    rest = _email.sub(" ", plain)
    if _handle.search(rest):
        found.append(HANDLE)
    if _link.search(rest):
        found.append(LINK)
    return found
