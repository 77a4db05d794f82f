/**
 * Python's str semantics that the default analyzer depends on, checked code point by code point
 * against the Python of the test virtualenv: `\w` membership and `str.lower()`.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { bmpWordChars, compareCodePoints, isAstralWordChar, stripAccentsAscii, stripAccentsUnicode } from "../../src/tfidf/unicode.js";
import { sklearn } from "../peers/sklearn.js";

let word: Uint8Array;
let assigned: Uint8Array;
let lower: Record<string, string>;
let pythonUnicode: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "senti-unicode-"));
  ({ unicode: pythonUnicode } = await sklearn<{ unicode: string }>("unicode", dir));
  word = readFileSync(join(dir, "word.bin"));
  assigned = readFileSync(join(dir, "assigned.bin"));
  lower = JSON.parse(readFileSync(join(dir, "lower.json"), "utf8"));
});

describe("word characters equal Python's \\w", () => {
  it("for every code point Python's Unicode database assigns", () => {
    const bmp = bmpWordChars();
    const differ: string[] = [];
    for (let cp = 0; cp < 0x110000; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ours = cp < 0x10000 ? bmp[cp] === 1 : isAstralWordChar(cp);
      if (ours !== (word[cp] === 1) && assigned[cp] === 1) differ.push(cp.toString(16));
    }
    expect(differ, `differences with Python (Unicode ${pythonUnicode})`).toEqual([]);
  });
});

describe("String.prototype.toLowerCase equals Python's str.lower()", () => {
  it("for every assigned code point", () => {
    const differ: string[] = [];
    for (let cp = 0; cp < 0x110000; cp++) {
      if ((cp >= 0xd800 && cp <= 0xdfff) || assigned[cp] !== 1) continue;
      const ch = String.fromCodePoint(cp);
      const expected = lower[String(cp)] ?? ch;
      if (ch.toLowerCase() !== expected) differ.push(cp.toString(16));
    }
    expect(differ).toEqual([]);
  });
});

describe("accent stripping and ordering", () => {
  it("strips like scikit-learn's strip_accents_unicode / _ascii", () => {
    expect(stripAccentsUnicode("café naïve Ångström")).toBe("cafe naive Angstrom");
    expect(stripAccentsUnicode("plain ascii")).toBe("plain ascii");
    expect(stripAccentsUnicode("ﬁ ½")).toBe("fi 1⁄2");
    expect(stripAccentsAscii("naïve ½ 東京")).toBe("naive 12 ");
  });
  it("orders strings by code point, as Python does", () => {
    const words = ["\uffff", "😀", "a", "ab", "", "z", "\ue000"];
    expect([...words].sort(compareCodePoints)).toEqual(["", "a", "ab", "z", "\ue000", "\uffff", "😀"]);
  });
});
