import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect, readJsonl } from "../../src/entries/data.js";
import { asyncChunks, expectError, splitAt } from "./helpers.js";

const JSONL = '\uFEFF{"text":"Great, \\"really\\" é","label":1}\r\n\n{"text":"Bad","label":"0","id":7}\n   \n{"text":"Meh","label":"neutral"}';
const ROWS = [
  { text: 'Great, "really" é', label: 1 },
  { text: "Bad", label: 0 },
  { text: "Meh", label: "neutral" },
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "senti-data-jsonl-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const read = (text: string, options?: Parameters<typeof readJsonl>[1]) => collect(readJsonl([text], options));

describe("readJsonl", () => {
  it("reads objects line by line, skipping blank lines, with CRLF and a BOM", async () => {
    expect(await read(JSONL)).toEqual(ROWS);
  });

  it("reads a file, and chunks split at every byte boundary", async () => {
    const file = join(dir, "rows.jsonl");
    await writeFile(file, JSONL);
    expect(await collect(readJsonl(file))).toEqual(ROWS);
    const bytes = new TextEncoder().encode(JSONL);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(await collect(readJsonl(asyncChunks(splitAt(bytes, cut))))).toEqual(ROWS);
    }
  });

  it("uses textField, labelField, labelMap, label modes and limit", async () => {
    const text = '{"review":"good","sentiment":"positive"}\n{"review":"bad","sentiment":"negative"}\n';
    const options = { textField: "review", labelField: "sentiment", labelMap: { positive: 1, negative: 0 } };
    expect(await read(text, options)).toEqual([
      { text: "good", label: 1 },
      { text: "bad", label: 0 },
    ]);
    expect(await read(text, { ...options, limit: 1 })).toEqual([{ text: "good", label: 1 }]);
    expect((await read('{"text":"a","label":1}\n', { labels: "string" }))[0].label).toBe("1");
    expect((await read('{"text":"a","label":"2"}\n', { labels: "number" }))[0].label).toBe(2);
    expect((await read('{"text":"a","label":1}\n', { labelMap: { "1": "pos" } }))[0].label).toBe("pos");
  });

  it("names the line of bad JSON and of bad rows", async () => {
    const bad = await expectError(read('{"text":"a","label":1}\n\n{"text": oops}\n'), "INVALID_PARAMETER_VALUE", "line 3", "invalid JSON");
    expect(bad.cause).toBeInstanceOf(SyntaxError);
    await expectError(read('{"text":"a","label":1}\n[1,2]\n'), "INVALID_PARAMETER_VALUE", "line 2", "expected a JSON object, got array");
    await expectError(read('{"text":5,"label":1}\n'), "INVALID_PARAMETER_VALUE", "line 1", '"text" must be a string, got number');
    await expectError(read('{"text":"a"}\n'), "INVALID_PARAMETER_VALUE", "line 1", "missing or empty label");
    await expectError(read('{"text":"a","label":true}\n'), "INVALID_PARAMETER_VALUE", "line 1", "label must be a string or a number, got boolean");
    await expectError(read('{"text":"a","label":"x"}\n', { labelMap: { pos: 1 } }), "INVALID_PARAMETER_VALUE", "line 1", '"x" is not in labelMap');
    await expectError(collect(readJsonl(join(dir, "missing.jsonl"))), "RESOURCE_DOES_NOT_EXIST", "missing.jsonl");
  });
});
