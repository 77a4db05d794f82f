/**
 * Strict decoding of data files: invalid UTF-8 is an error naming the file, the line and the byte
 * offset (also when the bad bytes straddle two read chunks), a character split between chunks is
 * not an error, and files in a single-byte encoding read correctly with `encoding`.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect, readCsv, readDataset, readJsonl } from "../../src/entries/data.js";
import { utf8Chunks } from "../../src/data/decode.js";
import { rowOrigin } from "../../src/data/row-origin.js";
import { expectError, splitAt } from "./helpers.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "senti-data-encoding-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Node's file streams read 64 KiB at a time: bytes placed around this offset straddle two chunks. */
const CHUNK = 64 * 1024;

/**
 * A CSV file whose body is ASCII rows, then `bad` placed so that its first byte is at `offset`
 * exactly; returns the path and the 1-based line of the bad bytes.
 */
async function csvWithBytesAt(name: string, offset: number, bad: number[]): Promise<{ path: string; line: number }> {
  const header = Buffer.from("text,label\n");
  const rows: Buffer[] = [header];
  let size = header.length;
  let line = 2;
  // Fill with 20-byte rows ("row 000001 is fine,1\n") until the next row would pass `offset`.
  for (let i = 0; size + 20 <= offset - 10; i++, line++) {
    const row = Buffer.from(`row ${String(i).padStart(6, "0")} is fine,${i % 2}\n`);
    rows.push(row);
    size += row.length;
  }
  const pad = Buffer.from("x".repeat(offset - size));
  rows.push(pad, Buffer.from(bad), Buffer.from(" tail,1\nafter,0\n"));
  const path = join(dir, name);
  await writeFile(path, Buffer.concat(rows));
  return { path, line };
}

