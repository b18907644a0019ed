import assert from "node:assert/strict";
import { test } from "node:test";
import { AlignRight, Debug, DiscardEmptyColumns, ESCAPE, TabIndent, tabwrite, trim } from "../src/printer/tabwriter.js";

// Cases transcribed from Go's text/tabwriter tabwriter_test.go (all those that do not
// use FilterHTML or StripEscape). "\xff" there is ESCAPE (X) here.
const X = ESCAPE;
type Case = [
  name: string,
  minwidth: number,
  tabwidth: number,
  padding: number,
  padchar: string,
  flags: number,
  src: string,
  want: string,
];
const goCases: Case[] = [
  ["1a", 8, 0, 1, ".", 0, "", ""],
  ["1a debug", 8, 0, 1, ".", Debug, "", ""],
  ["1b esc", 8, 0, 1, ".", 0, `${X}${X}`, `${X}${X}`],
  ["1c esc", 8, 0, 1, ".", 0, `${X}\t${X}`, `${X}\t${X}`],
  ["1d esc", 8, 0, 1, ".", 0, `${X}"foo\t\n\tbar"${X}`, `${X}"foo\t\n\tbar"${X}`],
  ["1e esc", 8, 0, 1, ".", 0, `abc${X}\tdef`, `abc${X}\tdef`],
  ["2", 8, 0, 1, ".", 0, "\n\n\n", "\n\n\n"],
  ["3", 8, 0, 1, ".", 0, "a\nb\nc", "a\nb\nc"],
  ["4a", 8, 0, 1, ".", 0, "\t", ""],
  ["4b", 8, 0, 1, ".", AlignRight, "\t", ""],
  ["5", 8, 0, 1, ".", 0, "*\t*", "*.......*"],
  ["5b", 8, 0, 1, ".", 0, "*\t*\n", "*.......*\n"],
  ["5c", 8, 0, 1, ".", 0, "*\t*\t", "*.......*"],
  ["5c debug", 8, 0, 1, ".", Debug, "*\t*\t", "*.......|*"],
  ["5d", 8, 0, 1, ".", AlignRight, "*\t*\t", ".......**"],
  ["6", 8, 0, 1, ".", 0, "\t\n", "........\n"],
  ["7a", 8, 0, 1, ".", 0, "a) foo", "a) foo"],
  ["7b", 8, 0, 1, " ", 0, "b) foo\tbar", "b) foo  bar"],
  ["7c", 8, 0, 1, ".", 0, "c) foo\tbar\t", "c) foo..bar"],
  ["7d", 8, 0, 1, ".", 0, "d) foo\tbar\n", "d) foo..bar\n"],
  ["7e", 8, 0, 1, ".", 0, "e) foo\tbar\t\n", "e) foo..bar.....\n"],
  ["8", 8, 0, 1, "*", 0, "Hello, world!\n", "Hello, world!\n"],
  ["9a", 1, 0, 0, ".", 0, "1\t2\t3\t4\n11\t222\t3333\t44444\n", "1.2..3...4\n11222333344444\n"],
  ["9c", 1, 0, 0, ".", 0, "1\t2\t3\t4\f11\t222\t3333\t44444\n", "1234\n11222333344444\n"],
  ["9c debug", 1, 0, 0, ".", Debug, "1\t2\t3\t4\f11\t222\t3333\t44444\n", "1|2|3|4\n---\n11|222|3333|44444\n"],
  ["10a", 5, 0, 0, ".", 0, "1\t2\t3\t4\n", "1....2....3....4\n"],
  ["10b", 5, 0, 0, ".", 0, "1\t2\t3\t4\t\n", "1....2....3....4....\n"],
  [
    "11",
    8,
    0,
    1,
    ".",
    0,
    "本\tb\tc\naa\t\u672c\u672c\u672c\tcccc\tddddd\naaa\tbbbb\n",
    "本.......b.......c\naa......本本本.....cccc....ddddd\naaa.....bbbb\n",
  ],
  [
    "12a",
    8,
    0,
    1,
    " ",
    AlignRight,
    "a\tè\tc\t\naa\tèèè\tcccc\tddddd\t\naaa\tèèèè\t\n",
    "       a       è       c\n      aa     èèè    cccc   ddddd\n     aaa    èèèè\n",
  ],
  ["12b", 2, 0, 0, " ", 0, "a\tb\tc\naa\tbbb\tcccc\naaa\tbbbb\n", "a  b  c\naa bbbcccc\naaabbbb\n"],
  [
    "12c",
    8,
    0,
    1,
    "_",
    0,
    "a\tb\tc\naa\tbbb\tcccc\naaa\tbbbb\n",
    "a_______b_______c\naa______bbb_____cccc\naaa_____bbbb\n",
  ],
  [
    "13a",
    4,
    0,
    1,
    "-",
    0,
    "4444\t日本語\t22\t1\t333\n999999999\t22\n7\t22\n\t\t\t88888888\n\n666666\t666666\t666666\t4444\n1\t1\t999999999\t0000000000\n",
    "4444------日本語-22--1---333\n999999999-22\n7---------22\n------------------88888888\n\n666666-666666-666666----4444\n1------1------999999999-0000000000\n",
  ],
  [
    "13b",
    4,
    0,
    3,
    ".",
    0,
    "4444\t333\t22\t1\t333\n999999999\t22\n7\t22\n\t\t\t88888888\n\n666666\t666666\t666666\t4444\n1\t1\t999999999\t0000000000\n",
    "4444........333...22...1...333\n999999999...22\n7...........22\n....................88888888\n\n666666...666666...666666......4444\n1........1........999999999...0000000000\n",
  ],
  [
    "14",
    1,
    0,
    2,
    " ",
    AlignRight,
    ".0\t.3\t2.4\t-5.1\t\n23.0\t12345678.9\t2.4\t-989.4\t\n5.1\t12.0\t2.4\t-7.0\t\n.0\t0.0\t332.0\t8908.0\t\n.0\t-.3\t456.4\t22.1\t\n.0\t1.2\t44.4\t-13.3\t\t",
    "    .0          .3    2.4    -5.1\n  23.0  12345678.9    2.4  -989.4\n   5.1        12.0    2.4    -7.0\n    .0         0.0  332.0  8908.0\n    .0         -.3  456.4    22.1\n    .0         1.2   44.4   -13.3",
  ],
  ["15a", 4, 0, 0, ".", 0, "a\t\tb", "a.......b"],
  ["15b", 4, 0, 0, ".", DiscardEmptyColumns, "a\t\tb", "a.......b"],
  ["15c", 4, 0, 0, ".", DiscardEmptyColumns, "a\v\vb", "a...b"],
  ["15d", 4, 0, 0, ".", AlignRight | DiscardEmptyColumns, "a\v\vb", "...ab"],
  [
    "16a",
    100,
    100,
    0,
    "\t",
    0,
    "a\tb\t\td\na\tb\t\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n",
    "a\tb\t\td\na\tb\t\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n",
  ],
  [
    "16b",
    100,
    100,
    0,
    "\t",
    DiscardEmptyColumns,
    "a\vb\v\vd\na\vb\v\vd\ve\na\na\vb\vc\vd\na\vb\vc\vd\ve\n",
    "a\tb\td\na\tb\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n",
  ],
  [
    "16b debug",
    100,
    100,
    0,
    "\t",
    DiscardEmptyColumns | Debug,
    "a\vb\v\vd\na\vb\v\vd\ve\na\na\vb\vc\vd\na\vb\vc\vd\ve\n",
    "a\t|b\t||d\na\t|b\t||d\t|e\na\na\t|b\t|c\t|d\na\t|b\t|c\t|d\t|e\n",
  ],
  [
    "16c",
    100,
    100,
    0,
    "\t",
    DiscardEmptyColumns,
    "a\tb\t\td\na\tb\t\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n",
    "a\tb\t\td\na\tb\t\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n",
  ],
  [
    "16c debug",
    100,
    100,
    0,
    "\t",
    DiscardEmptyColumns | Debug,
    "a\tb\t\td\na\tb\t\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n",
    "a\t|b\t|\t|d\na\t|b\t|\t|d\t|e\na\na\t|b\t|c\t|d\na\t|b\t|c\t|d\t|e\n",
  ],
];

