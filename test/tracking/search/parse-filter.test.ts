import { describe, expect, it } from "vitest";
import { hasErrorCode } from "../../../src/errors.js";
import { type SearchKind, parseFilter, parsePythonInt } from "../../../src/mlflow/search/index.js";

const parse = (filter: string, kind: SearchKind = "runs") =>
  parseFilter(filter, kind).comparisons.map((c) => [c.entity, c.key, c.comparator, c.value]);

function errorOf(filter: string, kind: SearchKind = "runs"): string {
  try {
    parseFilter(filter, kind);
  } catch (e) {
    expect(hasErrorCode(e, "INVALID_PARAMETER_VALUE")).toBe(true);
    return (e as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(filter)} to be refused`);
}

describe("parseFilter: valid filters", () => {
  it("parses the canonical example", () => {
    expect(parse("metrics.acc > 0.8 and params.model = 'tfidf' and tags.mlflow.runName LIKE '%x%' and attributes.status = 'FINISHED'")).toEqual([
      ["metric", "acc", ">", 0.8],
      ["param", "model", "=", "tfidf"],
      ["tag", "mlflow.runName", "LIKE", "%x%"],
      ["attribute", "status", "=", "FINISHED"],
    ]);
  });

  it("records each comparison's character offset", () => {
    expect(parseFilter("metrics.a > 1 AND  tags.b = 'x'", "runs").comparisons.map((c) => c.position)).toEqual([0, 19]);
  });

  it.each([
    ["", []],
    ["metric.a = 1", [["metric", "a", "=", 1]]],
    ["metrics.a != -1", [["metric", "a", "!=", -1]]],
    ["metrics.a>=1.5e3", [["metric", "a", ">=", 1500]]],
    ["metrics.a <= 1E-2", [["metric", "a", "<=", 0.01]]],
    ["metrics.a < .5", [["metric", "a", "<", 0.5]]],
    ["metrics.a < 2.", [["metric", "a", "<", 2]]],
    ["metrics.a < -.5", [["metric", "a", "<", -0.5]]],
    ["param.a = 'x'", [["param", "a", "=", "x"]]],
    ["parameter.a = 'x'", [["param", "a", "=", "x"]]],
    ["parameters.a = \"x\"", [["param", "a", "=", "x"]]],
    ["params.a != ''", [["param", "a", "!=", ""]]],
    ["params.a ilike 'X%'", [["param", "a", "ILIKE", "X%"]]],
    ["tag.a like 'x_'", [["tag", "a", "LIKE", "x_"]]],
    ["tags.a IS NULL", [["tag", "a", "IS NULL", null]]],
    ["tags.a is not null", [["tag", "a", "IS NOT NULL", null]]],
    ["tags.a Is\n Not\tNull", [["tag", "a", "IS NOT NULL", null]]],
    ["attr.user_id = 'u'", [["attribute", "user_id", "=", "u"]]],
    ["run.artifact_uri LIKE 's3://%'", [["attribute", "artifact_uri", "LIKE", "s3://%"]]],
    ["end_time > 5", [["attribute", "end_time", ">", 5]]],
    ["Created >= 5", [["attribute", "start_time", ">=", 5]]],
    ["created < 5.5", [["attribute", "start_time", "<", 5.5]]],
    ["`Run Name` = 'n'", [["attribute", "run_name", "=", "n"]]],
    ["attributes.\"Run name\" = 'n'", [["attribute", "run_name", "=", "n"]]],
    ["run_id in ('a', \"b\",)", [["attribute", "run_id", "IN", ["a", "b"]]]],
    ["run_id not in ('a')", [["attribute", "run_id", "NOT IN", ["a"]]]],
    ["dataset.digest = 'd'", [["dataset", "digest", "=", "d"]]],
    ["datasets.context NOT IN ('train', 'eval')", [["dataset", "context", "NOT IN", ["train", "eval"]]]],
  ] as const)("%j", (filter, want) => {
    expect(parse(filter)).toEqual(want);
  });

  it("splits identifiers on the first dot and unquotes keys", () => {
    expect(parse("tags.mlflow.source.git.commit = 'x'")[0]![1]).toBe("mlflow.source.git.commit");
    expect(parse("metrics.`val loss` < 1")[0]![1]).toBe("val loss");
    expect(parse("params.\"a-b\" = 'x'")[0]![1]).toBe("a-b");
    expect(parse("params.'a b' = 'x'")[0]![1]).toBe("a b");
    expect(parse("tags.`mlflow.runName` = 'x'")[0]![1]).toBe("mlflow.runName");
    expect(parse("`tags`.a = 'x'")[0]).toEqual(["tag", "a", "=", "x"]);
    expect(parse("tags.ünï = 'é'")[0]).toEqual(["tag", "ünï", "=", "é"]);
    expect(parse("metrics.1acc > 0")[0]![1]).toBe("1acc");
  });

  it("keeps string values verbatim, as MLflow does (no unescaping)", () => {
    expect(parse("tags.a = 'it''s'")[0]![3]).toBe("it''s");
    expect(parse("tags.a = 'back\\'slash'")[0]![3]).toBe("back\\'slash");
    expect(parse('tags.a = "say ""hi"""')[0]![3]).toBe('say ""hi""');
    expect(parse("tags.a = 'a AND b OR c'")[0]![3]).toBe("a AND b OR c");
  });

  it("accepts whitespace anywhere between tokens and keywords in any case", () => {
    expect(parse("  metrics.a>1\n\tAnD\r\nparams.b='x'  ")).toEqual([
      ["metric", "a", ">", 1],
      ["param", "b", "=", "x"],
    ]);
  });

  it("parses experiment filters", () => {
    expect(parse("name LIKE 'sent%' AND tags.team IS NOT NULL AND creation_time > 5", "experiments")).toEqual([
      ["attribute", "name", "LIKE", "sent%"],
      ["tag", "team", "IS NOT NULL", null],
      ["attribute", "creation_time", ">", 5],
    ]);
    expect(parse("experiment_id IN ('007', ' +3 ', '1_0')", "experiments")).toEqual([["attribute", "experiment_id", "IN", ["7", "3", "10"]]]);
    expect(parse("\"name\" = 'x'", "experiments")).toEqual([["attribute", "name", "=", "x"]]);
  });

  it("parses registry filters", () => {
    expect(parse("name IN ('a', 'b') AND tag.t != 'x'", "registeredModels")).toEqual([
      ["attribute", "name", "IN", ["a", "b"]],
      ["tag", "t", "!=", "x"],
    ]);
    expect(parse("version_number >= 2 AND version_number = '3' AND source_path LIKE 's3://%' AND run_id IN ('r')", "modelVersions")).toEqual([
      ["attribute", "version_number", ">=", 2],
      ["attribute", "version_number", "=", 3],
      ["attribute", "source_path", "LIKE", "s3://%"],
      ["attribute", "run_id", "IN", ["r"]],
    ]);
  });

  it("returns frozen results", () => {
    const f = parseFilter("run_id IN ('a')", "runs");
    expect(Object.isFrozen(f)).toBe(true);
    expect(Object.isFrozen(f.comparisons[0])).toBe(true);
    expect(Object.isFrozen(f.comparisons[0]!.value)).toBe(true);
  });
});

describe("parseFilter: errors point at the problem", () => {
  it.each([
    // structure
    ["metrics.a > 1 OR metrics.b < 2", 'Invalid filter at position 14 near "OR": expected AND (MLflow filters have no OR)'],
    ["metrics.a > 1; metrics.b < 2", 'Invalid filter at position 13 near ";": expected AND (a filter is one list of comparisons joined by AND; no \';\')'],
    ["metrics.a > 1 metrics.b < 2", 'Invalid filter at position 14 near "metrics.b": expected AND'],
    ["metrics.a > 1 AND", 'Invalid filter at position 14 near "AND": expected a comparison after AND'],
    ["AND metrics.a > 1", 'Invalid filter at position 0 near "AND": expected a comparison'],
    ["(metrics.a > 1)", 'Invalid filter at position 0 near "(": parentheses are not supported; join comparisons with AND'],
    ["NOT metrics.a > 1", 'Invalid filter at position 0 near "NOT": NOT is only supported in NOT IN and IS NOT NULL'],
    ["> 1", 'Invalid filter at position 0 near ">": expected an identifier such as metrics.<key>, params.<key>, tags.<key> or an attribute'],
    ["   ", 'Invalid filter: it is blank; pass no filter (or "") to match everything'],
    // tokens
    ["tags.a = 'open", `Invalid filter at position 9 near "'open": unterminated quoted string; close it with '`],
    ["tags.`open = 'x'", 'Invalid filter at position 5 near "`open = \'x\'": unterminated backtick name; close it with `'],
    ["metrics.a > 5abc", 'Invalid filter at position 12 near "5abc": not a number; quote names that start with a digit'],
    ["metrics. a > 1", 'Invalid filter at position 0 near "metrics.": expected a key right after the dot (quote keys with blanks or special characters)'],
    ["tags . a = 'x'", 'Invalid filter at position 0 near "tags .": no blanks are allowed around the dot of an identifier'],
    ["metrics.acc.1 > 0", 'Invalid filter at position 0 near "metrics.acc.1": a key part cannot be a bare number; quote the key, e.g. metrics.`acc.1`'],
    // comparators
    ["tags.a == 'x'", "Invalid filter at position 7 near \"==\": invalid comparator '=='; use =, !=, <, <=, >, >="],
    ["tags.a <> 'x'", "Invalid filter at position 7 near \"<>\": invalid comparator '<>'; use =, !=, <, <=, >, >="],
    ["tags.a NOT LIKE 'x'", 'Invalid filter at position 7 near "NOT": NOT LIKE is not supported; use != or a different pattern'],
    ["tags.a NOT 'x'", "Invalid filter at position 11 near \"'x'\": expected IN after NOT"],
    ["tags.a IS 'x'", "Invalid filter at position 10 near \"'x'\": expected NULL or NOT NULL after IS"],
    ["tags.a 'x'", "Invalid filter at position 7 near \"'x'\": expected a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN, IS NULL, IS NOT NULL)"],
    ["tags.a", "Invalid filter at position 6 at the end: expected a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN, IS NULL, IS NOT NULL)"],
    ["metrics.acc LIKE 5", "Invalid comparator 'LIKE' for metrics.acc; valid comparators are =, !=, <, <=, >, >= (at position 0)"],
    ["status > 'A'", "Invalid comparator '>' for status; valid comparators are =, !=, LIKE, ILIKE (at position 0)"],
    ["metrics.`val loss` IS NULL", "IS NULL / IS NOT NULL is only supported for params and tags: metrics.`val loss` IS NULL (at position 0)"],
    ["status IN ('a')", "IN is only supported for run_id, datasets.name, datasets.digest, datasets.context: status IN (at position 0)"],
    // identifiers
    ["colour = 'x'", "Invalid attribute key 'colour'; valid keys are 'run_id', 'run_name', 'user_id', 'status', 'artifact_uri', 'start_time', 'end_time' (at position 0)"],
    ["foo.bar = 'x'", "Invalid entity type 'foo' in foo.bar; valid prefixes are metric, metrics, param, params, parameter, parameters, tag, tags, attribute, attributes, attr, run, dataset, datasets (at position 0)"],
    ["TAGS.a = 'x'", "Invalid entity type 'TAGS' in TAGS.a; valid prefixes are metric, metrics, param, params, parameter, parameters, tag, tags, attribute, attributes, attr, run, dataset, datasets (at position 0)"],
    ["datasets.foo = 'x'", "Invalid dataset key 'foo'; valid keys are 'name', 'digest', 'context' (at position 0)"],
    // values
    ["metrics.acc = 'high'", "metric values must be numbers: metrics.acc = 'high' (at position 0)"],
    ["start_time > '5'", "start_time values must be numbers: start_time > '5' (at position 0)"],
    ["tags.a = abc", "tags.a values must be quoted strings ('…' or \"…\"): tags.a = abc (at position 0)"],
    ["params.a = `abc`", "params.a values must be quoted strings ('…' or \"…\"): params.a = `abc` (at position 0)"],
    ["params.a = 4", "params.a values must be quoted strings ('…' or \"…\"): params.a = 4 (at position 0)"],
    ["run_id = ('a')", "a parenthesised list needs IN or NOT IN: run_id = (… (at position 0)"],
    ["metrics.a >", "Invalid filter at position 11 at the end: expected a value"],
    ["run_id IN 'a'", "Invalid filter at position 10 near \"'a'\": expected a parenthesised list of quoted strings after IN, e.g. ('a', 'b')"],
    ["run_id IN ()", "IN needs a non-empty list: run_id IN () (at position 0)"],
    ["run_id IN (1)", 'Invalid filter at position 11 near "1": expected a quoted string in the IN list of run_id'],
    ["run_id IN ('a' 'b')", "Invalid filter at position 15 near \"'b'\": expected ',' or ')' in the IN list"],
    ["run_id IN ('a'", "Invalid filter at position 14 at the end: expected ',' or ')' in the IN list"],
  ] as const)("%j", (filter, message) => {
    expect(errorOf(filter)).toBe(message);
  });

  it.each([
    ["experiments", "creation_time > 5.5", "creation_time values must be integers: creation_time > 5.5 (at position 0)"],
    ["experiments", "experiment_id = 'abc'", "experiment_id values must be quoted integers (e.g. '1'): experiment_id = 'abc' (at position 0)"],
    ["experiments", "experiment_id = 1", "experiment_id values must be quoted integers (e.g. '1'): experiment_id = 1 (at position 0)"],
    ["experiments", "experiment_id IN ('1', 'x')", "experiment_id values must be quoted integers (e.g. '1'): 'x' (at position 23)"],
    ["experiments", "experiment_id LIKE '1%'", "Invalid comparator 'LIKE' for experiment_id; valid comparators are =, !=, IN, NOT IN (at position 0)"],
    ["experiments", "name IS NULL", "IS NULL / IS NOT NULL is only supported for tags: name IS NULL (at position 0)"],
    ["experiments", "attributes.name = 'x'", "Invalid entity type 'attributes' in attributes.name; valid prefixes are attribute, tag, tags (at position 0)"],
    ["experiments", "metrics.a > 1", "Invalid entity type 'metrics' in metrics.a; valid prefixes are attribute, tag, tags (at position 0)"],
    ["registeredModels", "`name` = 'x'", "Invalid attribute key '`name`'; valid keys are 'name' (at position 0)"],
    ["registeredModels", "tags.a IS NULL", "IS NULL / IS NOT NULL is not supported in this search: tags.a IS NULL (at position 0)"],
    ["registeredModels", "tags.a IN ('x')", "IN is only supported for name: tags.a IN (at position 0)"],
    ["modelVersions", "version_number > 1.5", "version_number values must be integers: version_number > 1.5 (at position 0)"],
    ["modelVersions", "version_number = 'x'", "version_number values must be integers: version_number = 'x' (at position 0)"],
    ["modelVersions", "source_path IN ('a')", "IN is only supported for name, run_id: source_path IN (at position 0)"],
  ] as const)("%s: %j", (kind, filter, message) => {
    expect(errorOf(filter, kind)).toBe(message);
  });

  it("refuses a filter that is not a string", () => {
    expect(() => parseFilter(42 as unknown as string, "runs")).toThrow("filter must be a string, got number");
  });
});

describe("parsePythonInt", () => {
  it.each([
    ["7", 7n],
    [" 007 ", 7n],
    ["+3", 3n],
    ["-3", -3n],
    ["1_000", 1000n],
    ["123456789012345678901", 123456789012345678901n],
    ["1.5", undefined],
    ["", undefined],
    ["1__0", undefined],
    ["_1", undefined],
    ["0x1", undefined],
  ] as const)("%j", (text, want) => {
    expect(parsePythonInt(text)).toBe(want);
  });
});
