/**
 * The training intake on real files: every label it refuses is named by file, line and value, and
 * a label set that is probably not what was meant (a stray class) is refused with the count of
 * every class, unless `allowRareClasses` says it is meant.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect, readCsv, readDataset, readJsonl } from "../../src/entries/data.js";
import { isSentiMlopsError, type SentiMlopsError } from "../../src/errors.js";
import { trainTfidf } from "../../src/index.js";
import type { LabeledText } from "../../src/types.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "senti-intake-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const POSITIVE = ["great", "wonderful", "loved", "superb", "moving", "fun"];
const NEGATIVE = ["awful", "boring", "hated", "dull", "clumsy", "tedious"];

/** `n` texts alternating negative (label 0) and positive (label 1), as CSV lines "text,label". */
function balancedRows(n: number): [string, string][] {
  return Array.from({ length: n }, (_, i) => {
    const words = i % 2 === 1 ? POSITIVE : NEGATIVE;
    return [`${words[i % 6]} ${words[(i + 1) % 6]} film number ${i}`, String(i % 2)];
  });
}

async function writeCsv(name: string, rows: [string, string][]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `text,label\n${rows.map(([t, l]) => `${t},${l}`).join("\n")}\n`);
  return path;
}

async function refusal(promise: Promise<unknown>): Promise<SentiMlopsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isSentiMlopsError(error)) throw new Error(`expected a SentiMlopsError, got ${String(error)}`);
  expect(error.code).toBe("INVALID_PARAMETER_VALUE");
  expect(error.component).toBe("tfidf");
  return error;
}

/** Trains on the file twice, streamed and collected first: both name the same line. */
async function bothWays(path: string, options: Parameters<typeof trainTfidf>[1] = {}, read = readDataset): Promise<string> {
  const streamed = await refusal(trainTfidf(read(path), { threads: 1, ...options }));
  const collected = await refusal(trainTfidf(await collect(read(path)), options));
  expect(collected.message).toBe(streamed.message);
  return streamed.message;
}

