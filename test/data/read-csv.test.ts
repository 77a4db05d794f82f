import { createReadStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { CsvError } from "csv-parse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect, readCsv, readTsv, type LabeledText } from "../../src/entries/data.js";
import { asyncChunks, expectError, splitAt } from "./helpers.js";

const TRICKY = 'text,label\n"Hello, world",1\n"She said ""hi""",0\n"two\nlines, é",1\n';
const TRICKY_ROWS: LabeledText[] = [
  { text: "Hello, world", label: 1 },
  { text: 'She said "hi"', label: 0 },
  { text: "two\nlines, é", label: 1 },
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "senti-data-csv-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const read = (text: string, options?: Parameters<typeof readCsv>[1]) => collect(readCsv([text], options));

describe("readCsv parsing", () => {
  it("handles quoted delimiters, doubled quotes and embedded newlines", async () => {
    expect(await read(TRICKY)).toEqual(TRICKY_ROWS);
  });

  it("handles CRLF line endings, keeping CRLF inside quoted fields", async () => {
    const rows = await read('text,label\r\ngood,1\r\n"a\r\nb",0\r\n');
    expect(rows).toEqual([
      { text: "good", label: 1 },
      { text: "a\r\nb", label: 0 },
    ]);
  });

  it("strips a UTF-8 BOM so the first header is found", async () => {
    expect(await read("\uFEFFtext,label\nok,1\n")).toEqual([{ text: "ok", label: 1 }]);
    const bytes = Buffer.from("\uFEFFtext,label\nok,1\n");
    expect(await collect(readCsv(splitAt(bytes, 1, 2)))).toEqual([{ text: "ok", label: 1 }]);
  });

  it("skips blank lines and a missing final newline", async () => {
    expect(await read("text,label\n\na,1\n\nb,0")).toEqual([
      { text: "a", label: 1 },
      { text: "b", label: 0 },
    ]);
  });

  it("picks columns by name in any order, ignoring the others", async () => {
    const rows = await read("id,label,sentence\n7,0,bad\n8,1,good\n", { textColumn: "sentence" });
    expect(rows).toEqual([
      { text: "bad", label: 0 },
      { text: "good", label: 1 },
    ]);
  });

  it("reads TSV", async () => {
    const rows = await collect(readTsv(["sentence\tlabel\nfine, really\t1\n\"quoted\ttab\"\t0\n"], { textColumn: "sentence" }));
    expect(rows).toEqual([
      { text: "fine, really", label: 1 },
      { text: "quoted\ttab", label: 0 },
    ]);
  });

  it("can turn quoting off for files with bare quotes", async () => {
    const rows = await collect(readTsv(['text\tlabel\n"so-called" fun\t1\n'], { quote: false }));
    expect(rows).toEqual([{ text: '"so-called" fun', label: 1 }]);
  });

  it("uses column indexes without a header (default 0 and 1)", async () => {
    expect(await read("great,1\nbad,0\n", { header: false })).toEqual([
      { text: "great", label: 1 },
      { text: "bad", label: 0 },
    ]);
    expect(await read("pos,x,great\nneg,y,bad\n", { header: false, textColumn: 2, labelColumn: 0 })).toEqual([
      { text: "great", label: "pos" },
      { text: "bad", label: "neg" },
    ]);
  });

  it("maps labels with labelMap", async () => {
    const rows = await read("text,label\na,pos\nb,neg\n", { labelMap: { pos: 1, neg: 0 } });
    expect(rows).toEqual([
      { text: "a", label: 1 },
      { text: "b", label: 0 },
    ]);
    expect(await read("text,label\na,1\n", { labelMap: { "1": "positive" } })).toEqual([{ text: "a", label: "positive" }]);
  });

  it("converts labels by mode", async () => {
    const csv = "text,label\na,0\nb, 1 \nc,-2\nd,1.5\ne,pos\n";
    expect((await read(csv)).map((r) => r.label)).toEqual([0, 1, -2, "1.5", "pos"]);
    expect((await read(csv, { labels: "string" })).map((r) => r.label)).toEqual(["0", "1", "-2", "1.5", "pos"]);
    expect((await read("text,label\na,0\nd,1.5\n", { labels: "number" })).map((r) => r.label)).toEqual([0, 1.5]);
  });

  it("stops after limit rows", async () => {
    expect(await read(TRICKY, { limit: 2 })).toEqual(TRICKY_ROWS.slice(0, 2));
    expect(await read(TRICKY, { limit: 0 })).toEqual([]);
  });
});

describe("readCsv sources", () => {
  it("reads a path and a file: URL", async () => {
    const file = join(dir, "tricky.csv");
    await writeFile(file, TRICKY);
    expect(await collect(readCsv(file))).toEqual(TRICKY_ROWS);
    expect(await collect(readCsv(pathToFileURL(file)))).toEqual(TRICKY_ROWS);
  });

  it("reads a Node Readable", async () => {
    const file = join(dir, "readable.csv");
    await writeFile(file, TRICKY);
    expect(await collect(readCsv(createReadStream(file, { highWaterMark: 7 })))).toEqual(TRICKY_ROWS);
    expect(await collect(readCsv(Readable.from([TRICKY.slice(0, 20), TRICKY.slice(20)])))).toEqual(TRICKY_ROWS);
  });

  it("reads a web ReadableStream", async () => {
    const bytes = new TextEncoder().encode(TRICKY);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of splitAt(bytes, 5, 17, 40)) controller.enqueue(chunk);
        controller.close();
      },
    });
    expect(await collect(readCsv(stream))).toEqual(TRICKY_ROWS);
  });

  it("reads chunks split at every byte boundary (inside quoted fields and UTF-8 characters)", async () => {
    const bytes = new TextEncoder().encode(TRICKY);
    const inside = TRICKY.indexOf("é");
    const eAt = Buffer.byteLength(TRICKY.slice(0, inside));
    // the split inside the two-byte "é" and inside the quoted "Hello, world" are among these
    expect(await collect(readCsv(asyncChunks(splitAt(bytes, eAt + 1))))).toEqual(TRICKY_ROWS);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(await collect(readCsv(asyncChunks(splitAt(bytes, cut))))).toEqual(TRICKY_ROWS);
    }
    expect(await collect(readCsv(asyncChunks(Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)))))).toEqual(TRICKY_ROWS);
  });

  it("closes the source when iteration stops early", async () => {
    const stream = Readable.from(["text,label\n", "a,1\n", "b,0\n", "c,1\n"]);
    expect(await collect(readCsv(stream, { limit: 1 }))).toEqual([{ text: "a", label: 1 }]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.destroyed).toBe(true);
  });
});

