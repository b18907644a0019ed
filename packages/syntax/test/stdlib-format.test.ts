// string.format: Go fmt.Sprintf semantics over Alloy values.
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatFloat, Num, objectOf, Secret, sprintf, type Value } from "../src/index.js";

const i = (n: number | bigint) => Num.int(n);
const u = (n: bigint) => Num.uint(n);
const f = (n: number) => Num.float(n);

// [format, args, expected] — expectations are Go's fmt.Sprintf output.
const cases: [string, Value[], string][] = [
  ["Hello, %s!", ["Ander"], "Hello, Ander!"],
  ["There are %d lights", [i(4)], "There are 4 lights"],
  ["%%", [], "%"],
  ["100%%", [], "100%"],
  // Integers.
  ["%d", [i(-42)], "-42"],
  ["%v", [i(7)], "7"],
  ["%#v", [i(1)], "1"],
  ["%5d|%-5d|%05d", [i(42), i(42), i(42)], "   42|42   |00042"],
  ["%+d|% d|%+d", [i(5), i(5), i(-5)], "+5| 5|-5"],
  ["%05d", [i(-42)], "-0042"],
  ["%.3d|%.0d|%5.0d|", [i(7), i(0), i(0)], "007||     |"],
  ["%8.3d", [i(-7)], "    -007"],
  ["%x|%X|%#x|%#X", [i(255), i(255), i(255), i(255)], "ff|FF|0xff|0XFF"],
  ["%x", [i(-255)], "-ff"],
  ["%o|%#o|%O", [i(8), i(8), i(8)], "10|010|0o10"],
  ["%b|%#b", [i(5), i(5)], "101|0b101"],
  ["%#08x", [i(255)], "0x000000ff"],
  ["%c|%c", [i(65), i(0x1f600)], "A|\u{1f600}"],
  ["%q|%+q|%#q", [i(0x263a), i(0x263a), i(0x263a)], "'☺'|'\\u263a'|`☺`"],
  ["%U|%#U", [i(0x1f600), i(0x41)], "U+1F600|U+0041 'A'"],
  ["%d", [u(18446744073709551615n)], "18446744073709551615"],
  ["%v|%#v", [u(18446744073709551615n), u(18446744073709551615n)], "18446744073709551615|0xffffffffffffffff"],
  ["%d", [i(-9223372036854775808n)], "-9223372036854775808"],
  // Floats.
  ["%v", [f(1.5)], "1.5"],
  ["%v|%v|%v", [f(1e6), f(123456), f(1e21)], "1e+06|123456|1e+21"],
  ["%v|%v", [f(0.0001), f(0.00001)], "0.0001|1e-05"],
  ["%v|%#v", [f(1), f(1)], "1|1"],
  ["%f|%.2f|%8.3f|%-8.2f|", [f(1.23456), f(1.23456), f(1.23456), f(1.23456)], "1.234560|1.23|   1.235|1.23    |"],
  ["%F", [f(2)], "2.000000"],
  ["%e|%E|%.2e", [f(123456.789), f(0.000123), f(-1234.5678)], "1.234568e+05|1.230000E-04|-1.23e+03"],
  ["%g|%G|%.3g|%.10g", [f(123456789), f(1e-7), f(1.23456), f(1.5)], "1.23456789e+08|1E-07|1.23|1.5"],
  ["%g|%.3g|%.3g", [f(100000), f(100), f(1)], "100000|100|1"],
  ["%.0f|%.0f|%.0f|%.1f", [f(0.5), f(1.5), f(2.5), f(0.25)], "0|2|2|0.2"],
  ["%.2f|%.1f", [f(1.005), f(0.05)], "1.00|0.1"],
  ["%08.3f|%+.1f|% .1f", [f(-3.5), f(3), f(3)], "-003.500|+3.0| 3.0"],
  ["%#g|%#.3g|%#e", [f(1), f(2), f(1)], "1.00000|2.00|1.000000e+00"],
  ["%v|%v|%v", [f(Number.POSITIVE_INFINITY), f(Number.NEGATIVE_INFINITY), f(Number.NaN)], "+Inf|-Inf|NaN"],
  ["%5.1f|%05v", [f(Number.NaN), f(Number.POSITIVE_INFINITY)], "  NaN| +Inf"],
  ["%v", [f(-0)], "-0"],
  ["%.3f", [f(1e20)], "100000000000000000000.000"],
  ["%v", [f(5e-324)], "5e-324"],
  ["%v", [f(1.7976931348623157e308)], "1.7976931348623157e+308"],
  // Strings.
  ["%s|%v|%q|%#v", ["hi", "hi", "hi", "hi"], 'hi|hi|"hi"|"hi"'],
  ["%5s|%-5s|%.2s|%5.1s", ["abc", "abc", "abc", "abc"], "  abc|abc  |ab|    a"],
  ["%q", ['a"b\\c\n\t\u0007'], '"a\\"b\\\\c\\n\\t\\a"'],
  ["%q|%+q|%#q|%#q", ["héllo", "héllo", "back", "has`tick"], '"héllo"|"h\\u00e9llo"|`back`|"has`tick"'],
  ["%x|%X|% x|%#x|%# x", ["hi", "hi", "hi", "hi", "hi"], "6869|6869|68 69|0x6869|0x68 0x69"],
  ["%x", ["é"], "c3a9"],
  ["%.1x|%6x|%-6x|", ["hi", "hi", "hi"], "68|  6869|6869  |"],
  ["%05s", ["ab"], "000ab"],
  ["%s", ["日本語"], "日本語"],
  ["%4s|%.2s", ["日本語", "日本語"], " 日本語|日本"],
  // Booleans.
  ["%t|%v|%5t", [true, false, true], "true|false| true"],
  // nil.
  ["%v|%s|%d", [null, null, null], "<nil>|%!s(<nil>)|%!d(<nil>)"],
  ["%T", [null], "<nil>"],
  // Types.
  [
    "%T|%T|%T|%T|%T|%T|%T",
    [i(1), f(1), "s", true, [i(1)], objectOf({ a: i(1) }), u(18446744073709551615n)],
    "int|float64|string|bool|[]interface {}|map[string]interface {}|uint64",
  ],
  // Arrays and objects.
  ["%v", [[i(1), "a", true, null]], "[1 a true <nil>]"],
  ["%d", [[i(1), i(2)]], "[1 2]"],
  ["%d", [["a"]], "[%!d(string=a)]"],
  ["%d", [[null]], "[<nil>]"],
  ["%q", [["a", "b"]], '["a" "b"]'],
  ["%x", [[i(255), "hi"]], "[ff 6869]"],
  ["%3v", [[i(1), i(2)]], "[  1   2]"],
  ["%#v", [[i(1), "a", null]], '[]interface {}{1, "a", interface {}(nil)}'],
  ["%#v", [[]], "[]interface {}{}"],
  ["%v", [objectOf({ b: i(2), a: "x", c: [i(1)] })], "map[a:x b:2 c:[1]]"],
  ["%#v", [objectOf({ b: i(2), a: "x" })], 'map[string]interface {}{"a":"x", "b":2}'],
  ["%v", [objectOf({})], "map[]"],
  ["%d", [objectOf({ a: i(1) })], "map[%!d(string=a):1]"],
  ["%v", [[objectOf({ k: [f(1.5)] })]], "[map[k:[1.5]]]"],
  // Secrets are printed as the string they hold (upstream passes alloytypes.Secret through).
  [
    "%s|%T|%d",
    [new Secret("pw"), new Secret("pw"), new Secret("pw")],
    "pw|alloytypes.Secret|%!d(alloytypes.Secret=pw)",
  ],
  // Bad verbs and argument errors.
  ["%d", ["hello"], "%!d(string=hello)"],
  ["%s", [i(1)], "%!s(int=1)"],
  ["%d", [f(1.5)], "%!d(float64=1.5)"],
  ["%f", [i(1)], "%!f(int=1)"],
  ["%t", [i(1)], "%!t(int=1)"],
  ["%z", [i(1)], "%!z(int=1)"],
  ["%5d", ["hi"], "%!d(string=   hi)"],
  ["%s", [true], "%!s(bool=true)"],
  ["%s", [], "%!s(MISSING)"],
  ["%d %d", [i(1)], "1 %!d(MISSING)"],
  ["%s", ["a", i(1), null, [i(2)]], "a%!(EXTRA int=1, <nil>, []interface {}=[2])"],
  ["hi", ["x"], "hi%!(EXTRA string=x)"],
  ["%", [], "%!(NOVERB)"],
  ["%-", [i(1)], "%!(NOVERB)%!(EXTRA int=1)"],
  ["%!", [], "%!!(MISSING)"],
  ["%w", ["e"], "%!w(string=e)"],
  ["%p", [i(1)], "%!p(int=1)"],
  // Explicit argument indexes, * width and precision.
  ["%[2]d %[1]d", [i(1), i(2)], "2 1"],
  ["%[1]d %[1]x %d", [i(10), i(11)], "10 a 11"],
  ["%[3]d", [i(1), i(2)], "%!d(BADINDEX)"],
  ["%[0]d", [i(1)], "%!d(BADINDEX)"],
  ["%[x]d", [i(1)], "%!d(BADINDEX)"],
  ["%[2]*[1]d", [i(12), i(5)], "   12"],
  ["%[1]2d", [i(1)], "%!d(BADINDEX)"],
  ["%*d|%-*d|%.*f", [i(5), i(42), i(4), i(7), i(2), f(1.23456)], "   42|7   |1.23"],
  ["%*d", [i(-5), i(42)], "42   "],
  ["%*d", ["x", i(42)], "%!(BADWIDTH)42"],
  ["%.*d", ["x", i(42)], "%!(BADPREC)42"],
  ["%.*d", [i(-1), i(42)], "%!(BADPREC)42"],
  ["%*d", [i(10000000), i(1)], "%!(BADWIDTH)1"],
  ["%.d|%.s|", [i(0), "abc"], "||"],
  ["%-05d|", [i(3)], "3    |"],
];

