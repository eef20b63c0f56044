// Flags what must never be written about a young person: phone numbers, e-mail addresses,
// online handles and links. A warning before saving, not a silent rewrite.

const PATTERNS = [
  // French and international phone numbers: 06 12 34 56 78, +33 6 12 34 56 78, 0612345678…
  ["phone", /(?:\+|00)\d[\d .-]{7,}\d|\b0\d(?:[ .-]?\d{2}){4}\b|\b\d{9,}\b/],
  ["email", /[\w.+-]+@[\w-]+\.[\w.-]+/],
  ["link", /\bhttps?:\/\/\S+|\bwww\.\S+|\b[\w-]+\.(?:com|fr|net|org|io|me|ly|gg|tv|app)\b(?:\/\S*)?/i],
  // @handle, or a named platform followed by an identifier ("snap: lea_93", "insta lea.x").
  [
    "handle",
    /(?:^|[\s(])@[\w.]{2,}|\b(?:snap(?:chat)?|insta(?:gram)?|tiktok|tik tok|telegram|discord|facebook|fb|twitter|x|whatsapp|kik|onlyfans)\s*[:=]?\s*@?[\w.]*\d[\w.]*|\b(?:snap(?:chat)?|insta(?:gram)?|tiktok|telegram|discord|kik)\s*[:=]\s*\S+/i,
  ],
];

/** The kinds of identifier found in text (e.g. ["phone", "handle"]), empty when clean. */
export function findIdentifiers(text) {
  if (!text) return [];
  const email = PATTERNS[1][1];
  // An e-mail address is reported as such, not also as a link to its domain.
  const withoutEmails = text.replace(new RegExp(email.source, "g"), " ");
  return PATTERNS.filter(([kind, re]) => re.test(kind === "link" ? withoutEmails : text)).map(
    ([kind]) => kind,
  );
}