describe("invalid UTF-8 is an error naming the file, the line and the byte offset", () => {
  it("in a CSV file (a Latin-1 é in the middle of a line)", async () => {
    const path = join(dir, "latin1.csv");
    // Line 3 starts at byte 11 + 12 = 23; "caf" puts the é (0xe9) at byte 26.
    await writeFile(path, Buffer.concat([Buffer.from("text,label\ngood film,1\ncaf"), Buffer.from([0xe9]), Buffer.from(" noir,0\n")]));
    const error = await expectError(collect(readCsv(path)), "INVALID_PARAMETER_VALUE");
    expect(error.message).toBe(
      `${path} line 3, byte offset 26 (byte 4 of the line): invalid UTF-8 (bytes e9 20); ` +
        `if the file is not UTF-8, say which encoding it is with the encoding option, e.g. encoding: "windows-1252" for Latin-1 (senti-mlops train: --encoding windows-1252)`,
    );
    expect(error.component).toBe("data");
    expect(error.httpStatus).toBe(400);
  });

  it("in a JSONL file", async () => {
    const path = join(dir, "bad.jsonl");
    const first = '{"text":"fine","label":1}\n';
    await writeFile(path, Buffer.concat([Buffer.from(first + '{"text":"na'), Buffer.from([0xef, 0xbf]), Buffer.from('ve","label":0}\n')]));
    await expectError(collect(readJsonl(path)), "INVALID_PARAMETER_VALUE", `${path} line 2, byte offset ${first.length + 11} `, "invalid UTF-8 (bytes ef bf 76)");
  });

  it("across the boundary between two read chunks, at the right line and offset", async () => {
    // E2 82 is the start of "€" (E2 82 AC), cut short by "A": the lead byte is the last of the
    // first 64 KiB chunk, so the decoder sees the bad sequence only with the next chunk.
    const { path, line } = await csvWithBytesAt("straddle.csv", CHUNK - 1, [0xe2, 0x82, 0x41]);
    await expectError(collect(readCsv(path)), "INVALID_PARAMETER_VALUE", `${path} line ${line}, byte offset ${CHUNK - 1} `, "(bytes e2 82 41)");
    const jsonlLines = [...Array(3000).keys()].map((i) => JSON.stringify({ text: `row ${i}`, label: i % 2 })).join("\n");
    const jsonl = Buffer.from(`${jsonlLines}\n`);
    const cut = jsonl.indexOf("row 2999");
    const withBad = Buffer.concat([jsonl.subarray(0, cut), Buffer.from([0xc3]), jsonl.subarray(cut)]);
    const pieces = splitAt(withBad, cut + 1); // 0xc3 ends the first piece; "r" follows in the second
    await expectError(collect(readJsonl(pieces)), "INVALID_PARAMETER_VALUE", `line 3000, byte offset ${cut} `, "(bytes c3 72)");
  });

  it("a file that ends inside a character", async () => {
    const path = join(dir, "truncated.csv");
    await writeFile(path, Buffer.concat([Buffer.from("text,label\nok,1\nna"), Buffer.from([0xf0, 0x9f, 0x98])]));
    await expectError(collect(readCsv(path)), "INVALID_PARAMETER_VALUE", `${path} line 3, byte offset 18 `, "the file ends inside a UTF-8 sequence (bytes f0 9f 98)");
  });

  it("overlong forms and UTF-16 surrogates, as TextDecoder refuses them", async () => {
    for (const bad of [[0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xff]]) {
      const bytes = Buffer.concat([Buffer.from("text,label\nx"), Buffer.from(bad), Buffer.from(",1\n")]);
      await expectError(collect(readCsv([bytes])), "INVALID_PARAMETER_VALUE", "line 2, byte offset 12 ");
    }
  });

  it("agrees with TextDecoder on random bytes split at random points: same verdict, same offset", async () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pool = [0x41, 0x0a, 0x80, 0x9f, 0xa0, 0xbf, 0xc2, 0xc3, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5];
    let invalid = 0;
    for (let trial = 0; trial < 400; trial++) {
      const bytes = Uint8Array.from({ length: 1 + random(12) }, () => pool[random(pool.length)]!);
      const cuts = [...new Set([random(bytes.length + 1), random(bytes.length + 1)])].sort((a, b) => a - b);
      // The offset of the first bad sequence: the longest prefix that decodes completely, before
      // the byte at which a streaming strict decoder first fails.
      let expected = -1;
      const streaming = new TextDecoder("utf-8", { fatal: true });
      for (let k = 1; k <= bytes.length && expected < 0; k++) {
        try {
          streaming.decode(bytes.subarray(k - 1, k), { stream: k < bytes.length });
        } catch {
          for (let p = k - 1; p >= 0 && expected < 0; p--) {
            try {
              new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, p));
              expected = p;
            } catch {
              // keep looking further back
            }
          }
        }
      }
      const result = await collect(utf8Chunks(splitAt(bytes, ...cuts), "t")).then(
        (chunks) => ({ ok: true as const, bytes: Buffer.concat(chunks) }),
        (e: Error) => ({ ok: false as const, message: e.message }),
      );
      const context = `bytes ${Buffer.from(bytes).toString("hex")} cut at ${cuts.join(",")}`;
      if (expected < 0) {
        expect(result.ok, context).toBe(true);
        if (result.ok) expect(Buffer.compare(result.bytes, bytes), context).toBe(0);
      } else {
        invalid++;
        expect(result.ok, context).toBe(false);
        if (!result.ok) expect(result.message, context).toMatch(new RegExp(`, byte offset ${expected} `));
      }
    }
    expect(invalid, "the random bytes include both valid and invalid strings").toBeGreaterThan(50);
    expect(invalid).toBeLessThan(400);
  });
});

describe("valid UTF-8 split between chunks", () => {
  it("is read whole wherever the chunks split a character", async () => {
    const text = "text,label\nnaïve café €5 😀,1\n";
    const bytes = Buffer.from(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(await collect(readCsv(splitAt(bytes, cut))), `cut at ${cut}`).toEqual([{ text: "naïve café €5 😀", label: 1 }]);
      expect(await collect(readJsonl(splitAt(Buffer.from('{"text":"naïve 😀","label":0}\n'), Math.min(cut, 20)))), `cut at ${cut}`).toEqual([
        { text: "naïve 😀", label: 0 },
      ]);
    }
  });

  it("in a file, a 4-byte character across the 64 KiB read boundary", async () => {
    const { path, line } = await csvWithBytesAt("emoji.csv", CHUNK - 2, [0xf0, 0x9f, 0x98, 0x80]);
    const rows = await collect(readCsv(path));
    const row = rows.find((r) => r.text.includes("😀"));
    expect(row?.text).toMatch(/^x*😀 tail$/);
    expect(rowOrigin(row)).toEqual({ source: path, line });
  });
});