test("string.format matches Go fmt.Sprintf", () => {
  for (const [fmt, args, want] of cases) {
    assert.equal(sprintf(fmt, args), want, `Sprintf(${JSON.stringify(fmt)})`);
  }
});

test("strconv.FormatFloat rounding and shortest forms", () => {
  const table: [number, "e" | "E" | "f" | "g" | "G", number, string][] = [
    [0, "g", -1, "0"],
    [0, "e", -1, "0e+00"],
    [0, "f", 3, "0.000"],
    [0.1, "f", -1, "0.1"],
    [0.1, "f", 20, "0.10000000000000000555"],
    [1e21, "f", -1, "1000000000000000000000"],
    [1.5e-7, "f", -1, "0.00000015"],
    [123.456, "e", 2, "1.23e+02"],
    [9.995, "f", 2, "9.99"],
    [9.9999, "f", 2, "10.00"],
    [999.9, "e", 2, "1.00e+03"],
    [1e100, "g", -1, "1e+100"],
    [123456, "g", 3, "1.23e+05"],
    [0.000012345, "g", 3, "1.23e-05"],
    [5e-324, "e", 3, "4.941e-324"],
  ];
  for (const [x, fmt, prec, want] of table) assert.equal(formatFloat(x, fmt, prec), want, `${x} ${fmt} ${prec}`);
});
