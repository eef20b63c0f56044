// What the coordinator's desk pages share (ADR 010): they use the field app signed in on the same
// browser (same site, same storage) and never create its database themselves.

import { metaGet } from "./db.js";

/** True when the field app is signed in on this browser. */
export async function enrolled() {
  if (indexedDB.databases && !(await indexedDB.databases()).some((d) => d.name === "maraude")) return false;
  return Boolean(await metaGet("enrolled"));
}
