// Counts entered fast in the field, stored at once with the operation that carries them:
// head count taps ("tally:<uuid>", one per young person seen) and a digital slot's funnel
// ("slot:<uuid>"). docs/sync-protocol.md §2.1 describes tally.add, tally.remove and slot.save.

import { get, list } from "./db.js";
import * as outbox from "./outbox.js";

/** The taps of a session recorded on this phone, oldest first (removed ones included). */
export async function taps(sessionUuid) {
  const all = (await list("tally:")).map((e) => e.value).filter((m) => m.session === sessionUuid);
  return all.sort((a, b) => orderOf(a) - orderOf(b));
}

// Two taps can fall in the same millisecond: `order` (microseconds, strictly increasing on this
// phone) keeps "undo the last tap" exact; marks saved before it existed fall back to their time.
let lastOrder = 0;
function nextOrder() {
  lastOrder = Math.max(Date.now() * 1000, lastOrder + 1);
  return lastOrder;
}
function orderOf(mark) {
  return mark.order ?? Date.parse(mark.tapped_at) * 1000;
}

/** {"<age_band>|<gender>": n} of the taps still counting, and their total. */
export function cells(marks) {
  const counts = {};
  let total = 0;
  for (const m of marks) {
    if (m.removal) continue;
    const key = `${m.age_band}|${m.gender}`;
    counts[key] = (counts[key] || 0) + 1;
    total += 1;
  }
  return { counts, total };
}

/** The last tap still counting: what "undo" and "turn into a contact" act on. */
export function lastTap(marks) {
  for (let i = marks.length - 1; i >= 0; i -= 1) if (!marks[i].removal) return marks[i];
  return null;
}

/** One young person seen: recorded on the phone and queued in one step. */
export async function tap(sessionUuid, ageBand, gender) {
  const uuid = crypto.randomUUID();
  const tappedAt = new Date().toISOString();
  const mark = { uuid, session: sessionUuid, level: "seen", age_band: ageBand, gender, tapped_at: tappedAt, order: nextOrder(), removal: null, contact: null, synced: false };
  await outbox.enqueue(
    { op: "tally.add", uuid, data: { session: sessionUuid, level: "seen", age_band: ageBand, gender, tapped_at: tappedAt } },
    [[`tally:${uuid}`, mark]],
  );
  return mark;
}

/** Takes a tap back. Always told to the server: the tap may already be there. */
export async function undo(mark) {
  const current = (await get(`tally:${mark.uuid}`)) || mark;
  if (current.removal) return null;
  const removed = { ...current, removal: "undo", removed_at: new Date().toISOString(), synced: false };
  await outbox.enqueue({ op: "tally.remove", uuid: mark.uuid, data: { reason: "undo" } }, [[`tally:${mark.uuid}`, removed]]);
  return removed;
}

// --- digital slots ---------------------------------------------------------------------------

export const STAGES = ["profiles_spotted", "messages_sent", "conversations"];

/** A session's slots: the pulled ones, with the counts entered on this phone over them. */
export async function slots(session) {
  const local = (await list("slot:")).map((e) => e.value).filter((s) => s.session === session.uuid);
  const byUuid = new Map();
  for (const s of session.digital_slots || []) if (s.uuid) byUuid.set(s.uuid, { ...s, session: session.uuid });
  for (const s of local) byUuid.set(s.uuid, { ...(byUuid.get(s.uuid) || {}), ...s });
  return [...byUuid.values()].sort((a, b) => String(a.starts_at).localeCompare(String(b.starts_at)));
}

export function getSlot(uuid) {
  return get(`slot:${uuid}`);
}

/**
 * What the server refuses too (outreach/services/digital_funnel.py: funnel_errors): requests and
 * orientations come out of conversations. Returns [field, numbers] pairs for the messages.
 */
export function funnelProblems(slot) {
  const requests = Object.values(slot.requests || {}).reduce((a, b) => a + b, 0);
  const problems = [];
  if (requests > slot.conversations) problems.push(["requests", { requests, conversations: slot.conversations }]);
  if (slot.orientations > slot.conversations) {
    problems.push(["orientations", { orientations: slot.orientations, conversations: slot.conversations }]);
  }
  return problems;
}

/** Stores a slot's counts as they stand and queues them (the latest change wins on the server). */
export async function saveSlot(slot) {
  const requests = Object.fromEntries(Object.entries(slot.requests || {}).filter(([, n]) => n > 0));
  const record = { ...slot, requests, synced: false };
  const data = {
    session: slot.session,
    platform: slot.platform,
    starts_at: slot.starts_at,
    ends_at: slot.ends_at,
    profiles_spotted: slot.profiles_spotted || 0,
    messages_sent: slot.messages_sent || 0,
    conversations: slot.conversations || 0,
    requests,
    orientations: slot.orientations || 0,
  };
  await outbox.enqueue({ op: "slot.save", uuid: slot.uuid, data }, [[`slot:${slot.uuid}`, record]]);
  return record;
}

/** A new slot for a platform, from an hour ago to now unless said otherwise (not stored yet). */
export function newSlot(sessionUuid, platform) {
  const end = new Date();
  const start = new Date(end.getTime() - 3600_000);
  return {
    uuid: crypto.randomUUID(),
    session: sessionUuid,
    platform,
    starts_at: start.toISOString(),
    ends_at: end.toISOString(),
    profiles_spotted: 0,
    messages_sent: 0,
    conversations: 0,
    requests: {},
    orientations: 0,
    fresh: true,
  };
}
