// Session: start a planned or ad hoc session, follow its route stops or platforms, end it
// with the team's short debrief.

import * as custom from "../custom-fields.js";
import { findIdentifiers } from "../pii-check.js";
import { ATMOSPHERES, SESSION_KINDS, YES_NO_UNKNOWN } from "../codes.js";
import { t } from "../i18n.js";
import * as refs from "../refs.js";
import * as store from "../store.js";
import { announce, choiceGroup, dateTime, field, h, mount, select, time } from "../ui.js";

/** Safe to re-render after a sync unless the debrief form is open. */
export function live(params = {}) {
  return !params.debrief;
}

export async function render(root, app, params = {}) {
  const active = await store.activeSession();
  if (active && params.debrief) return renderDebrief(root, app, active);
  const data = await refs.load();
  if (active) return renderActive(root, app, active, data);
  return renderChoose(root, app, data);
}

function sessionTitle(s) {
  const kind = SESSION_KINDS.find(([k]) => k === s.kind);
  return s.title || (kind ? t(kind[1]) : t("Session"));
}

async function renderChoose(root, app) {
  const all = (await store.sessions()).filter((s) =>
    ["planned", "under_way"].includes(store.sessionStatus(s)),
  );
  const start = async (spec) => {
    await store.startSession(spec);
    announce(t("Session started."));
    app.navigate("session");
  };
  mount(
    root,
    h(
      "section",
      { "data-screen": "session" },
      h("h1", {}, t("Start a session")),
      all.length
        ? h(
            "ul",
            { class: "list", "aria-label": t("Planned sessions") },
            all.map((s) =>
              h(
                "li",
                { class: "card row" },
                h(
                  "div",
                  {},
                  h("strong", {}, sessionTitle(s)),
                  h("div", { class: "muted" }, `${dateTime(s.planned_start)} – ${time(s.planned_end)}`),
                ),
                h(
                  "button",
                  {
                    type: "button",
                    class: "primary",
                    "aria-label": `${t("Start")}: ${sessionTitle(s)}`,
                    onclick: () => start({ uuid: s.uuid }),
                  },
                  t("Start"),
                ),
              ),
            ),
          )
        : h("p", { class: "muted" }, t("No planned session for your team.")),
      h("h2", {}, t("Ad hoc session")),
      h(
        "div",
        { class: "stack" },
        h("button", { type: "button", class: "big", onclick: () => start({ kind: "street" }) }, t("Start a street session")),
        h("button", { type: "button", class: "big", onclick: () => start({ kind: "digital" }) }, t("Start a digital session")),
      ),
    ),
  );
}

