/**
 * Reading README.md for test/docs/readme.test.ts: its fenced code blocks (with the
 * `<!-- readme-test: … -->` marker above a block, if any), the values its comments say a line
 * prints, and the benchmark-like figures of its prose.
 */

export interface CodeBlock {
  /** The info string's first word (`ts`, `sh`, …); "" for a bare fence. */
  readonly lang: string;
  readonly code: string;
  /** 1-based line of the opening fence in README.md. */
  readonly line: number;
  /** The nearest heading above the block. */
  readonly heading: string;
  /** The marker's settings, e.g. `<!-- readme-test: prelude=train-test link=imdb:data/imdb -->`. */
  readonly marker: Marker;
}

export interface Marker {
  /** `key=value` settings; a key may repeat (`link=…`). */
  readonly settings: ReadonlyArray<readonly [string, string]>;
}

export function markerValues(marker: Marker, key: string): string[] {
  return marker.settings.filter(([k]) => k === key).map(([, v]) => v);
}

const MARKER = /^<!--\s*readme-test:(.*?)-->\s*$/;

/** Every fenced code block of a Markdown text (``` fences; no nesting in README.md). */
export function extractCodeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split("\n");
  const blocks: CodeBlock[] = [];
  let heading = "";
  for (let i = 0; i < lines.length; i++) {
    const h = /^#{1,6}\s+(.*)$/.exec(lines[i]);
    if (h) heading = h[1].trim();
    const open = /^(\s*)```(.*)$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    if (i >= lines.length) throw new Error(`README.md:${start + 1}: code fence never closed`);
    // The marker is the line right above the fence (a blank line between them is allowed).
    let m = start - 1;
    while (m >= 0 && lines[m].trim() === "") m--;
    const markerMatch = m >= 0 ? MARKER.exec(lines[m].trim()) : null;
    const settings: Array<[string, string]> = [];
    for (const token of (markerMatch?.[1] ?? "").trim().split(/\s+/).filter(Boolean)) {
      const eq = token.indexOf("=");
      if (eq < 0) settings.push([token, ""]);
      else settings.push([token.slice(0, eq), token.slice(eq + 1)]);
    }
    blocks.push({ lang: open[2].trim().split(/\s+/)[0] ?? "", code: body.join("\n"), line: start + 1, heading, marker: { settings } });
  }
  return blocks;
}

// ------------------------------------------------------------------------------------------------
// Printed values: `console.log(x); // 0.904` and `expr;` followed by `// → [...]`.

/** A value written in a comment: JSON-like, with unquoted keys and either quote; numbers keep their text. */
export type Expected =
  | { kind: "number"; value: number; raw: string }
  | { kind: "string"; value: string }
  | { kind: "literal"; value: boolean | null }
  | { kind: "array"; items: Expected[] }
  | { kind: "object"; entries: Array<[string, Expected]> };

export function parseExpected(text: string): Expected {
  let pos = 0;
  const src = text.trim();
  const fail = (what: string): never => {
    throw new Error(`cannot read ${JSON.stringify(src)} as a value: ${what} at ${pos}`);
  };
  const ws = () => {
    while (pos < src.length && /\s/.test(src[pos])) pos++;
  };
  const value = (): Expected => {
    ws();
    const c = src[pos];
    if (c === "[") {
      pos++;
      const items: Expected[] = [];
      ws();
      if (src[pos] === "]") return pos++, { kind: "array", items };
      for (;;) {
        items.push(value());
        ws();
        if (src[pos] === ",") pos++;
        else if (src[pos] === "]") return pos++, { kind: "array", items };
        else fail("expected , or ]");
      }
    }
    if (c === "{") {
      pos++;
      const entries: Array<[string, Expected]> = [];
      ws();
      if (src[pos] === "}") return pos++, { kind: "object", entries };
      for (;;) {
        ws();
        let key: string;
        if (src[pos] === '"' || src[pos] === "'") key = str();
        else {
          const m = /^[A-Za-z_$][\w$]*/.exec(src.slice(pos));
          if (!m) fail("expected a key");
          key = m![0];
          pos += key.length;
        }
        ws();
        if (src[pos] !== ":") fail("expected :");
        pos++;
        entries.push([key, value()]);
        ws();
        if (src[pos] === ",") pos++;
        else if (src[pos] === "}") return pos++, { kind: "object", entries };
        else fail("expected , or }");
      }
    }
    if (c === '"' || c === "'") return { kind: "string", value: str() };
    const num = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(src.slice(pos));
    if (num) {
      pos += num[0].length;
      return { kind: "number", value: Number(num[0]), raw: num[0] };
    }
    for (const [word, v] of [["true", true], ["false", false], ["null", null]] as const) {
      if (src.startsWith(word, pos)) {
        pos += word.length;
        return { kind: "literal", value: v };
      }
    }
    return fail("unexpected character");
  };
  const str = (): string => {
    const quote = src[pos++];
    let out = "";
    while (pos < src.length && src[pos] !== quote) {
      if (src[pos] === "\\") pos++;
      out += src[pos++];
    }
    if (src[pos] !== quote) fail("unterminated string");
    pos++;
    return out;
  };
  const result = value();
  ws();
  if (pos !== src.length) fail("trailing text");
  return result;
}

/**
 * Differences between a printed value and the value a comment shows: labels, keys and lengths
 * exactly; a number within the precision it is written with (0.97 means |x − 0.97| ≤ 0.005).
 */
export function compareToExpected(actual: unknown, expected: Expected, path = "value"): string[] {
  switch (expected.kind) {
    case "number": {
      if (typeof actual !== "number") return [`${path}: expected a number (${expected.raw}), got ${JSON.stringify(actual)}`];
      const decimals = /\.(\d+)/.exec(expected.raw.split(/[eE]/)[0])?.[1].length ?? 0;
      const exponent = Number(/[eE]([-+]?\d+)/.exec(expected.raw)?.[1] ?? 0);
      const tolerance = 0.5 * 10 ** (exponent - decimals) + 1e-12;
      return Math.abs(actual - expected.value) <= tolerance ? [] : [`${path}: printed ${actual}, the README shows ${expected.raw} (±${tolerance.toPrecision(1)})`];
    }
    case "string":
    case "literal":
      return actual === expected.value ? [] : [`${path}: printed ${JSON.stringify(actual)}, the README shows ${JSON.stringify(expected.value)}`];
    case "array": {
      if (!Array.isArray(actual)) return [`${path}: expected an array, got ${JSON.stringify(actual)}`];
      if (actual.length !== expected.items.length) return [`${path}: printed ${actual.length} items, the README shows ${expected.items.length}`];
      return expected.items.flatMap((item, i) => compareToExpected(actual[i], item, `${path}[${i}]`));
    }
    case "object": {
      if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return [`${path}: expected an object, got ${JSON.stringify(actual)}`];
      const keys = Object.keys(actual).sort();
      const wanted = expected.entries.map(([k]) => k).sort();
      if (JSON.stringify(keys) !== JSON.stringify(wanted)) return [`${path}: printed keys ${keys.join(", ")}, the README shows ${wanted.join(", ")}`];
      return expected.entries.flatMap(([k, v]) => compareToExpected((actual as Record<string, unknown>)[k], v, `${path}.${k}`));
    }
  }
}

export interface InstrumentedBlock {
  /** The block with each shown value routed through `__readmeShow(id, value)`. */
  readonly source: string;
  readonly checks: ReadonlyArray<{ id: number; line: string; expected: Expected }>;
}

/** The function the instrumented block calls; printed as one `@@readme-show <id> <json>` line. */
export const SHOW_PRELUDE =
  'import { writeSync as __readmeWrite } from "node:fs";\n' +
  "function __readmeShow(id: number, value: unknown): unknown {\n" +
  '  __readmeWrite(1, `\\n@@readme-show ${id} ${JSON.stringify(value)}\\n`);\n' +
  "  return value;\n" +
  "}\n";

/**
 * Rewrites a TypeScript block so that each value it shows in a comment is reported:
 * `console.log(EXPR); // VALUE` and `EXPR; // → VALUE` on one line, or `EXPR;` followed by a
 * `// → VALUE` line. Other comments are left alone.
 */
export function instrumentTs(code: string): InstrumentedBlock {
  const lines = code.split("\n");
  const checks: Array<{ id: number; line: string; expected: Expected }> = [];
  const out: string[] = [];
  const show = (indent: string, expr: string, expectedText: string, line: string) => {
    const id = checks.length;
    checks.push({ id, line: line.trim(), expected: parseExpected(expectedText) });
    out.push(`${indent}__readmeShow(${id}, ${expr});`);
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const log = /^(\s*)console\.log\((.*)\);\s*\/\/\s*(?:→\s*)?(.+)$/.exec(line);
    if (log) {
      show(log[1], log[2], log[3], line);
      continue;
    }
    const inline = /^(\s*)(.+?);\s*\/\/\s*→\s*(.+)$/.exec(line);
    if (inline) {
      show(inline[1], `(${inline[2]})`, inline[3], line);
      continue;
    }
    const next = lines[i + 1];
    const arrow = next === undefined ? null : /^\s*\/\/\s*→\s*(.+)$/.exec(next);
    if (arrow) {
      const stmt = /^(\s*)(.+?);?\s*(\/\/.*)?$/.exec(line)!;
      show(stmt[1], `(${stmt[2]})`, arrow[1], line);
      continue;
    }
    out.push(line);
  }
  return { source: out.join("\n"), checks };
}

/** The `@@readme-show` values a run printed, by id. */
export function readShown(stdout: string): Map<number, unknown> {
  const shown = new Map<number, unknown>();
  for (const m of stdout.matchAll(/^@@readme-show (\d+) (.*)$/gm)) shown.set(Number(m[1]), JSON.parse(m[2]));
  return shown;
}

// ------------------------------------------------------------------------------------------------
// Shell blocks

export interface ShellCommand {
  readonly command: string;
  /** The `# …` lines right after it that read as a value: what the README says it prints. */
  readonly output?: Expected;
}

/** A shell block's commands (continuation lines joined) and the outputs shown under them. */
export function shellCommands(code: string): ShellCommand[] {
  const commands: Array<{ command: string; output?: Expected }> = [];
  const lines = code.split("\n");
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (line.trim() === "") continue;
    if (/^\s*#/.test(line)) {
      const text = line.replace(/^\s*#\s?/, "");
      const last = commands[commands.length - 1];
      if (last && last.output === undefined && /^[[{]/.test(text.trim())) last.output = parseExpected(text);
      continue;
    }
    while (/\\\s*$/.test(line) && i + 1 < lines.length) line = line.replace(/\\\s*$/, "") + " " + lines[++i].trim();
    commands.push({ command: line.trim() });
  }
  return commands;
}

// ------------------------------------------------------------------------------------------------
// Figures in prose

export interface Figure {
  /** As written, e.g. "5.2×", "~23 ms", "1.02–1.09×", "99.05%". */
  readonly text: string;
  /** The numbers in it, as written ("1.02", "1.09"). */
  readonly numbers: readonly string[];
  readonly unit: string;
  readonly line: number;
}

const UNITS = ["×", "µs", "ms", "s", "req/s", "requests/s", "texts/s", "calls/s", "%", "kB", "KiB", "MB", "MiB", "points"];

/**
 * Numbers with a benchmark unit (×, ms, s, req/s, %, kB, …) in the README's prose: code blocks,
 * inline code and HTML comments are left out (they hold commands, options and config values).
 */
export function extractFigures(markdown: string): Figure[] {
  const figures: Figure[] = [];
  const lines = markdown.split("\n");
  let inFence = false;
  const unit = UNITS.map((u) => u.replace(/[/]/g, "\\/")).sort((a, b) => b.length - a.length).join("|");
  const number = String.raw`\d[\d,]*(?:\.\d+)?`;
  const re = new RegExp(String.raw`(?<![\w.])~?(${number})(?:\s*[–-]\s*(${number}))?\s?(${unit})(?![\w])`, "g");
  lines.forEach((raw, i) => {
    if (/^\s*```/.test(raw)) {
      inFence = !inFence;
      return;
    }
    if (inFence) return;
    const line = raw.replace(/<!--.*?-->/g, " ").replace(/`[^`]*`/g, " ");
    for (const m of line.matchAll(re)) {
      figures.push({ text: m[0], numbers: [m[1], ...(m[2] ? [m[2]] : [])], unit: m[3], line: i + 1 });
    }
  });
  return figures;
}

/**
 * Whether docs/benchmarks.md has a figure: ratios and percentages with their unit ("5.2×",
 * "99.05%"), other figures as the number in a table cell or the text (tables put units in headers).
 */
export function benchmarksHave(benchmarks: string, number: string, unit: string): boolean {
  const escaped = number.replace(/[.]/g, "\\.");
  if (unit === "×" || unit === "%") return new RegExp(String.raw`(?<![\d.,])${escaped}\s?${unit}`).test(benchmarks);
  return new RegExp(String.raw`(?<![\d.,])${escaped}(?![\d]|[.,]\d)`).test(benchmarks);
}
