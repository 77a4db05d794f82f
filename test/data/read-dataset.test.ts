import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect, readDataset } from "../../src/entries/data.js";
import { expectError } from "./helpers.js";

const EXPECTED = [
  { text: "good, fine", label: 1 },
  { text: "bad", label: 0 },
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "senti-data-dataset-"));
  await writeFile(join(dir, "a.csv"), 'text,label\n"good, fine",1\nbad,0\n');
  await writeFile(join(dir, "a.TSV"), "text\tlabel\ngood, fine\t1\nbad\t0\n");
  const jsonl = '{"text":"good, fine","label":1}\n{"text":"bad","label":0}\n';
  await writeFile(join(dir, "a.jsonl"), jsonl);
  await writeFile(join(dir, "a.ndjson"), jsonl);
  await writeFile(join(dir, "a.json"), "[]");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("readDataset", () => {
  it.each(["a.csv", "a.TSV", "a.jsonl", "a.ndjson"])("reads %s by its extension", async (name) => {
    expect(await collect(readDataset(join(dir, name)))).toEqual(EXPECTED);
  });

  it("accepts a file: URL and passes options on", async () => {
    expect(await collect(readDataset(pathToFileURL(join(dir, "a.csv")), { limit: 1 }))).toEqual(EXPECTED.slice(0, 1));
  });

  it("lists the supported extensions for any other one", async () => {
    await expectError(
      (async () => readDataset(join(dir, "a.json")))(),
      "INVALID_PARAMETER_VALUE",
      '".json"',
      ".csv, .tsv, .jsonl, .ndjson",
    );
  });
});
