/**
 * MLflow's search filter grammar: a tokenizer-based parser producing a typed list of comparisons.
 *
 * MLflow parses filters with Python's `sqlparse` and a tree walk (`mlflow/utils/search_utils.py`);
 * there is no maintained JavaScript parser for this grammar, so this one is hand-written. It accepts
 * what MLflow's SQL stores accept (a few things MLflow's parser lets through and its store then
 * refuses are refused here, at parse time), with clearer errors: every error is
 * `INVALID_PARAMETER_VALUE` and names the offending text and its character offset.
 *
 * Grammar (keywords in any case, whitespace anywhere between tokens):
 * ```text
 * filter      := "" | comparison ("AND" comparison)*
 * comparison  := identifier comparator value
 *              | identifier ("IN" | "NOT" "IN") "(" string ("," string)* ","? ")"
 *              | identifier "IS" ["NOT"] "NULL"
 * identifier  := [prefix "."] key          (split on the first dot: tags.mlflow.runName)
 * comparator  := "=" | "!=" | "<" | "<=" | ">" | ">=" | "LIKE" | "ILIKE"
 * value       := number | 'string' | "string"
 * ```
 * There is no `OR`, no parentheses and no `NOT` outside `NOT IN` / `IS NOT NULL`, as in MLflow.
 * A filter holds at most {@link MAX_FILTER_COMPARISONS} comparisons (a senti-mlops limit).
 *
 * @module
 */
import { SentiMlopsError } from "../../errors.js";
import {
  type AttributeSpec,
  type Comparator,
  type FilterEntity,
  type SearchKind,
  type SearchKindSpec,
  findAttribute,
  searchKindSpec,
} from "./search-kinds.js";
import { type Segment, type Token, isKeyword, syntaxError, tokenize } from "./tokenize.js";

export type { Comparator, FilterEntity, SearchKind } from "./search-kinds.js";

/**
 * The most comparisons a search filter may hold: 1000. A longer filter fails with
 * `INVALID_PARAMETER_VALUE` when it is parsed, the same for every local store (memory, SQL,
 * IndexedDB) and before any SQL is built, so no store meets SQLite's own limits (expression depth,
 * variables) instead. MLflow has no such limit of its own; the REST store passes filters to the
 * server unchanged.
 *
 * @example
 * ```ts
 * parseFilter(Array(1001).fill("metrics.acc > 0").join(" AND "), "runs"); // throws INVALID_PARAMETER_VALUE
 * MAX_FILTER_COMPARISONS; // 1000
 * ```
 */
export const MAX_FILTER_COMPARISONS = 1000;

/**
 * A comparison's right-hand side: a number, a string, a list (`IN`), or null (`IS NULL`).
 *
 * @example
 * ```ts
 * const values: FilterValue[] = [0.9, "4", ["a", "b"], null]; // metric, param, IN list, IS NULL
 * ```
 */
export type FilterValue = number | string | readonly string[] | null;

/**
 * One comparison of a filter.
 *
 * @example
 * ```ts
 * const [c]: readonly Comparison[] = parseFilter("metrics.accuracy > 0.9", "runs").comparisons;
 * // { entity: "metric", key: "accuracy", comparator: ">", value: 0.9, position: 0 }
 * ```
 */
export interface Comparison {
  readonly entity: FilterEntity;
  /**
   * The key: a metric/param/tag name verbatim (quotes removed), a canonical attribute key
   * (`created` → `start_time`, `Run name` → `run_name`), or a dataset key (`name`, `digest`, `context`).
   */
  readonly key: string;
  readonly comparator: Comparator;
  /**
   * Numbers for metrics and numeric attributes (`version_number = '3'` gives 3), strings for
   * params, tags, string attributes and datasets, a string list for `IN`/`NOT IN`, null for
   * `IS [NOT] NULL`. Experiment ids are canonical decimal strings (`'007'` gives "7").
   */
  readonly value: FilterValue;
  /** Character offset of the comparison in the filter string. */
  readonly position: number;
}

/**
 * A parsed filter: comparisons joined by AND, for one search kind.
 *
 * @example
 * ```ts
 * const filter: ParsedFilter<"runs"> = parseFilter("metrics.accuracy > 0.9 AND params.C = '4'", "runs");
 * filter.comparisons.length; // 2
 * ```
 */
