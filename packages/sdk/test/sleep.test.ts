import assert from "node:assert/strict";
import { test } from "node:test";
import { WakeableSleep } from "../src/sleep.js";

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
