import assert from "node:assert/strict";
import { test } from "node:test";
import { formatDuration, parseDuration } from "../src/duration.js";

// Go's time.ParseDuration cases (time_test.go), in milliseconds.
const parseCases: [string, number][] = [
  ["0", 0],
  ["5s", 5000],
  ["30s", 30000],
  ["1478s", 1478000],
  ["-5s", -5000],
  ["+5s", 5000],
  ["-0", 0],
  ["+0", 0],
  ["5.0s", 5000],
  ["5.6s", 5600],
  ["5.s", 5000],
  [".5s", 500],
  ["1.0s", 1000],
  ["1.00s", 1000],
  ["1.004s", 1004],
  ["1.0040s", 1004],
  ["100.00100s", 100001],
  ["10ns", 0.00001],
  ["11us", 0.011],
  ["12µs", 0.012],
  ["12μs", 0.012],
  ["13ms", 13],
  ["14s", 14000],
  ["15m", 900000],
  ["16h", 57600000],
  ["3h30m", 12600000],
  ["10.5s4m", 250500],
  ["-2m3.4s", -123400],
  ["1h2m3s4ms5us6ns", 3723004.005006],
  ["39h9m14.425s", 140954425],
  ["0.3333333333333333333h", 1200000],
  ["1.5m", 90000],
];

for (const [input, ms] of parseCases) {
  test(`parseDuration(${JSON.stringify(input)})`, () => {
    assert.ok(Math.abs(parseDuration(input) - ms) < 1e-9, `${parseDuration(input)} != ${ms}`);
  });
}

const parseErrors: [string, string][] = [
  ["", 'time: invalid duration ""'],
  ["3", 'time: missing unit in duration "3"'],
  ["-", 'time: invalid duration "-"'],
  ["s", 'time: invalid duration "s"'],
  [".", 'time: invalid duration "."'],
  ["-.", 'time: invalid duration "-."'],
  [".s", 'time: invalid duration ".s"'],
  ["+.s", 'time: invalid duration "+.s"'],
  ["1d", 'time: unknown unit "d" in duration "1d"'],
  ["3000000h", 'time: invalid duration "3000000h"'],
  ["9223372036854775808ns", 'time: invalid duration "9223372036854775808ns"'],
];

for (const [input, message] of parseErrors) {
  test(`parseDuration(${JSON.stringify(input)}) fails as Go`, () => {
    assert.throws(() => parseDuration(input), { message });
  });
}

// Go's Duration.String cases.
const formatCases: [number, string][] = [
  [0, "0s"],
  [0.000001, "1ns"],
  [0.0011, "1.1µs"],
  [2.2, "2.2ms"],
  [3300, "3.3s"],
  [-(4 * 60000 + 5000), "-4m5s"],
  [4 * 60000 + 5001, "4m5.001s"],
  [5 * 3600000 + 6 * 60000 + 7001, "5h6m7.001s"],
  [8 * 60000 + 0.000001, "8m0.000000001s"],
  [60000, "1m0s"],
  [3600000, "1h0m0s"],
  [15000, "15s"],
];

for (const [ms, text] of formatCases) {
  test(`formatDuration(${ms}) = ${text}`, () => {
    assert.equal(formatDuration(ms), text);
  });
}

test("format then parse round-trips", () => {
  for (const ms of [1, 250, 1500, 90000, 86400000, 0.5]) assert.equal(parseDuration(formatDuration(ms)), ms);
});