async function renderActive(root, app, session, data) {
  const contacts = (await store.contacts()).filter((c) => c.data.session === session.uuid);
  const place = session.current_place ?? null;
  let places;
  if (session.kind === "digital") {
    const slots = session.digital_slots || [];
    const codes = slots.length ? slots.map((s) => s.platform) : data.platforms.map((p) => p.code);
    places = codes.map((code) => {
      const slot = slots.find((s) => s.platform === code);
      const platform = data.platforms.find((p) => p.code === code);
      return [code, `${refs.label(platform) || code}${slot ? ` · ${time(slot.starts_at)}–${time(slot.ends_at)}` : ""}`];
    });
  } else {
    const stops = (session.route || session.route_stops || []).slice().sort((a, b) => a.position - b.position);
    const ids = stops.length ? stops.map((s) => s.hotspot) : data.hotspots.map((hs) => hs.id);
    places = ids.map((id, i) => {
      const hs = data.hotspots.find((x) => x.id === id);
      const stop = stops[i];
      return [id, `${stop ? `${stop.position}. ` : ""}${refs.label(hs) || `#${id}`}${stop && stop.minutes_planned ? ` · ${stop.minutes_planned} min` : ""}`];
    });
  }
  mount(
    root,
    h(
      "section",
      { "data-screen": "session-active" },
      h("h1", {}, sessionTitle(session)),
      h(
        "p",
        { class: "muted" },
        t("Started at {time}", { time: time(session.local?.started_at) }),
        " · ",
        t("{n} contacts", { n: contacts.length }),
      ),
      h(
        "button",
        { type: "button", class: "primary huge", "data-action": "new-contact", onclick: () => app.navigate("contact") },
        t("New contact"),
      ),
      places.length
        ? choiceGroup({
            legend: session.kind === "digital" ? t("Platforms and time slots") : t("Route: where are you?"),
            name: "place",
            options: places,
            // Contacts default to the first stop until the worker says otherwise.
            selected: place ?? places[0][0],
            onchange: async (value) => {
              await store.setCurrentPlace(session.uuid, value);
              announce(t("Place selected for the next contacts."));
            },
          })
        : h("p", { class: "muted" }, t("No places yet: sync to get your team's list.")),
      h(
        "button",
        { type: "button", class: "big", onclick: () => app.navigate("session", { debrief: true }) },
        t("End the session"),
      ),
    ),
  );
}

async function renderDebrief(root, app, session) {
  const error = h("p", { class: "error", role: "alert" });
  const customDefs = await custom.definitions("debrief");
  const customValues = { ...(session.custom_values || {}) };
  const customStored = { ...customValues };
  const seen = h("input", { type: "number", min: "0", inputmode: "numeric", name: "young_people_seen" });
  const material = h("input", { type: "number", min: "0", inputmode: "numeric", name: "material_handed_out" });
  const atmosphere = select(ATMOSPHERES.map(([v, l]) => [v, t(l)]), "", { name: "atmosphere" });
  const notes = h("textarea", { name: "debrief_notes", maxlength: "2000", rows: "3" });
  const answers = { recruiters_present: "unknown", clients_present: "unknown", police_present: "unknown" };
  const yn = (name, legend) =>
    choiceGroup({
      legend,
      name,
      options: YES_NO_UNKNOWN.map(([v, l]) => [v, t(l)]),
      selected: "unknown",
      onchange: (v) => {
        answers[name] = v;
      },
    });
  mount(
    root,
    h(
      "form",
      {
        "data-screen": "debrief",
        onsubmit: async (event) => {
          event.preventDefault();
          const wrong = custom.problems(customDefs, customValues, customStored);
          if (wrong.length) {
            error.textContent = wrong.map(custom.describe).join(" ");
            return;
          }
          const found = findIdentifiers(notes.value);
          if (found.length && !notes.dataset.confirmed) {
            notes.dataset.confirmed = "1";
            error.textContent = t("The notes seem to contain an identifier ({kinds}). Remove it, or save again to confirm.", {
              kinds: found.map((k) => t(k)).join(", "),
            });
            return;
          }
          await store.endSession(session.uuid, {
            young_people_seen: seen.value === "" ? null : Number(seen.value),
            atmosphere: atmosphere.value,
            material_handed_out: material.value === "" ? null : Number(material.value),
            debrief_notes: notes.value.trim(),
            custom_values: custom.payload(customDefs, customValues),
            ...answers,
          });
          announce(t("Session ended. Thank you."));
          app.navigate("session");
        },
      },
      h("h1", {}, t("Debrief")),
      field(t("Young people seen (estimate)"), seen),
      field(t("Atmosphere"), atmosphere),
      yn("recruiters_present", t("Recruiters or pimps present")),
      yn("clients_present", t("Clients present")),
      yn("police_present", t("Police present")),
      field(t("Prevention material handed out"), material),
      custom.controls(customDefs, customValues),
      field(t("Notable events (team only, no names)"), notes),
      error,
      h("div", { class: "stack" },
        h("button", { type: "submit", class: "primary big" }, t("End the session")),
        h("button", { type: "button", class: "big", onclick: () => app.navigate("session") }, t("Back")),
      ),
    ),
  );
}
