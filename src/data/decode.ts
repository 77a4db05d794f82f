/**
 * Strict decoding of data files: bytes that are not valid in the file's encoding are an error
 * naming the file, the line and the byte offset, never silently replaced by U+FFFD (which would
 * let a Latin-1 file train a model on mangled words without anyone noticing).
 *
 * @module
 */

import { isUtf8 } from "node:buffer";
import { SentiMlopsError, describeType } from "../errors.js";
import { describeLine } from "./row-origin.js";
import { rawSourceChunks } from "./source.js";
import type { DataSource } from "./types.js";

/**
 * The single-byte encodings of the WHATWG Encoding Standard (their canonical names, as
 * `TextDecoder.encoding` reports them). Only these and UTF-8 are accepted: in all of them a byte
 * 0x0A is a line feed and nothing else, so lines can be counted on the raw bytes, and a byte that
 * does not decode can be pinned down on its own. (`"latin1"` and `"iso-8859-1"` are labels of
 * `"windows-1252"`, as in every browser.)
 */
const SINGLE_BYTE = new Set([
  "ibm866", "iso-8859-2", "iso-8859-3", "iso-8859-4", "iso-8859-5", "iso-8859-6", "iso-8859-7", "iso-8859-8",
  "iso-8859-8-i", "iso-8859-10", "iso-8859-13", "iso-8859-14", "iso-8859-15", "iso-8859-16", "koi8-r", "koi8-u",
  "macintosh", "windows-874", "windows-1250", "windows-1251", "windows-1252", "windows-1253", "windows-1254",
  "windows-1255", "windows-1256", "windows-1257", "windows-1258", "x-mac-cyrillic",
]);

/**
 * Windows-1252's bytes 0x80–0x9f, as the WHATWG index maps them (five undefined bytes keep their
 * C1 code points). Node 20.18.3 and later 20.x releases decode "windows-1252" as ISO-8859-1, giving
 * C1 controls instead of "€", curly quotes and dashes (nodejs/node#60888), so the decoded text is
 * mapped through this table; on a runtime that decodes correctly the text has no C1 characters
 * left but those five, which map to themselves.
 */
const WINDOWS_1252_C1 = String.fromCharCode(
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
);
const C1 = /[\x80-\x9f]/g;
const fromC1 = (c: string): string => WINDOWS_1252_C1[c.charCodeAt(0) - 0x80]!;

/**
 * Checks an `encoding` option and returns its canonical name: `"utf-8"` (the default) or a
 * single-byte encoding such as `"windows-1252"` (also spelled `"latin1"` or `"iso-8859-1"`).
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` for a name `TextDecoder` does not know, or a
 *   multi-byte encoding other than UTF-8 (UTF-16, Shift_JIS, GB18030 …: convert such files first).
 *
 * @example
 * ```ts
 * resolveEncoding(undefined); // "utf-8"
 * resolveEncoding("latin1");  // "windows-1252"
 * ```
 */
export function resolveEncoding(encoding: unknown): string {
  if (encoding === undefined) return "utf-8";
  if (typeof encoding !== "string") {
    throw SentiMlopsError.invalidParameterValue(`encoding must be a string such as "utf-8" or "windows-1252", got ${describeType(encoding)}`, { component: "data" });
  }
  let canonical: string;
  try {
    canonical = new TextDecoder(encoding).encoding;
  } catch {
    throw SentiMlopsError.invalidParameterValue(
      `encoding ${JSON.stringify(encoding)} is not an encoding this runtime knows; use "utf-8" or a single-byte encoding such as "windows-1252" (Latin-1)`,
      { component: "data" },
    );
  }
  if (canonical !== "utf-8" && !SINGLE_BYTE.has(canonical)) {
    throw SentiMlopsError.invalidParameterValue(
      `encoding ${JSON.stringify(encoding)} (${canonical}) is not supported: data files must be UTF-8 or a single-byte encoding such as "windows-1252"; convert the file to UTF-8 first (e.g. with iconv)`,
      { component: "data" },
    );
  }
  return canonical;
}

/**
 * Where the reader is in the file: bytes and line feeds seen so far, for error messages.
 */
class Position {
  /** Bytes before the current chunk. */
  offset = 0;
  /** Line feeds before the current chunk. */
  lineFeeds = 0;
  /** Offset just after the last line feed before the current chunk (start of the current line). */
  lineStart = 0;

  constructor(private readonly name: string | undefined) {}

  /** Counts the line feeds of `bytes`, which start at `this.offset`, and moves past them. */
  advance(bytes: Uint8Array): void {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = buffer.indexOf(10); i >= 0; i = buffer.indexOf(10, i + 1)) {
      this.lineFeeds++;
      this.lineStart = this.offset + i + 1;
    }
    this.offset += bytes.length;
  }

  /** The error for an undecodable sequence at `index` of `bytes` (which start at `this.offset`). */
  error(bytes: Uint8Array, index: number, length: number, encoding: string, truncated: boolean): SentiMlopsError {
    this.advance(bytes.subarray(0, index));
    const hex = [...bytes.subarray(index, index + length)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
    const where = `${describeLine(this.name, this.lineFeeds + 1)}, byte offset ${this.offset} (byte ${this.offset - this.lineStart + 1} of the line)`;
    const what = truncated ? `the file ends inside a UTF-8 sequence (bytes ${hex})` : `invalid ${encoding === "utf-8" ? "UTF-8" : encoding} (bytes ${hex})`;
    const hint =
      encoding === "utf-8"
        ? `; if the file is not UTF-8, say which encoding it is with the encoding option, e.g. encoding: "windows-1252" for Latin-1 (senti-mlops train: --encoding windows-1252)`
        : "";
    return SentiMlopsError.invalidParameterValue(`${where}: ${what}${hint}`, { component: "data" });
  }
}

