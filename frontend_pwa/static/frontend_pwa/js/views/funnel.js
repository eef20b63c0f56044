// The digital outreach funnel, per platform category and time slot: profiles or ads spotted →
// messages sent → conversations → requests by category → orientations. Entered with − / +
// during or at the end of the slot, offline; no handle, screenshot or link is ever kept.

import { REQUEST_CATEGORIES } from "../codes.js";
import * as counts from "../counts.js";
import { t } from "../i18n.js";
import * as refs from "../refs.js";
import { announce, field, h, mount, select, time } from "../ui.js";

// "No request" is not counted in a slot (outreach/models/counts.py: SLOT_REQUEST_CATEGORIES).
const CATEGORIES = REQUEST_CATEGORIES.filter(([code]) => code && code !== "none");
const STAGE_LABELS = {
  profiles_spotted: "Profiles or ads spotted",
  messages_sent: "Messages sent",
  conversations: "Conversations established",
  orientations: "Orientations to a partner service",
};

function platformLabel(data, code) {
  return refs.label(data.platforms.find((p) => p.code === code)) || code;
}

function requestTotal(slot) {
  return Object.values(slot.requests || {}).reduce((a, b) => a + b, 0);
}

/** The funnel panel of a digital session's screen: its slots and a way to add one. */
export async function panel(session, data, app) {
  const slots = await counts.slots(session);
  const platform = select(data.platforms.map((p) => [p.code, refs.label(p)]), data.platforms[0]?.code ?? "", {
    name: "new_slot_platform",
  });
  return h(
    "section",
    { class: "card", "data-panel": "funnel", "aria-labelledby": "funnel-title" },
    h("h2", { id: "funnel-title" }, t("Digital funnel")),
    slots.length
      ? h(
          "ul",
          { class: "list", "aria-label": t("Time slots") },
          slots.map((slot) =>
            h(
              "li",
              { class: "row", "data-slot": slot.uuid },
              h(
                "div",
                {},
                h("strong", {}, `${platformLabel(data, slot.platform)} · ${time(slot.starts_at)}–${time(slot.ends_at)}`),
                h(
                  "p",
                  { class: "funnel-summary" },
                  t("{spotted} spotted → {messages} messages → {conversations} conversations → {requests} requests → {orientations} orientations", {
                    spotted: slot.profiles_spotted || 0,
                    messages: slot.messages_sent || 0,
                    conversations: slot.conversations || 0,
                    requests: requestTotal(slot),
                    orientations: slot.orientations || 0,
                  }),
                ),
              ),
              h(
                "button",
                {
                  type: "button",
                  "aria-label": `${t("Enter counts")}: ${platformLabel(data, slot.platform)} ${time(slot.starts_at)}`,
                  onclick: () => app.navigate("session", { slot: slot.uuid }),
                },
                t("Enter counts"),
              ),
            ),
          ),
        )
      : h("p", { class: "muted" }, t("No time slot yet: add one for the platform you are on.")),
    data.platforms.length
      ? h(
          "div",
          { class: "row-actions" },
          field(t("Platform"), platform),
          h(
            "button",
            {
              type: "button",
              class: "primary big",
              "data-action": "new-slot",
              onclick: () => app.navigate("session", { slot: "new", platform: platform.value }),
            },
            t("New time slot"),
          ),
        )
      : null,
  );
}

function stepper(name, labelText, value, onchange) {
  const input = h("input", { type: "number", min: "0", inputmode: "numeric", name, value: String(value || 0) });
  const read = () => Math.max(0, Number.parseInt(input.value, 10) || 0);
  const set = (n) => {
    input.value = String(Math.max(0, n));
    onchange(Math.max(0, n));
  };
  input.addEventListener("input", () => onchange(read()));
  const id = `step-${name}`;
  input.id = id;
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, labelText),
    h(
      "div",
      { class: "stepper" },
      h("button", { type: "button", "aria-label": t("{label}: one less", { label: labelText }), onclick: () => set(read() - 1) }, "−"),
      input,
      h("button", { type: "button", "aria-label": t("{label}: one more", { label: labelText }), onclick: () => set(read() + 1) }, "+"),
    ),
  );
}

function clockValue(iso) {
  const d = new Date(iso);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

function atClock(baseIso, value) {
  const [hours, minutes] = value.split(":").map(Number);
  const d = new Date(baseIso);
  d.setHours(hours, minutes, 0, 0);
  return d;
}

/** The slot's counts form (its own screen, so a sync never redraws it under the worker's thumb). */
export async function renderSlot(root, app, session, params) {
  const data = await refs.load();
  const existing = params.slot === "new" ? null : (await counts.slots(session)).find((s) => s.uuid === params.slot);
  const slot = existing
    ? { ...existing, requests: { ...(existing.requests || {}) } }
    : counts.newSlot(session.uuid, params.platform || data.platforms[0]?.code);
  const error = h("div", { class: "error", role: "alert", tabindex: "-1" });
  const platform = select(data.platforms.map((p) => [p.code, refs.label(p)]), slot.platform, { name: "platform" });
  const starts = h("input", { type: "time", name: "starts_at", value: clockValue(slot.starts_at) });
  const ends = h("input", { type: "time", name: "ends_at", value: clockValue(slot.ends_at) });
  const set = (name) => (n) => {
    slot[name] = n;
  };
  const setRequest = (code) => (n) => {
    slot.requests[code] = n;
  };
  mount(
    root,
    h(
      "form",
      {
        "data-screen": "slot",
        novalidate: true,
        onsubmit: async (event) => {
          event.preventDefault();
          slot.platform = platform.value;
          const start = atClock(slot.starts_at, starts.value || clockValue(slot.starts_at));
          let end = atClock(slot.starts_at, ends.value || clockValue(slot.ends_at));
          if (end <= start) end = new Date(end.getTime() + 86_400_000); // a slot running past midnight
          slot.starts_at = start.toISOString();
          slot.ends_at = end.toISOString();
          const problems = counts.funnelProblems(slot).map(([name, numbers]) =>
            name === "requests"
              ? t("More requests ({requests}) than conversations ({conversations}).", numbers)
              : t("More orientations ({orientations}) than conversations ({conversations}).", numbers),
          );
          if (problems.length) {
            error.replaceChildren(...problems.map((p) => h("p", {}, p)));
            error.focus();
            return;
          }
          const { fresh, ...kept } = slot;
          await counts.saveSlot(kept);
          announce(t("Counts saved."));
          app.navigate("session");
        },
      },
      h("h1", {}, existing ? `${platformLabel(data, slot.platform)} · ${time(slot.starts_at)}` : t("New time slot")),
      h("p", { class: "muted" }, t("Counts only: never a handle, a link or a screenshot.")),
      field(t("Platform"), platform),
      h("div", { class: "filters" }, field(t("From"), starts), field(t("To"), ends)),
      counts.STAGES.map((name) => stepper(name, t(STAGE_LABELS[name]), slot[name], set(name))),
      h(
        "fieldset",
        { class: "choices" },
        h("legend", {}, t("Requests by category")),
        CATEGORIES.map(([code, label]) => stepper(`request_${code}`, t(label), slot.requests[code], setRequest(code))),
      ),
      stepper("orientations", t(STAGE_LABELS.orientations), slot.orientations, set("orientations")),
      error,
      h(
        "div",
        { class: "stack" },
        h("button", { type: "submit", class: "primary big", "data-action": "save-slot" }, t("Save the counts")),
        h("button", { type: "button", class: "big", onclick: () => app.navigate("session") }, t("Back")),
      ),
    ),
  );
}
