/**
 * The tokenizer behind MLflow's search grammar (filters and order-by clauses).
 *
 * MLflow parses filters with `sqlparse`, a general SQL lexer, and then walks its token tree; no
 * maintained JavaScript library parses this grammar, so it is hand-written here. The lexical rules
 * follow sqlparse where MLflow depends on them:
 * - identifiers are dot-separated segments with no blanks around the dots; a segment is a word
 *   (letters, digits, `_`, `$`, `#`; the first segment cannot start with a digit) or a quoted name
 *   in backticks, double quotes, or — after a dot — single quotes;
 * - strings are `'…'` (and `"…"`, which sqlparse lexes as a quoted name but MLflow takes as a string
 *   value); `''` and a backslash followed by any character stay inside the string. MLflow never
 *   unescapes string values, so the text between the quotes is the value, verbatim;
 * - numbers are `-?` followed by an integer, a decimal (`1.`, `.5`, `1.5`) or an exponent form
 *   (`1e5`, `1.5E-3`; no `+` in the exponent), not followed by a letter;
 * - comparison operators are runs of `<>=!~` (validated by the parser).
 *
 * @module
 */
import { SentiMlopsError } from "../../errors.js";

/**
 * A quoted or bare part of an identifier.
 *
 * @example
 * ```ts
 * const [tag] = tokenize("tags.`my tag` = 'x'");
 * if (tag?.type === "identifier") tag.segments[1]; // { quote: "`", inner: "my tag", start: 5, end: 13 }
 * ```
 */
export interface Segment {
  /** The quote character, or "" for a bare word. */
  readonly quote: "" | "`" | '"' | "'";
  /** The text between the quotes (verbatim), or the word. */
  readonly inner: string;
  readonly start: number;
  readonly end: number;
}

/**
 * One token; `start`/`end` are offsets into the source string.
 *
 * @example
 * ```ts
 * const tokens: Token[] = tokenize("params.C = '4'");
 * tokens.map((t) => t.type); // ["identifier", "operator", "string"]
 * ```
 */
export type Token =
  | { readonly type: "identifier"; readonly segments: readonly Segment[]; readonly start: number; readonly end: number }
  | { readonly type: "string"; readonly inner: string; readonly start: number; readonly end: number }
  | { readonly type: "number"; readonly value: number; readonly integer: boolean; readonly start: number; readonly end: number }
  | { readonly type: "operator"; readonly text: string; readonly start: number; readonly end: number }
  | { readonly type: "lparen" | "rparen" | "comma" | "semicolon"; readonly start: number; readonly end: number }
  | { readonly type: "unknown"; readonly start: number; readonly end: number };

const WORD_START = /[\p{L}_]/u;
const WORD_CHAR = /[\p{L}\p{M}\p{N}_$#]/u;
const DIGIT = /[0-9]/;
const NUMBER = /-?(?:[0-9]+(?:\.[0-9]+)?[eE]-?[0-9]+|[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)/y;
const SPACE = /\s/u;

/**
 * `Invalid filter at position 17 near "OR": expected AND`: the message of every syntax error.
 *
 * @example
 * ```ts
 * throw syntaxError("filter", 17, "OR", "expected AND");
 * ```
 */
export function syntaxError(what: string, position: number, near: string, problem: string): SentiMlopsError {
  const shown = near.length > 40 ? `${near.slice(0, 40)}…` : near;
  const where = near === "" ? "at the end" : `near "${shown}"`;
  return SentiMlopsError.invalidParameterValue(`Invalid ${what} at position ${position} ${where}: ${problem}`, { component: "mlflow" });
}

/**
 * Splits a filter or order-by clause into tokens, skipping whitespace.
 *
 * @param what names the input in error messages ("filter", "order_by clause").
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` for an unterminated quote, a malformed
 *   number or a dot with no key after it.
 *
 * @example
 * ```ts
 * tokenize("metrics.`val loss` < 0.5", "filter").map((t) => t.type);
 * // ["identifier", "operator", "number"]
 * ```
 */
export function tokenize(source: string, what = "filter"): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i]!;
    if (SPACE.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "(" || c === ")" || c === "," || c === ";") {
      const type = c === "(" ? "lparen" : c === ")" ? "rparen" : c === "," ? "comma" : "semicolon";
      tokens.push({ type, start, end: i + 1 });
      i++;
    } else if (c === "'") {
      const end = scanQuoted(source, i, "'", what);
      tokens.push({ type: "string", inner: source.slice(i + 1, end - 1), start, end });
      i = end;
    } else if (isNumberStart(source, i)) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(source)!;
      const end = i + m[0].length;
      if (end < n && WORD_CHAR.test(source[end]!)) {
        let stop = end;
        while (stop < n && WORD_CHAR.test(source[stop]!)) stop++;
        throw syntaxError(what, start, source.slice(start, stop), "not a number; quote names that start with a digit");
      }
      tokens.push({ type: "number", value: Number(m[0]), integer: /^-?[0-9]+$/.test(m[0]), start, end });
      i = end;
    } else if (WORD_START.test(c) || c === "`" || c === '"') {
      const { token, end } = scanIdentifier(source, i, what);
      tokens.push(token);
      i = end;
    } else if ("<>=!~".includes(c)) {
      let end = i;
      while (end < n && "<>=!~".includes(source[end]!)) end++;
      tokens.push({ type: "operator", text: source.slice(i, end), start, end });
      i = end;
    } else {
      tokens.push({ type: "unknown", start, end: i + 1 });
      i++;
    }
  }
  return tokens;
}