export interface ParsedFilter<K extends SearchKind = SearchKind> {
  readonly kind: K;
  readonly comparisons: readonly Comparison[];
}

const ENTITY_WORDS: Readonly<Record<FilterEntity, string>> = {
  metric: "metric",
  param: "param",
  tag: "tag",
  attribute: "attribute",
  dataset: "dataset",
};

/**
 * Parses an MLflow filter string for one kind of search.
 *
 * @param filter the filter; `undefined`, `null` and `""` give no comparisons (a filter of blanks is
 *   an error, as in MLflow).
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` with a message naming the offending text and
 *   its offset, e.g. `Invalid filter at position 17 near "OR": expected AND (MLflow filters have no OR)`,
 *   or saying the filter has more than {@link MAX_FILTER_COMPARISONS} comparisons.
 *
 * @example
 * ```ts
 * const f = parseFilter("metrics.acc > 0.8 and tags.mlflow.runName LIKE 'tfidf%'", "runs");
 * f.comparisons[0]; // { entity: "metric", key: "acc", comparator: ">", value: 0.8, position: 0 }
 * f.comparisons[1].key; // "mlflow.runName"
 * ```
 */
export function parseFilter<K extends SearchKind>(filter: string | undefined | null, kind: K): ParsedFilter<K> {
  const spec = searchKindSpec(kind);
  const source = filter ?? "";
  if (typeof source !== "string") {
    throw SentiMlopsError.invalidParameterValue(`filter must be a string, got ${typeof source}`, { component: "mlflow" });
  }
  const tokens = tokenize(source, "filter");
  if (tokens.length === 0 && source.length > 0) {
    // As MLflow: "" means no filter, but a filter of blanks cannot be parsed.
    throw SentiMlopsError.invalidParameterValue("Invalid filter: it is blank; pass no filter (or \"\") to match everything", { component: "mlflow" });
  }
  const comparisons: Comparison[] = [];
  const parser = new FilterParser(source, tokens, spec);
  if (tokens.length > 0) {
    for (;;) {
      if (comparisons.length === MAX_FILTER_COMPARISONS) {
        throw SentiMlopsError.invalidParameterValue(
          `Invalid filter: it has more than ${MAX_FILTER_COMPARISONS} comparisons, the most a search filter may hold; ` +
            "split the search into several, or narrow it with fewer comparisons",
          { component: "mlflow", details: { max_comparisons: MAX_FILTER_COMPARISONS } },
        );
      }
      comparisons.push(parser.comparison());
      if (parser.atEnd()) break;
      parser.conjunction();
    }
  }
  return Object.freeze({ kind, comparisons: Object.freeze(comparisons) });
}

/**
 * What {@link resolveIdentifier} returns.
 *
 * @example
 * ```ts
 * const [token] = tokenize("tags.mlflow.runName");
 * const { entity, key }: ResolvedIdentifier = resolveIdentifier(token, "tags.mlflow.runName", searchKindSpec("runs"), "filter");
 * // entity: "tag", key: "mlflow.runName"
 * ```
 */
export interface ResolvedIdentifier {
  readonly entity: FilterEntity;
  readonly key: string;
  /** Set for attributes. */
  readonly attribute?: AttributeSpec;
}

/**
 * Resolves an identifier token to an entity and key: the text before the first dot is the entity
 * prefix (backticks allowed, as in MLflow); the rest is the key, with one pair of surrounding
 * quotes removed. A key with no prefix is an attribute. Used by filters and order-by clauses.
 *
 * @example
 * ```ts
 * const [token] = tokenize("tags.mlflow.runName");
 * resolveIdentifier(token, "tags.mlflow.runName", searchKindSpec("runs"), "filter"); // { entity: "tag", key: "mlflow.runName" }
 * ```
 */
