// The printed recovery key (ADR 010) as code: the printed form round-trips, a typo is caught by
// the checksum before any decryption, and a team key wrapped under one sheet opens with it only.

import assert from "node:assert/strict";
import { test } from "node:test";

import "./harness.mjs";

const rc = await import("../../../frontend_pwa/static/frontend_pwa/js/recovery-code.js");

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

test("a secret prints as groups of four and reads back, whatever the case, spaces and look-alikes", async () => {
  for (let i = 0; i < 50; i += 1) {
    const secret = rc.newSecret();
    const printed = await rc.encode(secret);
    assert.match(printed, /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){13}$/);
    assert.equal(printed.replace(/-/g, "").length, rc.CODE_CHARS);
    assert.deepEqual(await rc.decode(printed), secret);
    const sloppy = ` ${printed.toLowerCase().replace(/-/g, " ").replace(/0/g, "o").replace(/1/g, "l")} `;
    assert.deepEqual(await rc.decode(sloppy), secret);
  }
});

test("one character changed, added or missing is refused before any decryption", async () => {
  const printed = (await rc.encode(rc.newSecret())).replace(/-/g, "");
  let caught = 0;
  for (let i = 0; i < printed.length; i += 1) {
    const other = ALPHABET[(ALPHABET.indexOf(printed[i]) + 1 + (i % 31)) % 32];
    const typo = printed.slice(0, i) + other + printed.slice(i + 1);
    await assert.rejects(rc.decode(typo), (err) => err instanceof rc.BadRecoveryCode);
    caught += 1;
  }
  assert.equal(caught, printed.length);
  await assert.rejects(rc.decode(printed.slice(1)), (err) => err.reason === "length");
  await assert.rejects(rc.decode(`${printed}0`), (err) => err.reason === "length");
  await assert.rejects(rc.decode(printed.replace(/.$/, "U")), (err) => err.reason === "length"); // not in the alphabet
});

test("a team key wrapped under a sheet opens with that sheet only, in the server's shape", async () => {
  const secret = rc.newSecret();
  const raw = crypto.getRandomValues(new Uint8Array(32));
  const copy = await rc.wrapUnder(secret, raw);
  assert.match(copy, /^rk1\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{64}$/);
  assert.deepEqual(await rc.unwrapUnder(await rc.decode(await rc.encode(secret)), copy), raw);
  assert.equal(await rc.unwrapUnder(rc.newSecret(), copy), null);
});