function isNumberStart(s: string, i: number): boolean {
  const c = s[i]!;
  if (DIGIT.test(c)) return true;
  const next = s[i + 1] ?? "";
  if (c === ".") return DIGIT.test(next);
  if (c === "-") return DIGIT.test(next) || (next === "." && DIGIT.test(s[i + 2] ?? ""));
  return false;
}

/** Returns the offset just past the closing quote. */
function scanQuoted(s: string, i: number, quote: string, what: string): number {
  let j = i + 1;
  for (;;) {
    if (j >= s.length) throw syntaxError(what, i, s.slice(i), `unterminated ${quote === "`" ? "backtick" : "quoted"} ${quote === "'" ? "string" : "name"}; close it with ${quote}`);
    const c = s[j]!;
    if (c === quote) {
      if (s[j + 1] === quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    // sqlparse lets a backslash escape the quote in '…' and "…", never in backticks.
    j += c === "\\" && quote !== "`" && j + 1 < s.length ? 2 : 1;
  }
}

function scanSegment(s: string, i: number, first: boolean, what: string): Segment | undefined {
  const c = s[i];
  if (c === undefined) return undefined;
  if (c === "`" || c === '"' || (c === "'" && !first)) {
    const end = scanQuoted(s, i, c, what);
    return { quote: c, inner: s.slice(i + 1, end - 1), start: i, end };
  }
  if (first ? WORD_START.test(c) : WORD_CHAR.test(c)) {
    let end = i + 1;
    while (end < s.length && WORD_CHAR.test(s[end]!)) end++;
    return { quote: "", inner: s.slice(i, end), start: i, end };
  }
  return undefined;
}

function scanIdentifier(s: string, i: number, what: string): { token: Token; end: number } {
  const segments: Segment[] = [scanSegment(s, i, true, what)!];
  let end = segments[0]!.end;
  while (s[end] === ".") {
    const next = scanSegment(s, end + 1, false, what);
    if (next === undefined) {
      throw syntaxError(what, i, s.slice(i, end + 1), "expected a key right after the dot (quote keys with blanks or special characters)");
    }
    if (next.quote === "" && /^[0-9]+$/.test(next.inner)) {
      // sqlparse lexes ".1" as a number, so MLflow refuses all-digit key parts unless quoted.
      throw syntaxError(what, i, s.slice(i, next.end), "a key part cannot be a bare number; quote the key, e.g. metrics.`acc.1`");
    }
    segments.push(next);
    end = next.end;
  }
  let after = end;
  while (after < s.length && SPACE.test(s[after]!)) after++;
  if (after > end && s[after] === "." && !DIGIT.test(s[after + 1] ?? "")) {
    throw syntaxError(what, i, s.slice(i, after + 1), "no blanks are allowed around the dot of an identifier");
  }
  return { token: { type: "identifier", segments, start: i, end }, end };
}

/**
 * True when `token` is the bare word `word`, in any case (`and`, `AND`, `And`).
 *
 * @example
 * ```ts
 * isKeyword(tokenize("and")[0], "AND"); // true
 * ```
 */
export function isKeyword(token: Token | undefined, word: string): boolean {
  return (
    token !== undefined &&
    token.type === "identifier" &&
    token.segments.length === 1 &&
    token.segments[0]!.quote === "" &&
    token.segments[0]!.inner.toUpperCase() === word
  );
}
