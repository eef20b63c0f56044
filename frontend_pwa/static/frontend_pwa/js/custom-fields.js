// The organisation's own fields (pulled as "field" items): their controls in the contact form
// and the debrief, and the same checks as the server (outreach/services/custom_values.py).
// Values are kept as {field id: value}; a cleared value is sent as null; values of fields or
// choices the coordinator retired stay as they were recorded.

import { lang, t } from "./i18n.js";
import { references } from "./sync.js";
import { choiceGroup, field, h } from "./ui.js";

// Whole numbers within these bounds when the coordinator gave none (NUMBER_LIMIT on the server).
export const NUMBER_LIMIT = 1_000_000;
export const FIRST_YEAR = 1900;
export const LAST_YEAR = 2100;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function fieldLabel(def) {
  const fr = def.label_fr;
  const en = def.label_en;
  return lang().startsWith("en") ? en || fr : fr || en;
}

function fieldHelp(def) {
  return (lang().startsWith("en") ? def.help_en || def.help_fr : def.help_fr || def.help_en) || null;
}

/** Every definition the phone holds for `target` ("contact" or "debrief"), in the coordinator's order. */
export async function definitions(target) {
  const all = await references("field");
  return all
    .filter((def) => def.target === target)
    .sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || a.id - b.id);
}

/** What is wrong with `value` for `def`, or null: the server's rules, offline. */
export function problem(def, value, stored) {
  if (value === null || value === undefined) return null;
  if (stored !== undefined && JSON.stringify(stored) === JSON.stringify(value)) return null;
  if (def.is_active === false) return t("“{field}” was retired: it can no longer be filled in.", { field: fieldLabel(def) });
  if (def.kind === "yes_no") return typeof value === "boolean" ? null : t("Expected yes or no.");
  if (def.kind === "number") {
    if (!Number.isInteger(value)) return t("Expected a whole number.");
    const low = def.min_value ?? -NUMBER_LIMIT;
    const high = def.max_value ?? NUMBER_LIMIT;
    return value < low || value > high ? t("Expected a number between {low} and {high}.", { low, high }) : null;
  }
  if (def.kind === "date") {
    if (typeof value !== "string" || !DATE_PATTERN.test(value)) return t("Expected a date.");
    const day = new Date(`${value}T00:00:00Z`);
    if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== value) return t("Expected a date.");
    const year = day.getUTCFullYear();
    return year < FIRST_YEAR || year > LAST_YEAR ? t("This date is not plausible.") : null;
  }
  const codes = def.kind === "choice" ? [value] : value;
  if (def.kind === "choice" && typeof value !== "string") return t("Expected one choice.");
  if (def.kind === "multi_choice" && !Array.isArray(value)) return t("Expected a list of choices.");
  const kept = new Set([].concat(stored ?? []));
  for (const code of codes) {
    const choice = (def.choices || []).find((c) => c.code === code);
    if (!choice) return t("Unknown choice: “{code}”.", { code });
    if (choice.is_active === false && !kept.has(code)) return t("The choice “{choice}” was retired.", { choice: fieldLabel(choice) });
  }
  return null;
}

/** [{field, message}] for the values the worker changed, checked against the definitions. */
export function problems(defs, values, stored = {}) {
  const found = [];
  for (const [key, value] of Object.entries(values || {})) {
    const def = defs.find((d) => String(d.id) === key);
    if (!def) {
      if (value !== null && JSON.stringify(stored[key]) !== JSON.stringify(value)) found.push({ field: key, message: t("Unknown field.") });
      continue;
    }
    const message = problem(def, value, stored[key]);
    if (message) found.push({ field: fieldLabel(def), message });
  }
  return found;
}

/** One problem as a sentence naming its field. */
export function describe(found) {
  return t("{field}: {message}", found);
}

/** The values to send: every recorded value, and null only where a field in use was cleared. */
export function payload(defs, values) {
  const out = {};
  for (const [key, value] of Object.entries(values || {})) {
    const def = defs.find((d) => String(d.id) === key);
    if (value !== null && value !== undefined) out[key] = value;
    else if (def && def.is_active !== false) out[key] = null;
  }
  return out;
}

/** The controls of the fields in use, writing into `values` ({field id: value}) as the worker taps. */
export function controls(defs, values) {
  return defs
    .filter((def) => def.is_active !== false)
    .map((def) => {
      const key = String(def.id);
      const name = `custom_${key}`;
      const set = (value) => {
        values[key] = value;
      };
      let control;
      if (def.kind === "yes_no") {
        control = choiceGroup({
          legend: fieldLabel(def),
          name,
          options: [[true, t("Yes")], [false, t("No")]],
          selected: values[key] ?? null,
          onchange: set,
        });
      } else if (def.kind === "choice" || def.kind === "multi_choice") {
        const multiple = def.kind === "multi_choice";
        const chosen = new Set([].concat(values[key] ?? []));
        // Choices in use, and a retired one only where this record already holds it.
        const options = (def.choices || [])
          .filter((c) => c.is_active !== false || chosen.has(c.code))
          .sort((a, b) => (a.position ?? 0) - (b.position ?? 0))
          .map((c) => [c.code, fieldLabel(c)]);
        control = choiceGroup({
          legend: fieldLabel(def),
          name,
          multiple,
          options,
          selected: multiple ? [...chosen] : values[key] ?? null,
          onchange: (v) => set(multiple && !v.length ? null : v),
        });
      } else {
        const number = def.kind === "number";
        const input = h("input", {
          type: number ? "number" : "date",
          name,
          inputmode: number ? "numeric" : null,
          step: number ? "1" : null,
          min: number ? String(def.min_value ?? -NUMBER_LIMIT) : `${FIRST_YEAR}-01-01`,
          max: number ? String(def.max_value ?? NUMBER_LIMIT) : `${LAST_YEAR}-12-31`,
          value: values[key] ?? "",
        });
        input.addEventListener("input", () => {
          const raw = input.value.trim();
          if (raw === "") set(null);
          else if (number) set(Number(raw));
          else set(raw);
        });
        control = field(fieldLabel(def), input, fieldHelp(def));
      }
      return h("div", { class: "custom-field", "data-custom-field": key }, control);
    });
}

/** The label to show for a server error's field name ("custom_values.<id>"), or null. */
export function errorLabel(defs, name) {
  const match = /^custom_values\.(\d+)$/.exec(name);
  const def = match && defs.find((d) => String(d.id) === match[1]);
  return def ? fieldLabel(def) : null;
}
