// Local records the screens show: sessions and contacts, always written together with the
// outbox operation that carries them to the server (one IndexedDB transaction).

import { get, list, putMany } from "./db.js";
import * as outbox from "./outbox.js";

export async function activeSession() {
  const uuid = await get("state:active_session");
  return uuid ? (await get(`session:${uuid}`)) || null : null;
}

export function sessionStatus(session) {
  return (session.local && session.local.status) || session.status || "planned";
}

export async function sessions() {
  const all = (await list("session:")).map((e) => e.value);
  return all.sort((a, b) => String(a.planned_start || "").localeCompare(String(b.planned_start || "")));
}

/** Starts a planned session (uuid given) or an ad hoc one (kind given). */
export async function startSession({ uuid = null, kind = "street", title = "" }) {
  const startedAt = new Date().toISOString();
  const existing = uuid ? await get(`session:${uuid}`) : null;
  const id = uuid || crypto.randomUUID();
  const record = {
    ...(existing || { uuid: id, kind, title, ad_hoc: true, route: [], digital_slots: [] }),
    local: { status: "under_way", started_at: startedAt, ended_at: null },
  };
  const data = existing
    ? { started_at: startedAt }
    : { started_at: startedAt, kind, title, territory: await teamTerritory() };
  await outbox.enqueue({ op: "session.start", uuid: id, base_version: existing?.version ?? null, data }, [
    [`session:${id}`, record],
    ["state:active_session", id],
  ]);
  return record;
}

/** A territory the team covers, for an unplanned session: its latest session's, else a place's. */
async function teamTerritory() {
  const known = (await sessions()).filter((s) => s.territory && s.territory.id);
  if (known.length) return known[known.length - 1].territory.id;
  const hotspot = (await list("ref:hotspot:")).map((e) => e.value).find((x) => x.territory);
  return hotspot ? (hotspot.territory.id ?? hotspot.territory) : null;
}

export async function endSession(uuid, debrief) {
  const record = await get(`session:${uuid}`);
  const endedAt = new Date().toISOString();
  const local = { ...(record.local || {}), status: "done", ended_at: endedAt };
  await outbox.enqueue(
    {
      op: "session.end",
      uuid,
      base_version: record.version ?? null,
      data: { ended_at: endedAt, ...debrief },
    },
    [
      [`session:${uuid}`, { ...record, local, debrief }],
      ["state:active_session", null],
    ],
  );
}

export async function setCurrentPlace(uuid, place) {
  const record = await get(`session:${uuid}`);
  await putMany([[`session:${uuid}`, { ...record, current_place: place }]]);
}

export async function contacts() {
  const all = (await list("contact:")).map((e) => e.value);
  return all.sort((a, b) => String(b.data.occurred_at).localeCompare(String(a.data.occurred_at)));
}

export function getContact(uuid) {
  return get(`contact:${uuid}`);
}

/** Saves a new contact (no uuid) or a correction, and queues it for the server. */
export async function saveContact({ uuid = null, data }) {
  const now = new Date().toISOString();
  if (!uuid) {
    const id = crypto.randomUUID();
    const record = { uuid: id, data, version: null, created_at: now, updated_at: now, synced: false };
    await outbox.enqueue({ op: "contact.create", uuid: id, data, client_created_at: now }, [
      [`contact:${id}`, record],
    ]);
    return record;
  }
  const existing = await get(`contact:${uuid}`);
  const record = { ...existing, data: { ...existing.data, ...data }, updated_at: now, synced: false };
  const changes = Object.fromEntries(UPDATABLE.filter((f) => f in record.data).map((f) => [f, record.data[f]]));
  await outbox.enqueue(
    { op: "contact.update", uuid, base_version: existing.version ?? null, data: changes },
    [[`contact:${uuid}`, record]],
  );
  return record;
}

// What a correction may send: everything the worker chose, never the session or server fields.
const UPDATABLE = [
  "occurred_at", "hotspot", "platform", "conversation_established", "request_category", "level",
  "person_code", "age_band", "gender", "is_first_contact", "known_to_child_welfare", "concerns",
  "actions", "orientations", "note", "custom_values",
];

/**
 * Whether a contact can still be corrected from the field (the team's edit window). The
 * server's deadline is compared with the server's time (`serverOffsetMs`, measured at each
 * sync), so a phone clock wrong by days neither hides nor offers corrections wrongly.
 */
export function editable(record, windowHours, serverOffsetMs = 0) {
  if (record.data && record.data.editable_until) {
    return Date.now() + serverOffsetMs < Date.parse(record.data.editable_until);
  }
  const created = new Date(record.created_at || record.data.occurred_at).getTime();
  return Date.now() - created < (windowHours || 72) * 3600_000;
}

/** pending | synced | rejected | conflict, from the queued operations. */
export function syncStatus(record, ops) {
  const op = ops.find((o) => o.uuid === record.uuid);
  if (!op) return "synced";
  return op.status;
}
