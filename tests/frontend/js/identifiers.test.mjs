// The phone's identifier check (pii-check.js, patterns generated from outreach/rules/) on the same
// corpus as the server's test (tests/outreach/test_identifiers.py): the same answer for every case.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { findIdentifiers, normalise } from "../../../frontend_pwa/static/frontend_pwa/js/pii-check.js";

const corpus = readFileSync(new URL("../../outreach/data/identifier_corpus.tsv", import.meta.url), "utf-8")
  .split("\n")
  .filter((line) => line.trim() && !line.startsWith("#"))
  .map((line) => {
    const [expected, ...rest] = line.split("\t");
    return { kinds: expected === "-" ? [] : expected.split(","), text: rest.join("\t") };
  });

test("the phone finds the same identifiers as the server on the whole corpus", () => {
  const positives = corpus.filter((c) => c.kinds.length);
  const negatives = corpus.filter((c) => !c.kinds.length);
  const wrong = corpus.filter((c) => JSON.stringify(findIdentifiers(c.text)) !== JSON.stringify(c.kinds));
  const detected = positives.filter((c) => findIdentifiers(c.text).length).length;
  const flagged = negatives.filter((c) => findIdentifiers(c.text).length).length;
  console.log(
    `identifier corpus (phone): ${positives.length} identifiers, detection ${((100 * detected) / positives.length).toFixed(1)}%; ` +
      `${negatives.length} legitimate notes, false positives ${((100 * flagged) / negatives.length).toFixed(1)}%`,
  );
  assert.deepEqual(wrong, []);
  assert.ok(positives.length >= 50 && negatives.length >= 50);
});

test("numbers in words and emoji separators become digits", () => {
  assert.deepEqual(normalise("Zéro six 🔸 douze").split(" "), ["0", "6", "12"]);
  assert.deepEqual(normalise("quatre-vingt-dix-neuf").split(" "), ["99"]);
});