/** Number of bytes at the end of `bytes` that start a UTF-8 sequence the chunk does not finish. */
function unfinishedTail(bytes: Uint8Array): number {
  for (let k = 1; k <= Math.min(3, bytes.length); k++) {
    const b = bytes[bytes.length - k]!;
    if (b >= 0x80 && b < 0xc0) continue; // a continuation byte: look further back for its lead
    if (b < 0xc0) return 0; // ASCII: nothing pending
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    return need > k ? k : 0;
  }
  return 0;
}

/**
 * Index and length of the first invalid UTF-8 sequence in `bytes` (strict, as `TextDecoder` with
 * `fatal`: no overlong forms, no surrogates, nothing above U+10FFFF), or `[-1, 0]` when all is
 * valid up to an unfinished sequence at the end, whose index is then returned with `truncated`.
 */
function firstInvalidUtf8(bytes: Uint8Array): { index: number; length: number; truncated: boolean } {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min = 0x80;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) min = 0xa0; // overlong
      if (b === 0xed) max = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) min = 0x90; // overlong
      if (b === 0xf4) max = 0x8f; // above U+10FFFF
    } else return { index: i, length: 1, truncated: false };
    for (let j = 1; j <= need; j++) {
      if (i + j >= bytes.length) return { index: i, length: j, truncated: true };
      const c = bytes[i + j]!;
      const lo = j === 1 ? min : 0x80;
      const hi = j === 1 ? max : 0xbf;
      if (c < lo || c > hi) return { index: i, length: j + 1, truncated: false };
    }
    i += need + 1;
  }
  return { index: -1, length: 0, truncated: false };
}

/**
 * Yields the bytes of `source` unchanged after checking that they are valid UTF-8 (a sequence split
 * between chunks is fine). Text chunks (strings) pass as their UTF-8 bytes.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` naming `name` (when given), the 1-based
 *   line, the 0-based byte offset in the source and the offending bytes.
 *
 * @example
 * ```ts
 * for await (const bytes of utf8Chunks("./train.csv", "./train.csv")) parser.write(bytes);
 * ```
 */
export async function* utf8Chunks(source: DataSource, name: string | undefined): AsyncGenerator<Buffer> {
  const position = new Position(name);
  let carry: Buffer | undefined;
  for await (const chunk of rawSourceChunks(source)) {
    let bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    if (carry !== undefined) {
      bytes = Buffer.concat([carry, bytes]);
      carry = undefined;
    }
    const tail = unfinishedTail(bytes);
    const complete = tail > 0 ? bytes.subarray(0, bytes.length - tail) : bytes;
    if (!isUtf8(complete)) {
      const bad = firstInvalidUtf8(complete);
      throw position.error(complete, Math.max(0, bad.index), Math.max(1, bad.length), "utf-8", false);
    }
    position.advance(complete);
    if (tail > 0) carry = Buffer.from(bytes.subarray(bytes.length - tail));
    if (complete.length > 0) yield complete;
  }
  if (carry !== undefined) {
    const bad = firstInvalidUtf8(carry);
    throw position.error(carry, Math.max(0, bad.index), bad.index < 0 ? carry.length : bad.length, "utf-8", bad.truncated || bad.index < 0);
  }
}

/**
 * Yields the text of `source` decoded strictly from `encoding` (a canonical name from
 * {@link resolveEncoding}); a UTF-8 byte-order mark is dropped. Text chunks (strings) are text
 * already and pass unchanged.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` naming `name` (when given), the 1-based
 *   line, the 0-based byte offset and the bytes that do not decode.
 *
 * @example
 * ```ts
 * for await (const text of textChunks("./old.csv", "windows-1252", "./old.csv")) pending += text;
 * ```
 */
export async function* textChunks(source: DataSource, encoding: string, name: string | undefined): AsyncGenerator<string> {
  if (encoding === "utf-8") {
    const decoder = new TextDecoder("utf-8");
    for await (const bytes of utf8Chunks(source, name)) {
      const text = decoder.decode(bytes, { stream: true });
      if (text !== "") yield text;
    }
    const rest = decoder.decode();
    if (rest !== "") yield rest;
    return;
  }
  // Single-byte encodings: every byte decodes on its own, so chunks never split a character and a
  // failure is found by trying the chunk's bytes one by one.
  const decoder = new TextDecoder(encoding, { fatal: true });
  const position = new Position(name);
  for await (const chunk of rawSourceChunks(source)) {
    if (typeof chunk === "string") {
      if (chunk !== "") yield chunk;
      continue;
    }
    let text: string;
    try {
      text = decoder.decode(chunk);
    } catch {
      const index = chunk.findIndex((_, i) => {
        try {
          decoder.decode(chunk.subarray(i, i + 1));
          return false;
        } catch {
          return true;
        }
      });
      throw position.error(chunk, Math.max(0, index), 1, encoding, false);
    }
    position.advance(chunk);
    if (encoding === "windows-1252") text = text.replace(C1, fromC1);
    if (text !== "") yield text;
  }
}