export function resolveIdentifier(
  token: Extract<Token, { type: "identifier" }>,
  source: string,
  spec: SearchKindSpec,
  what: string,
  attributeKeys: (key: string) => AttributeSpec | undefined = (key) => findAttribute(spec.kind, key),
): ResolvedIdentifier {
  const text = source.slice(token.start, token.end);
  const segments = token.segments;
  let entity: FilterEntity;
  let keySegments: readonly Segment[];
  if (segments.length === 1) {
    entity = "attribute";
    keySegments = segments;
  } else {
    const head = segments[0]!;
    const prefix = head.quote === "`" ? head.inner : head.quote === "" ? head.inner : source.slice(head.start, head.end);
    const found = Object.hasOwn(spec.prefixes, prefix) ? spec.prefixes[prefix] : undefined;
    if (found === undefined) {
      const valid = Object.keys(spec.prefixes).join(", ");
      throw semanticError(`Invalid entity type '${prefix}' in ${text}; valid prefixes are ${valid}`, token.start);
    }
    entity = found;
    keySegments = segments.slice(1);
  }
  const rawKey = source.slice(keySegments[0]!.start, token.end);
  if (entity === "attribute") {
    const quoted = keySegments.length === 1 && keySegments[0]!.quote !== "";
    const key = keySegments.length === 1 ? keySegments[0]!.inner : rawKey;
    const attribute = quoted && !spec.quotedAttributeKeys ? undefined : attributeKeys(key);
    if (attribute === undefined) {
      const valid = spec.attributes.map((a) => `'${a.key}'`).join(", ");
      throw semanticError(`Invalid attribute key '${quoted && !spec.quotedAttributeKeys ? rawKey : key}'; valid keys are ${valid}`, token.start);
    }
    return { entity, key: attribute.key, attribute };
  }
  let key = rawKey;
  if (keySegments.length === 1) {
    key = keySegments[0]!.inner;
    // MLflow strips '…'/"…" and then backticks: "`a`" names the key a.
    if (keySegments[0]!.quote !== "`" && key.length >= 2 && key.startsWith("`") && key.endsWith("`")) key = key.slice(1, -1);
  }
  if (entity === "dataset" && !spec.datasetKeys.includes(key)) {
    const valid = spec.datasetKeys.map((k) => `'${k}'`).join(", ");
    throw semanticError(`Invalid dataset key '${key}'; valid keys are ${valid}`, token.start);
  }
  return { entity, key };
}

function semanticError(message: string, position: number): SentiMlopsError {
  return SentiMlopsError.invalidParameterValue(`${message} (at position ${position})`, { component: "mlflow" });
}