for (const [name, minwidth, tabwidth, padding, padchar, flags, src, want] of goCases) {
  test(`tabwriter: Go case ${name}`, () => {
    assert.equal(tabwrite(src, { minwidth, tabwidth, padding, padchar, flags }), want);
  });
}

// The settings Alloy's printer uses.
const alloy = { minwidth: 0, tabwidth: 8, padding: 1, padchar: " ", flags: DiscardEmptyColumns | TabIndent };

const alloyCases: [name: string, src: string, want: string][] = [
  ["aligns = in a run", "a\v= 1\nlong_name\v= 2\n", "a         = 1\nlong_name = 2\n"],
  ["formfeed ends the section", "a\v= 1\flong_name\v= 2\n", "a = 1\nlong_name = 2\n"],
  ["a one-cell line ends the section", "a\v= 1\n\nlong_name\v= 2\n", "a = 1\n\nlong_name = 2\n"],
  ["leading empty tab cells become tabs", "\t\ta\v= 1\n\t\tbb\v= 2\n", "\t\ta  = 1\n\t\tbb = 2\n"],
  ["empty soft cells are discarded", "\va\n\vb\n", "a\nb\n"],
  [
    "trailing comments align",
    `a\v= 1\t${X}// x${X}\nbbb\v= 22\t${X}// y${X}\n`,
    `a   = 1  ${X}// x${X}\nbbb = 22 ${X}// y${X}\n`,
  ],
  ["escaped text is one cell", `a${X}\t\n${X}\vb\ncc\vd\n`, `a${X}\t\n${X} b\ncc  d\n`],
  ["wide indentation cell takes two tabs", "\tx\n\t\ty\nlong_text_here\ta\n", "\t\tx\n\t\t\ty\nlong_text_here a\n"],
];

for (const [name, src, want] of alloyCases) {
  test(`tabwriter: Alloy settings: ${name}`, () => {
    assert.equal(tabwrite(src, alloy), want);
  });
}

const trimCases: [name: string, src: string, want: string][] = [
  ["trailing blanks before newline", "a  \t\nb\t \n", "a\nb\n"],
  ["trailing blanks at end", "a \t ", "a"],
  ["formfeed becomes newline", "a\fb", "a\nb"],
  ["vtab becomes tab", "a\v b", "a\t b"],
  ["inner blanks kept", "a  b", "a  b"],
  ["escapes are removed", `${X}// c${X}`, "// c"],
  ["escaped text is kept verbatim", `x ${X}/* a  \n\f\v */${X}  \n`, "x /* a  \n\f\v */\n"],
  ["blank lines with indentation", "\t\n\t\tx\n", "\n\t\tx\n"],
];

for (const [name, src, want] of trimCases) {
  test(`trimmer: ${name}`, () => {
    assert.equal(trim(src), want);
  });
}
