import assert from "node:assert/strict";
import { test } from "node:test";
import { isPrint, quote, UnquoteError, unquote } from "../src/strconv.js";

// Cases after Go's strconv quote_test.go.
const quoteCases: [string, string][] = [
  ["\x07\b\f\r\n\t\v", '"\\a\\b\\f\\r\\n\\t\\v"'],
  ["\\", '"\\\\"'],
  ['"', '"\\""'],
  ["abc", '"abc"'],
  ["\u263a", '"☺"'],
  ["\u{10ffff}", '"\\U0010ffff"'],
  ["\x04", '"\\x04"'],
  ["\x00", '"\\x00"'],
  ["!\u00a0!\u2000!\u3000!", '"!\\u00a0!\\u2000!\\u3000!"'],
  ["\x7f", '"\\x7f"'],
  ["\x80", '"\\u0080"'],
  ["\u200b", '"\\u200b"'],
  ["é日本\u{1F600}", '"é日本\u{1F600}"'],
  ["\u{E0001}", '"\\U000e0001"'],
  ["a\ud800b", '"a\\ufffdb"'],
  ["it's", '"it\'s"'],
  ["", '""'],
];

test("quote matches Go's strconv.Quote", () => {
  for (const [input, want] of quoteCases) {
    assert.equal(quote(input), want, JSON.stringify(input));
  }
});

const unquoteCases: [string, string][] = [
  ['""', ""],
  ['"a"', "a"],
  ['"abc"', "abc"],
  ['"☺"', "☺"],
  ['"hello world"', "hello world"],
  ['"\\xFF"', "\ufffd"], // a lone 0xFF byte: Go keeps the byte, JS sees U+FFFD
  ['"\\xc3\\xa9"', "é"], // bytes forming valid UTF-8
  ['"\\303\\251"', "é"],
  ['"\\377"', "\ufffd"],
  ['"\\101"', "A"],
  ['"\\u1234"', "\u1234"],
  ['"\\U00010111"', "\u{10111}"],
  ['"\\U0001011111"', "\u{10111}11"],
  ['"\\a\\b\\f\\n\\r\\t\\v\\\\\\""', '\x07\b\f\n\r\t\v\\"'],
  ['"\'"', "'"],
  ["'a'", "a"],
  ["'☹'", "☹"],
  ["'\\a'", "\x07"],
  ["'\\x10'", "\x10"],
  ["'\\u1234'", "\u1234"],
  ["'\\U00010111'", "\u{10111}"],
  ["'\\t'", "\t"],
  ["' '", " "],
  ["'\\''", "'"],
  ["'\"'", '"'],
  ["'\u{1F600}'", "\u{1F600}"],
  ["``", ""],
  ["`a`", "a"],
  ["`abc`", "abc"],
  ["`☺`", "☺"],
  ["`\\xFF`", "\\xFF"],
  ["`\\377`", "\\377"],
  ["`\\`", "\\"],
  ["`\n`", "\n"],
  ["`\t`", "\t"],
  ["` `", " "],
  ["`a\rb`", "ab"],
  ["`a\r\nb\r`", "a\nb"],
  ['"a\u{1F600}b\\n"', "a\u{1F600}b\n"],
];

test("unquote matches Go's strconv.Unquote", () => {
  for (const [input, want] of unquoteCases) {
    assert.equal(unquote(input), want, input);
  }
});

const misquoted = [
  "",
  '"',
  '"a',
  "\"'",
  'b"',
  '"\\"',
  '"\\9"',
  '"\\19"',
  '"\\129"',
  "'\\'",
  "'\\9'",
  "'\\19'",
  "'\\129'",
  "'ab'",
  "''",
  '"\\x1!"',
  '"\\U12345678"',
  '"\\z"',
  "`",
  "`xxx",
  "``x\r",
  '`"',
  '"\\\'"',
  "'\\\"'",
  '"\n"',
  '"\\n\n"',
  "'\n'",
  '"\\udead"',
  '"\\ud83d\\ude4f"',
  '"\\400"',
  '"a"b"',
  "abc",
  '"\\x"',
  '"\\u12"',
];

test("unquote rejects malformed literals", () => {
  for (const input of misquoted) {
    assert.throws(() => unquote(input), UnquoteError, JSON.stringify(input));
  }
});

test("quote and unquote round-trip", () => {
  for (const s of ["", "plain", 'a "quoted" \\ path', "tab\there\nnl", "\x00\x1f\x7f", "é\u00a0\u{1F600}", "\u2028"]) {
    assert.equal(unquote(quote(s)), s);
  }
});

test("isPrint follows Go's unicode.IsPrint", () => {
  assert.equal(isPrint(0x20), true);
  assert.equal(isPrint(0x41), true);
  assert.equal(isPrint(0x7f), false);
  assert.equal(isPrint(0xa0), false);
  assert.equal(isPrint(0xe9), true);
  assert.equal(isPrint(0x1f600), true);
  assert.equal(isPrint(0x2028), false);
  assert.equal(isPrint(0x301), true); // combining mark
});
