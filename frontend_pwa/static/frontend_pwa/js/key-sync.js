// The team keys' part of each sync (ADR 010): before pushing, publish this device's public key,
// receive the keys wrapped for it, make the team's next key when none is in use, and wrap the
// keys it holds for teammates' devices waiting for them. Then seal what leaves: notes with the
// team's current key, person codes as pseudonyms, after the identifier check the server can no
// longer make. Records waiting for a key stay in the outbox, under the PIN key, until it comes.

import * as api from "./api.js";
import { get, list, putMany } from "./db.js";
import { t } from "./i18n.js";
import * as keys from "./keys.js";
import * as outbox from "./outbox.js";
import { findIdentifiers } from "./pii-check.js";

const MAX_WRAPS = 200;

/** One exchange with the server's key endpoint; resolves with how many keys arrived. */
export async function exchange(token) {
  const device = await keys.deviceKey();
  let state = await api.keys(token);
  let received = await receive(state, device);
  for (let round = 0; round < 2; round += 1) {
    const { body, made } = await proposal(state, device);
    if (!body) break;
    try {
      state = await api.sendKeys(token, body);
    } catch (err) {
      if (err.status !== 409) throw err;
      state = await api.keys(token); // another device made the key first: take theirs
      received += await receive(state, device);
      continue;
    }
    for (const key of made) await keys.storeKey(key.team, key.kid, key.raw);
    received += made.length + (await receive(state, device));
    break;
  }
  const summary = Object.fromEntries(
    state.teams.map((s) => [s.team, { current_kid: s.current_kid, pseudonym_kid: s.pseudonym_kid, kids: s.kids }]),
  );
  await putMany([["state:keys", summary]]);
  if (received) await reopenLocal();
  if (Object.values(summary).some((team) => team.current_kid)) await convertLegacy(token);
  return received;
}

const LEGACY_CHUNK = 20; // notes of up to 2,000 characters: well under the 64 KiB body limit

/** Notes and codes stored before the team had a key: sealed here, sent back, once (ADR 010). */
async function convertLegacy(token) {
  for (let round = 0; round < 5; round += 1) {
    const todo = await api.legacy(token);
    const contacts = [];
    const sessions = [];
    for (const c of todo.contacts) {
      const kid = await keys.currentKid(c.team);
      const item = { uuid: c.uuid };
      if (kid && c.note) item.note = await keys.seal(c.team, kid, c.note);
      if (kid && c.person_code) item.person_code = await keys.pseudonym(c.team, c.person_code);
      if (item.note || item.person_code) contacts.push(item);
    }
    for (const s of todo.sessions) {
      const kid = await keys.currentKid(s.team);
      if (kid) sessions.push({ uuid: s.uuid, debrief_notes: await keys.seal(s.team, kid, s.debrief_notes) });
    }
    if (!contacts.length && !sessions.length) return;
    for (let i = 0; i < Math.max(contacts.length, sessions.length); i += LEGACY_CHUNK) {
      await api.sendLegacy(token, { contacts: contacts.slice(i, i + LEGACY_CHUNK), sessions: sessions.slice(i, i + LEGACY_CHUNK) });
    }
  }
}

/** Keys wrapped for this device that it does not hold yet, unwrapped and stored. */
async function receive(state, device) {
  let count = 0;
  for (const team of state.teams) {
    for (const { kid, wrapped } of team.keys) {
      if (await get(`key:team:${team.team}:${kid}`)) continue;
      try {
        await keys.storeKey(team.team, kid, await keys.unwrap(wrapped, device));
        count += 1;
      } catch {
        /* wrapped for another key pair of this device (an earlier sign-in): wait for a new copy */
      }
    }
  }
  return count;
}

/** What to send: the public key once, the next key of teams with none in use, copies for
 * waiting devices. {body: null} when there is nothing to send. */
async function proposal(state, device) {
  const body = {};
  if (state.public_key !== device.public) body.public_key = device.public;
  const made = [];
  for (const team of state.teams) {
    if (team.current_kid !== null) continue;
    // Earlier keys first (a teammate will share them), except those nobody holds any more.
    const held = await Promise.all(team.kept.map((kid) => get(`key:team:${team.team}:${kid}`)));
    if (held.some((k) => !k)) continue;
    const raw = crypto.getRandomValues(new Uint8Array(32));
    made.push({ team: team.team, kid: team.kids.length + 1, raw, wrapped: await keys.wrapFor(device.public, raw) });
  }
  if (made.length) body.new_keys = made.map(({ team, kid, wrapped }) => ({ team, kid, wrapped }));
  const wraps = [];
  // Keys this phone kept across a new sign-in (a new device for the server): a copy for itself.
  const self = (await get("state:device"))?.id;
  for (const team of state.teams) {
    const copies = new Set(team.keys.map((k) => k.kid));
    for (const kid of team.kids) {
      const held = !copies.has(kid) && self && (await get(`key:team:${team.team}:${kid}`));
      if (held) wraps.push({ device: self, team: team.team, kid, wrapped: await keys.wrapFor(device.public, keys.unb64u(held.raw)) });
    }
  }
  for (const w of state.waiting.slice(0, MAX_WRAPS)) {
    const held = await get(`key:team:${w.team}:${w.kid}`);
    if (held) wraps.push({ device: w.device, team: w.team, kid: w.kid, wrapped: await keys.wrapFor(w.public_key, keys.unb64u(held.raw)) });
  }
  if (wraps.length) body.wraps = wraps;
  return { body: Object.keys(body).length ? body : null, made };
}