describe("label refusals name the file, the line and the value", () => {
  it("0, 1 and a stray 1.5 (was: labels must be all numbers or all strings, found both)", async () => {
    const rows = balancedRows(40);
    rows[5]![1] = "1.5"; // line 7: the header is line 1
    const path = await writeCsv("decimal.csv", rows);
    const message = await bothWays(path);
    expect(message).toMatch(
      new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} line 7: label "1\\.5" is not an integer class id, but the labels before it are class ids \\(0 at line 2\\)`),
    );
    expect(message).toContain("labels must be all class ids (integers 0, 1, 2, …) or all class names (strings)");
  });

  it("-1/1 labels: -1 is not a class id, and the message says how to map them", async () => {
    const rows = balancedRows(20).map(([t, l]): [string, string] => [t, l === "0" ? "-1" : "1"]);
    const path = await writeCsv("signs.csv", rows);
    const message = await bothWays(path);
    expect(message).toMatch(/ line 2: label -1 is not a class id: class ids are 0, 1, 2, …; map other values to class ids first/);
    expect(message).toContain('labelMap: { "-1": 0, "1": 1 }');
    // The way out it names works.
    const { model } = await trainTfidf(readCsv(path, { labelMap: { "-1": 0, "1": 1 } }));
    expect(model.labels).toEqual(["Negative", "Positive"]);
  });

  it("a class id after names, and a name after class ids, name both rows", async () => {
    const names = balancedRows(10).map(([t, l]): [string, string] => [t, l === "1" ? "pos" : "neg"]);
    names[6]![1] = "1";
    const path = await writeCsv("names-then-id.csv", names);
    expect(await bothWays(path)).toMatch(/ line 8: label 1 is a class id, but the labels before it are names \("neg" at line 2\)/);
    const jsonl = join(dir, "id-then-name.jsonl");
    await writeFile(jsonl, '{"text":"great","label":1}\n{"text":"dull","label":0}\n{"text":"meh","label":"neutral"}\n');
    expect(await bothWays(jsonl)).toMatch(/id-then-name\.jsonl line 3: label "neutral" is a name, but the labels before it are class ids \(1 at line 1\)/);
  });

  it("a JSON label that is a fraction, a negative number or not a label at all", async () => {
    const path = join(dir, "values.jsonl");
    await writeFile(path, '{"text":"great","label":1}\n\n{"text":"dull","label":0.5}\n');
    expect(await bothWays(path)).toMatch(/values\.jsonl line 3: label 0\.5 is not a class id: class ids are integers 0, 1, 2, …/);
    // A boolean label: the reader names it first (with line), before training sees it.
    await writeFile(path, '{"text":"great","label":1}\n{"text":"dull","label":true}\n');
    const error = await collect(readJsonl(path)).catch((e: SentiMlopsError) => e);
    expect((error as SentiMlopsError).message).toMatch(/values\.jsonl line 2: label must be a string or a number, got boolean/);
    // Rows built in code are named by index.
    const bad = await refusal(trainTfidf([{ text: "a", label: 1 }, { text: "b", label: true } as unknown as LabeledText]));
    expect(bad.message).toBe("data[1].label must be a class id (an integer 0, 1, 2, …) or a class name (a string), got boolean");
  });

  it("a label labelNames does not name", async () => {
    const rows = balancedRows(30);
    rows[20]![1] = "2";
    rows[21]![1] = "2";
    const path = await writeCsv("unnamed.csv", rows);
    expect(await bothWays(path, { labelNames: ["bad", "good"] })).toMatch(/unnamed\.csv line 22: label 2 has no name: labelNames lists 2 names, for class ids 0 to 1/);
    const names = balancedRows(6).map(([t, l]): [string, string] => [t, l === "1" ? "pos" : "neg"]);
    names[4]![1] = "nix";
    const message = await bothWays(await writeCsv("strings.csv", names), { labelNames: ["neg", "pos"] });
    expect(message).toMatch(/strings\.csv line 6: label "nix" is not in labelNames \["neg","pos"\]/);
  });

  it("a single class, with its count", async () => {
    const path = await writeCsv("one.csv", balancedRows(9).map(([t]): [string, string] => [t, "1"]));
    expect(await bothWays(path)).toBe("training data needs at least two classes, found 1: all 9 rows have label 1");
  });

  it("validation labels that were not trained, by file and line", async () => {
    const train = await writeCsv("train.csv", balancedRows(20));
    const test = await writeCsv("test.csv", [["great fun", "1"], ["dull", "0"], ["who knows", "2"]]);
    const error = await refusal(trainTfidf(await collect(readCsv(train)), { validation: await collect(readCsv(test)) }));
    expect(error.message).toBe(`${test} line 4: label 2 is not one of the trained labels ("Negative", "Positive" or class ids 0 to 1)`);
  });

  it("rows copied by spread lose their line and are named by index", async () => {
    const rows = balancedRows(10);
    rows[3]![1] = "x";
    const path = await writeCsv("copied.csv", rows);
    const copied = (await collect(readCsv(path))).map((r) => ({ ...r }));
    const error = await refusal(trainTfidf(copied));
    expect(error.message).toMatch(/^data\[3\]: label "x" is a name, but the labels before it are class ids \(0 at data\[0\]\)/);
  });
});

describe("a label set that is probably not what was meant", () => {
  /** 0/1 rows with `stray` rows of label 2 at the given 0-based row indices. */
  async function strayFile(name: string, n: number, strays: number[]): Promise<string> {
    const rows = balancedRows(n);
    for (const i of strays) rows[i]![1] = "2";
    return writeCsv(name, rows);
  }

  it("is refused before training, with the count of every class and the first row of the rare one", async () => {
    const path = await strayFile("stray.csv", 1000, [537]);
    const events: string[] = [];
    const error = await refusal(trainTfidf(readCsv(path), { threads: 1, onProgress: (e) => events.push(e.phase) }));
    expect(error.message).toBe(
      `the labels look unintended: class 2 (1 row, first at ${path} line 539) has under 1% of the 500 rows of the largest class, 0, ` +
        `which usually means a stray or mistyped label (or the wrong label column). Label counts of the 1,000 rows: 0: 500, 1: 499, 2: 1. ` +
        `Fix or drop those rows, or set allowRareClasses: true to train all 3 classes anyway (senti-mlops train: --allow-rare-classes)`,
    );
    expect(events, "nothing was fitted").not.toContain("optimizing");
  });

  it("allowRareClasses trains all the classes", async () => {
    const path = await strayFile("stray-allowed.csv", 1000, [537]);
    const { model } = await trainTfidf(readCsv(path), { allowRareClasses: true });
    expect(model.labels).toEqual(["0", "1", "2"]);
    await expect(trainTfidf(readCsv(path), { allowRareClasses: "yes" as never })).rejects.toThrow("allowRareClasses must be a boolean, got string");
  });

  it("a class id no row has (0 and 2, no 1) and a labelNames entry no row has", async () => {
    const rows = balancedRows(20).map(([t, l]): [string, string] => [t, l === "1" ? "2" : "0"]);
    const gap = await writeCsv("gap.csv", rows);
    expect(await bothWays(gap)).toMatch(/class 1 \(0 rows: no row has this class id, yet ids go up to 2\)/);
    const named = await writeCsv("named.csv", balancedRows(20));
    const message = await bothWays(named, { labelNames: ["neg", "pos", "neutral"] });
    expect(message).toMatch(/class 2 "neutral" \(0 rows: named by labelNames, but no row has it\)/);
    expect(message).toContain('Label counts of the 20 rows: 0 "neg": 10, 1 "pos": 10, 2 "neutral": 0.');
  });

  it("several rare classes among many (the wrong column picked as label) are listed, then summarized", async () => {
    const path = join(dir, "wrong-column.csv");
    const rows = balancedRows(600);
    await writeFile(path, `text,label,id\n${rows.map(([t, l], i) => `${t},${l},${i % 3 === 0 ? "common" : `id${i}`}`).join("\n")}\n`);
    const message = await bothWays(path, {}, (p) => readCsv(p, { labelColumn: "id" }));
    expect(message).toMatch(/^the labels look unintended: classes "id1" \(1 row, first at .* line 3\), /);
    expect(message).toMatch(/ and 390 more have under 1% of the 200 rows of the largest class, "common",/);
    expect(message).toMatch(/, … \(389 more classes\)\. Fix or drop/);
  });

  it("a small class that is not rare (2% of the largest) trains without the option", async () => {
    const path = await strayFile("small.csv", 1000, Array.from({ length: 10 }, (_, i) => 100 + i * 7));
    const { model } = await trainTfidf(readCsv(path));
    expect(model.labels).toEqual(["0", "1", "2"]);
  });
});