class FilterParser {
  private i = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: readonly Token[],
    private readonly spec: SearchKindSpec,
  ) {}

  atEnd(): boolean {
    return this.i >= this.tokens.length;
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }

  private text(token: Token): string {
    return this.source.slice(token.start, token.end);
  }

  private fail(token: Token | undefined, problem: string): SentiMlopsError {
    if (token === undefined) return syntaxError("filter", this.source.length, "", problem);
    return syntaxError("filter", token.start, this.text(token), problem);
  }

  /** Consumes the AND between two comparisons. */
  conjunction(): void {
    const token = this.peek();
    if (isKeyword(token, "AND")) {
      this.i++;
      if (this.atEnd()) throw syntaxError("filter", token!.start, this.text(token!), "expected a comparison after AND");
      return;
    }
    if (isKeyword(token, "OR")) throw this.fail(token, "expected AND (MLflow filters have no OR)");
    if (token?.type === "semicolon") throw this.fail(token, "expected AND (a filter is one list of comparisons joined by AND; no ';')");
    throw this.fail(token, "expected AND");
  }

  comparison(): Comparison {
    const head = this.peek();
    if (head?.type === "lparen") throw this.fail(head, "parentheses are not supported; join comparisons with AND");
    if (isKeyword(head, "NOT")) throw this.fail(head, "NOT is only supported in NOT IN and IS NOT NULL");
    if (isKeyword(head, "AND") || isKeyword(head, "OR")) throw this.fail(head, "expected a comparison");
    if (head?.type !== "identifier") {
      throw this.fail(head, "expected an identifier such as metrics.<key>, params.<key>, tags.<key> or an attribute");
    }
    this.i++;
    const { entity, key, attribute } = resolveIdentifier(head, this.source, this.spec, "filter");
    const comparator = this.comparator();
    const label = this.label(entity, key, attribute);
    this.checkComparator(entity, attribute, comparator, label, head.start);
    const value = this.value(entity, attribute, comparator, label, head.start);
    return Object.freeze({ entity, key, comparator, value, position: head.start });
  }

  private label(entity: FilterEntity, key: string, attribute: AttributeSpec | undefined): string {
    if (attribute !== undefined) return attribute.key;
    const prefix = entity === "param" ? "params" : entity === "dataset" ? "datasets" : `${ENTITY_WORDS[entity]}s`;
    return /^[\p{L}_][\p{L}\p{N}_.]*$/u.test(key) ? `${prefix}.${key}` : `${prefix}.\`${key}\``;
  }

  private comparator(): Comparator {
    const token = this.peek();
    if (token === undefined) throw this.fail(token, "expected a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN, IS NULL, IS NOT NULL)");
    if (token.type === "operator") {
      this.i++;
      const op = token.text;
      if (op === "=" || op === "!=" || op === "<" || op === "<=" || op === ">" || op === ">=") return op;
      throw this.fail(token, `invalid comparator '${op}'; use =, !=, <, <=, >, >=`);
    }
    if (isKeyword(token, "LIKE") || isKeyword(token, "ILIKE") || isKeyword(token, "IN")) {
      this.i++;
      return this.text(token).toUpperCase() as Comparator;
    }
    if (isKeyword(token, "NOT")) {
      const next = this.peek(1);
      if (isKeyword(next, "IN")) {
        this.i += 2;
        return "NOT IN";
      }
      if (isKeyword(next, "LIKE") || isKeyword(next, "ILIKE")) {
        throw this.fail(token, `NOT ${this.text(next!).toUpperCase()} is not supported; use != or a different pattern`);
      }
      throw this.fail(next ?? token, "expected IN after NOT");
    }
    if (isKeyword(token, "IS")) {
      const next = this.peek(1);
      if (isKeyword(next, "NULL")) {
        this.i += 2;
        return "IS NULL";
      }
      if (isKeyword(next, "NOT") && isKeyword(this.peek(2), "NULL")) {
        this.i += 3;
        return "IS NOT NULL";
      }
      throw this.fail(next ?? token, "expected NULL or NOT NULL after IS");
    }
    throw this.fail(token, "expected a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN, IS NULL, IS NOT NULL)");
  }

  private checkComparator(
    entity: FilterEntity,
    attribute: AttributeSpec | undefined,
    comparator: Comparator,
    label: string,
    position: number,
  ): void {
    const allowed = attribute !== undefined ? attribute.comparators : this.spec.entityComparators[entity as Exclude<FilterEntity, "attribute">];
    if (allowed === undefined) throw semanticError(`${entity} filters are not supported in this search`, position);
    if (allowed.includes(comparator)) return;
    if (comparator === "IS NULL" || comparator === "IS NOT NULL") {
      const nullable = (["param", "tag"] as const).filter((e) => this.spec.entityComparators[e]?.includes("IS NULL"));
      const where = nullable.length === 0 ? "not supported in this search" : `only supported for ${nullable.map((e) => `${e}s`).join(" and ")}`;
      throw semanticError(`IS NULL / IS NOT NULL is ${where}: ${label} ${comparator}`, position);
    }
    if (comparator === "IN" || comparator === "NOT IN") {
      const listable = this.listableKeys();
      throw semanticError(`${comparator} is only supported for ${listable}: ${label} ${comparator}`, position);
    }
    throw semanticError(`Invalid comparator '${comparator}' for ${label}; valid comparators are ${allowed.join(", ")}`, position);
  }

  private listableKeys(): string {
    const keys = this.spec.attributes.filter((a) => a.comparators.includes("IN")).map((a) => a.key);
    if (this.spec.entityComparators.dataset?.includes("IN")) keys.push(...this.spec.datasetKeys.map((k) => `datasets.${k}`));
    return keys.join(", ");
  }

  private value(
    entity: FilterEntity,
    attribute: AttributeSpec | undefined,
    comparator: Comparator,
    label: string,
    position: number,
  ): FilterValue {
    if (comparator === "IS NULL" || comparator === "IS NOT NULL") return null;
    const valueType = attribute?.valueType ?? (entity === "metric" ? "number" : "string");
    if (comparator === "IN" || comparator === "NOT IN") return this.list(valueType, label, comparator, position);
    const token = this.peek();
    if (token === undefined) throw this.fail(token, "expected a value");
    this.i++;
    const clause = this.source.slice(position, token.end);
    const what = entity === "metric" ? "metric" : label;
    switch (valueType) {
      case "number":
        if (token.type === "number") return token.value;
        throw this.badValue(token, `${what} values must be numbers: ${clause}`, position);
      case "integer":
        if (token.type === "number" && token.integer) return token.value;
        throw this.badValue(token, `${what} values must be integers: ${clause}`, position);
      case "integer-or-string": {
        if (token.type === "number" && token.integer) return token.value;
        const s = this.stringOf(token);
        const n = s === undefined ? undefined : parsePythonInt(s);
        if (n !== undefined) return Number(n);
        throw this.badValue(token, `${what} values must be integers: ${clause}`, position);
      }
      case "string": {
        const s = this.stringOf(token);
        if (s !== undefined) return s;
        throw this.badValue(token, `${what} values must be quoted strings ('…' or "…"): ${clause}`, position);
      }
      case "id-string": {
        const s = this.stringOf(token);
        const n = s === undefined ? undefined : parsePythonInt(s);
        if (n !== undefined) return n.toString();
        throw this.badValue(token, `${what} values must be quoted integers (e.g. '1'): ${clause}`, position);
      }
    }
  }

  private badValue(token: Token, message: string, position: number): SentiMlopsError {
    if (token.type === "lparen") return semanticError(`a parenthesised list needs IN or NOT IN: ${this.source.slice(position, token.end)}…`, position);
    return semanticError(message, position);
  }

  /** The value of a quoted string token ('…' or "…"), or undefined. */
  private stringOf(token: Token): string | undefined {
    if (token.type === "string") return token.inner;
    if (token.type === "identifier" && token.segments.length === 1 && token.segments[0]!.quote === '"') return token.segments[0]!.inner;
    return undefined;
  }

  private list(valueType: string, label: string, comparator: Comparator, position: number): string[] {
    const open = this.peek();
    if (open?.type !== "lparen") throw this.fail(open, `expected a parenthesised list of quoted strings after ${comparator}, e.g. ('a', 'b')`);
    this.i++;
    const values: string[] = [];
    for (;;) {
      const token = this.peek();
      if (token?.type === "rparen" && values.length > 0) {
        this.i++;
        break;
      }
      if (token?.type === "rparen") throw semanticError(`${comparator} needs a non-empty list: ${this.source.slice(position, token.end)}`, position);
      const s = token === undefined ? undefined : this.stringOf(token);
      if (s === undefined) throw this.fail(token, `expected a quoted string in the ${comparator} list of ${label}`);
      this.i++;
      if (valueType === "id-string") {
        const n = parsePythonInt(s);
        if (n === undefined) throw semanticError(`${label} values must be quoted integers (e.g. '1'): '${s}'`, token!.start);
        values.push(n.toString());
      } else {
        values.push(s);
      }
      const sep = this.peek();
      if (sep?.type === "comma") {
        this.i++;
        if (this.peek()?.type === "rparen") {
          this.i++;
          break;
        }
        continue;
      }
      if (sep?.type === "rparen") {
        this.i++;
        break;
      }
      throw this.fail(sep, `expected ',' or ')' in the ${comparator} list`);
    }
    return Object.freeze(values) as string[];
  }
}

/**
 * Parses a string the way Python's `int()` does (MLflow's stores call it on experiment ids and
 * model version numbers): surrounding blanks, an optional sign, digits with single underscores.
 * Returns undefined when `int()` would fail.
 *
 * @example
 * ```ts
 * parsePythonInt(" 007 "); // 7n
 * parsePythonInt("1.5");   // undefined
 * ```
 */
export function parsePythonInt(text: string): bigint | undefined {
  const m = /^\s*([+-]?)([0-9]+(?:_[0-9]+)*)\s*$/u.exec(text);
  if (m === null) return undefined;
  const n = BigInt(m[2]!.replaceAll("_", ""));
  return m[1] === "-" ? -n : n;
}
