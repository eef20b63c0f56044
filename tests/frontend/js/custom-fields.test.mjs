// The organisation's own fields checked on the phone by the server's rules
// (outreach/services/custom_values.py), before anything is queued.

import assert from "node:assert/strict";
import { test } from "node:test";

import "./harness.mjs";

globalThis.document ??= { documentElement: { lang: "en" } };
const JS = new URL("../../../frontend_pwa/static/frontend_pwa/js/", import.meta.url);
const custom = await import(new URL("custom-fields.js", JS));

const choice = (code, active = true) => ({ code, label_fr: code, label_en: code, position: 0, is_active: active });
const defs = [
  { id: 1, kind: "yes_no", label_fr: "Scolarisé", label_en: "In school", is_active: true },
  { id: 2, kind: "choice", label_fr: "Lieu", label_en: "Place", is_active: true, choices: [choice("famille"), choice("foyer", false)] },
  { id: 3, kind: "multi_choice", label_fr: "Besoins", label_en: "Needs", is_active: true, choices: [choice("sante"), choice("juridique")] },
  { id: 4, kind: "number", label_fr: "Nuits", label_en: "Nights", min_value: 0, max_value: 30, is_active: true },
  { id: 5, kind: "date", label_fr: "Date", label_en: "Date", is_active: true },
  { id: 6, kind: "yes_no", label_fr: "Ancien", label_en: "Old", is_active: false },
];
const byId = (id) => defs.find((d) => d.id === id);

test("good values of each kind pass", () => {
  const values = { 1: true, 2: "famille", 3: ["sante", "juridique"], 4: 30, 5: "2026-11-02" };
  assert.deepEqual(custom.problems(defs, values), []);
});

test("wrong values are refused like the server refuses them", () => {
  const wrong = [
    [1, "yes"],
    [2, "chateau"],
    [2, "foyer"], // retired choice, newly picked
    [3, "sante"],
    [3, ["ovni"]],
    [4, 31],
    [4, -1],
    [4, 2.5],
    [5, "2026-02-30"],
    [5, "1812-01-01"],
    [6, true], // retired field
  ];
  for (const [id, value] of wrong) {
    assert.ok(custom.problem(byId(id), value, undefined), `${id}: ${JSON.stringify(value)} should be refused`);
  }
});

test("values already recorded stay acceptable when their field or choice is retired", () => {
  assert.equal(custom.problem(byId(2), "foyer", "foyer"), null);
  assert.equal(custom.problem(byId(6), true, true), null);
  assert.deepEqual(custom.problems(defs, { 6: true, 2: "foyer" }, { 6: true, 2: "foyer" }), []);
});

test("the payload keeps recorded values and sends null only for a cleared field in use", () => {
  assert.deepEqual(custom.payload(defs, { 1: null, 4: 3, 6: null, 6000: null }), { 1: null, 4: 3 });
});