describe("the encoding option", () => {
  it("reads a Latin-1 file correctly, CSV and JSONL, as latin1, iso-8859-1 or windows-1252", async () => {
    const csv = join(dir, "old.csv");
    const jsonl = join(dir, "old.jsonl");
    await writeFile(csv, Buffer.from("text,label\ncafé crème,1\nnaïve façade,0\n", "latin1"));
    await writeFile(jsonl, Buffer.from('{"text":"déjà vu","label":"gut"}\n{"text":"¿qué?","label":"schlecht"}\n', "latin1"));
    for (const encoding of ["latin1", "iso-8859-1", "windows-1252", "Windows-1252"]) {
      expect(await collect(readCsv(csv, { encoding }))).toEqual([
        { text: "café crème", label: 1 },
        { text: "naïve façade", label: 0 },
      ]);
      expect(await collect(readDataset(jsonl, { encoding }))).toEqual([
        { text: "déjà vu", label: "gut" },
        { text: "¿qué?", label: "schlecht" },
      ]);
    }
    await expectError(collect(readCsv(csv)), "INVALID_PARAMETER_VALUE", `${csv} line 2, byte offset 14 `);
  });

  it("maps Windows-1252's 0x80–0x9f (€, smart quotes) and reads text chunks as text", async () => {
    const bytes = Buffer.concat([Buffer.from("text,label\n"), Buffer.from([0x93]), Buffer.from("5 "), Buffer.from([0x80, 0x94]), Buffer.from(",1\n")]);
    expect(await collect(readCsv(splitAt(bytes, 12, 15), { encoding: "windows-1252" }))).toEqual([{ text: "\u201c5 €\u201d", label: 1 }]);
    expect(await collect(readCsv(["text,label\n", "€ and é as text,0\n"], { encoding: "windows-1252" }))).toEqual([{ text: "€ and é as text", label: 0 }]);
    const web = new ReadableStream<string | Uint8Array>({
      start(controller) {
        controller.enqueue("text,label\nçà et là,1\n");
        controller.enqueue(Buffer.from("là-bas,0\n", "latin1"));
        controller.close();
      },
    });
    expect(await collect(readCsv(web, { encoding: "latin1" }))).toEqual([
      { text: "çà et là", label: 1 },
      { text: "là-bas", label: 0 },
    ]);
  });

  it("still refuses bytes a single-byte encoding does not define, naming the line and offset", async () => {
    // ISO-8859-3 leaves 0xa5 undefined.
    const bytes = Buffer.concat([Buffer.from("text,label\nfine,1\nab"), Buffer.from([0xa5]), Buffer.from(",0\n")]);
    await expectError(collect(readCsv([bytes], { encoding: "iso-8859-3" })), "INVALID_PARAMETER_VALUE", "line 3, byte offset 20 ", "invalid iso-8859-3 (bytes a5)");
  });

  it("rejects unknown and multi-byte encodings by name", async () => {
    await expectError(collect(readCsv(["text,label\n"], { encoding: "klingon" })), "INVALID_PARAMETER_VALUE", 'encoding "klingon" is not an encoding this runtime knows');
    await expectError(collect(readJsonl(["{}"], { encoding: "utf-16le" })), "INVALID_PARAMETER_VALUE", 'encoding "utf-16le" (utf-16le) is not supported');
    await expectError(collect(readCsv(["text,label\n"], { encoding: 8 as never })), "INVALID_PARAMETER_VALUE", "encoding must be a string");
  });
});

describe("rows remember their file and line, invisibly", () => {
  it("CSV (multi-line quoted fields, blank lines) and JSONL", async () => {
    const csv = join(dir, "origin.csv");
    await writeFile(csv, 'text,label\n"two\nlines",1\n\nnext,0\n');
    const rows = await collect(readCsv(csv));
    expect(rows.map((r) => rowOrigin(r))).toEqual([
      { source: csv, line: 2 },
      { source: csv, line: 5 },
    ]);
    expect(rows).toEqual([
      { text: "two\nlines", label: 1 },
      { text: "next", label: 0 },
    ]);
    expect(JSON.stringify(rows[0])).toBe('{"text":"two\\nlines","label":1}');
    expect(Object.keys(rows[0]!)).toEqual(["text", "label"]);
    expect(rowOrigin({ ...rows[0]! }), "a copy is a new row").toBeUndefined();
    const fromStream = await collect(readJsonl(['{"text":"a","label":1}\n\n{"text":"b","label":0}\n']));
    expect(fromStream.map((r) => rowOrigin(r))).toEqual([
      { source: undefined, line: 1 },
      { source: undefined, line: 3 },
    ]);
  });
});
