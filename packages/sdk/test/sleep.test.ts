import assert from "node:assert/strict";
import { test } from "node:test";
import { abortableSleep, WakeableSleep } from "../src/sleep.js";

test("WakeableSleep: true after the time, false when woken or aborted", async () => {
  const s = new WakeableSleep();
  const ac = new AbortController();
  assert.equal(await s.sleep(5, ac.signal), true);
  const woken = s.sleep(60_000, ac.signal);
  s.wake();
  assert.equal(await woken, false);
  s.wake(); // nothing pending: no effect
  const aborted = s.sleep(60_000, ac.signal);
  ac.abort();
  assert.equal(await aborted, false);
  assert.equal(await s.sleep(60_000, ac.signal), false);
});

test("abortableSleep: true after the time, false at once when aborted", async () => {
  const ac = new AbortController();
  assert.equal(await abortableSleep(5, ac.signal), true);
  const t0 = Date.now();
  const aborted = abortableSleep(60_000, ac.signal);
  ac.abort();
  assert.equal(await aborted, false);
  assert.equal(await abortableSleep(60_000, ac.signal), false);
  assert.ok(Date.now() - t0 < 5_000);
});