describe("readCsv errors", () => {
  it("names a missing column and lists the header", async () => {
    await expectError(read("sentence,label\na,1\n"), "INVALID_PARAMETER_VALUE", 'textColumn "text" not found', '["sentence", "label"]');
    await expectError(read("text,polarity\na,1\n"), "INVALID_PARAMETER_VALUE", 'labelColumn "label" not found', '["text", "polarity"]');
    await expectError(read("a,1\n", { header: false, labelColumn: 4 }), "INVALID_PARAMETER_VALUE", "labelColumn 4 is out of range", "2 column");
    await expectError(read("a,1\n", { header: false, textColumn: "text" }), "INVALID_PARAMETER_VALUE", "textColumn must be a column index");
  });

  it("names the line and value of a missing, empty or unmapped label", async () => {
    await expectError(read("text,label\na,1\nb,\n"), "INVALID_PARAMETER_VALUE", "line 3", "empty label", '""');
    // a multi-line record before the bad row still counts its lines
    await expectError(read('text,label\n"x\ny",1\n\nb,  \n'), "INVALID_PARAMETER_VALUE", "line 5", "empty label");
    await expectError(read("text,label\na,pos\nb,meh\n", { labelMap: { pos: 1, neg: 0 } }), "INVALID_PARAMETER_VALUE", "line 3", '"meh"', "labelMap", '"pos", "neg"');
    await expectError(read("text,label\na,x\n", { labels: "number" }), "INVALID_PARAMETER_VALUE", "line 2", '"x" is not a number');
  });

  it("reports a missing file as RESOURCE_DOES_NOT_EXIST naming the path", async () => {
    const missing = join(dir, "nope.csv");
    await expectError(collect(readCsv(missing)), "RESOURCE_DOES_NOT_EXIST", missing);
  });

  it("reports malformed CSV with the parser's line and cause", async () => {
    const unclosed = await expectError(read('text,label\na,1\n"open,1\n'), "INVALID_PARAMETER_VALUE", "malformed CSV at line 3", "Quote Not Closed");
    expect(unclosed.cause).toBeInstanceOf(CsvError);
    const ragged = await expectError(read("text,label\na,1\nb\n"), "INVALID_PARAMETER_VALUE", "malformed CSV at line 3", "Invalid Record Length");
    expect(ragged.cause).toBeInstanceOf(CsvError);
    await expectError(read('text,label\na"b,1\n'), "INVALID_PARAMETER_VALUE", "malformed CSV at line 2");
  });

  it("rejects bad options and sources", async () => {
    await expectError(read("text,label\n", { delimiter: "" }), "INVALID_PARAMETER_VALUE", "delimiter");
    await expectError(read("text,label\n", { limit: -1 }), "INVALID_PARAMETER_VALUE", "limit");
    await expectError(read("text,label\n", { labels: "bool" as never }), "INVALID_PARAMETER_VALUE", "labels must be one of");
    await expectError(collect(readCsv(new URL("https://example.org/a.csv"))), "INVALID_PARAMETER_VALUE", "file: URL");
    await expectError(collect(readCsv(42 as never)), "INVALID_PARAMETER_VALUE", "source must be", "number");
    await expectError(collect(readCsv([{}] as never)), "INVALID_PARAMETER_VALUE", "chunks must be strings or Uint8Arrays");
    await expectError(collect(readCsv(dir)), "INVALID_PARAMETER_VALUE", "directory");
  });
});