/** Local records holding envelopes this device could not open before: open them now. */
async function reopenLocal() {
  const writes = [];
  for (const prefix of ["contact:", "session:"]) {
    for (const { key, value } of await list(prefix)) {
      const data = prefix === "contact:" ? value.data : value;
      if (!data || !data.sealed) continue;
      const opened = await openAny(data, data.sealed);
      writes.push([key, prefix === "contact:" ? { ...value, data: opened } : opened]);
    }
  }
  if (writes.length) await putMany(writes);
}

/** `data` with its envelopes opened by whichever held key fits (`sealed`: those still shut). */
export async function openAny(data, fields) {
  const teams = [...new Set((await keys.heldKeys()).map((k) => k.team))];
  let out = { ...data, sealed: fields.filter((f) => keys.isEnvelope(data[f])) };
  for (const team of teams) {
    if (!out.sealed.length) break;
    out = await keys.openData(team, out, out.sealed);
    out.sealed ||= [];
  }
  if (!out.sealed.length) delete out.sealed;
  return out;
}

/** A pulled contact's data, opened; its person code shown as typed when this phone typed it. */
export async function openPulled(type, data, local) {
  const opened = await openAny(data, keys.SEALED_TEXT[type] || []);
  if (type !== "contact" || !keys.isPseudonym(data.person_code)) return opened;
  const typed = local?.data?.person_code;
  if (typed && !keys.isPseudonym(typed) && (await keys.pseudonym(await teamOf(local.data.session), typed)) === data.person_code) {
    opened.person_code = typed;
  }
  return opened;
}

async function teamOf(sessionUuid) {
  const session = sessionUuid ? await get(`session:${sessionUuid}`) : null;
  const team = session?.team?.id ?? session?.team ?? (await get("state:user"))?.team?.id;
  if (team) return team;
  const teams = Object.keys((await get("state:keys")) || {});
  return teams.length === 1 ? Number(teams[0]) : null;
}

function freeText(op) {
  const kind = op.op.split(".")[0];
  if (kind === "contact") return { text: ["note"], codes: ["person_code"] };
  if (op.op === "session.update" || op.op === "session.end") return { text: ["debrief_notes"], codes: [] };
  return { text: [], codes: [] };
}

/**
 * The operations ready to leave, in order, up to the first that waits for a team key (later
 * ones wait behind it: a tap promoted to a contact goes after that contact). Each ready op gets
 * `wire_data`: its data with notes sealed and codes pseudonymised, sealed once per revision and
 * kept with the op so a replay sends the same bytes. An op whose text holds an identifier is
 * refused here, as the server would have. Returns {ready, waiting}.
 */
export async function prepare(ops) {
  const ready = [];
  for (let i = 0; i < ops.length; i += 1) {
    const op = ops[i];
    const { text, codes } = freeText(op);
    const plain = [...text, ...codes].filter((f) => op.data && op.data[f] && !keys.isEnvelope(op.data[f]) && !keys.isPseudonym(op.data[f]));
    if (!plain.length) {
      ready.push({ ...op, wire_data: op.data });
      continue;
    }
    if (op.sealed && op.sealed.rev === op.rev) {
      ready.push({ ...op, wire_data: op.sealed.data });
      continue;
    }
    const errors = {};
    for (const f of plain) {
      const kinds = findIdentifiers(op.data[f]);
      if (kinds.length) errors[f] = [t("Remove the identifier before saving ({kinds}): no phone number, e-mail, handle or link about a young person.", { kinds: kinds.map((k) => t(k)).join(", ") })];
    }
    if (Object.keys(errors).length) {
      await outbox.refuse(op, "identifier", errors);
      continue;
    }
    const session = op.op.startsWith("contact.") ? op.data.session || (await get(`contact:${op.uuid}`))?.data?.session : op.uuid;
    const team = await teamOf(session);
    const kid = team && (await keys.currentKid(team));
    if (!kid) return { ready, waiting: ops.length - i };
    const data = { ...op.data };
    const began = performance.now();
    for (const f of plain) {
      data[f] = codes.includes(f) ? await keys.pseudonym(team, data[f]) : await keys.seal(team, kid, data[f]);
    }
    performance.measure("maraude:seal", { start: began, end: performance.now() }); // bench/pwa_load.py
    if (codes.some((f) => plain.includes(f) && !data[f])) return { ready, waiting: ops.length - i };
    await outbox.attachSealed(op, { rev: op.rev, data });
    ready.push({ ...op, sealed: { rev: op.rev, data }, wire_data: data });
  }
  return { ready, waiting: 0 };
}
