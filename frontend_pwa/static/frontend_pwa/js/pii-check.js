// Flags what must never be written about a young person: phone numbers, e-mail addresses,
// online handles and links. A warning before saving, not a silent rewrite. The server refuses the
// same (outreach/rules/identifiers.py): the patterns come from there, generated into
// identifier-rules.js; this file only runs them, as the server's find_identifiers does.

import {
  DATE_RE,
  DIGIT_RUN_RE,
  EMAIL_RE,
  HANDLE_RE,
  LINK_RE,
  NUMBER_WORDS,
  NUMBER_WORDS_RE,
  PHONE_MIN_DIGITS,
  SERVICE_NUMBER_RE,
} from "./identifier-rules.js";

/** Text as the patterns read it: no marks, lower case, symbols as spaces, numbers as digits. */
export function normalise(text) {
  const plain = text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    // Emoji and other symbols separate digits ("06🔸12…"); "+" starts an international number.
    .replace(/[\p{S}\p{Cf}\p{Co}]/gu, (c) => (c === "+" ? c : " "))
    .toLowerCase();
  return plain
    .replace(NUMBER_WORDS_RE, (m) => ` ${NUMBER_WORDS[m.replace(/[\s-]+/g, " ")]} `)
    .replace(/\s+/g, " ")
    .trim();
}

function hasPhone(text) {
  for (const match of text.replace(DATE_RE, " ").matchAll(DIGIT_RUN_RE)) {
    const digits = match[0].replace(/\D/g, "");
    if (digits.length >= PHONE_MIN_DIGITS && !SERVICE_NUMBER_RE.test(digits)) return true;
  }
  return false;
}

/** The kinds of identifier found in text (e.g. ["phone", "handle"]), empty when clean. */
export function findIdentifiers(text) {
  if (!text) return [];
  const plain = normalise(text);
  const found = [];
  if (hasPhone(plain)) found.push("phone");
  if (plain.search(EMAIL_RE) >= 0) found.push("email");
  // An e-mail address is reported as such, not also as a handle or a link to its domain.
  const rest = plain.replace(EMAIL_RE, " ");
  if (HANDLE_RE.test(rest)) found.push("handle");
  if (LINK_RE.test(rest)) found.push("link");
  return found;
}
