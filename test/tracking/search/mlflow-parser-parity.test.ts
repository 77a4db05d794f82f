/**
 * Parser parity with the real MLflow (the pinned version in test/peers/requirements.txt): every
 * case of the corpus goes to MLflow's parsers and SQL stores (test/peers/mlflow_search.py) and to
 * ours. MLflow "accepts" a case when both its parser and its SQL store do — where the parser takes
 * something its store then refuses, we follow the store. Accepted cases must parse to the same
 * (entity, key, comparator, value) list; known differences are listed in DEVIATIONS with reasons,
 * and each listed deviation is checked to still be one.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { parseFilter, parseOrderBy, parsePythonInt } from "../../../src/mlflow/search/index.js";
import { PROJECT_ROOT } from "../../peers/python-env.js";
import { DEVIATIONS, PARITY_CASES, type ParityCase, caseId } from "./parity-corpus.js";

const run = promisify(execFile);
const SCRIPT = join(PROJECT_ROOT, "test", "peers", "mlflow_search.py");
const PY_KINDS = { runs: "runs", experiments: "experiments", registeredModels: "registered_models", modelVersions: "model_versions" } as const;

type Outcome = { ok: true; parsed: unknown[] } | { ok: false; error: string };
interface PeerResult {
  parse: unknown[] | { error: string };
  store: "ok" | { error: string };
}

let mlflowVersion = "";
const mlflow = new Map<string, Outcome>();

function versionAtLeast(version: string, min: string): boolean {
  const a = version.split(/[.+-]/).map((x) => Number.parseInt(x, 10) || 0);
  const b = min.split(".").map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

/** MLflow's parse output in our terms (canonical experiment ids, registry `timestamp`, numeric version strings). */
function normaliseMlflow(c: ParityCase, parsed: unknown[]): unknown[] {
  return parsed.map((item) => {
    const row = [...(item as unknown[])];
    if ("orderBy" in c) {
      if (c.kind === "registeredModels" && row[1] === "timestamp") row[1] = "last_updated_timestamp";
      return row;
    }
    const [, key, , value] = row;
    const canon = (v: unknown): unknown => (typeof v === "string" && parsePythonInt(v) !== undefined ? parsePythonInt(v)!.toString() : v);
    if (c.kind === "experiments" && key === "experiment_id") row[3] = Array.isArray(value) ? value.map(canon) : canon(value);
    if (c.kind === "modelVersions" && key === "version_number" && typeof value === "string") row[3] = Number(parsePythonInt(value));
    return row;
  });
}

function ours(c: ParityCase): Outcome {
  try {
    if ("filter" in c) {
      const parsed = parseFilter(c.filter, c.kind).comparisons.map((x) => [x.entity, x.key, x.comparator, x.value]);
      return { ok: true, parsed: JSON.parse(JSON.stringify(parsed)) as unknown[] };
    }
    const parsed = parseOrderBy(c.orderBy, c.kind).clauses.map((x) => [x.entity, x.key, x.ascending]);
    return { ok: true, parsed };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

beforeAll(async () => {
  const python = inject("python");
  const cases = PARITY_CASES.map((c) =>
    "filter" in c ? { kind: PY_KINDS[c.kind], filter: c.filter } : { kind: PY_KINDS[c.kind], order_by: c.orderBy },
  );
  const child = run(python, [SCRIPT], { maxBuffer: 64 * 1024 * 1024 });
  child.child.stdin!.end(JSON.stringify({ cases }));
  const { stdout } = await child;
  const out = JSON.parse(stdout.trim().split("\n").pop()!) as { mlflow: string; results: PeerResult[] };
  mlflowVersion = out.mlflow;
  PARITY_CASES.forEach((c, i) => {
    const r = out.results[i]!;
    if (!Array.isArray(r.parse)) mlflow.set(caseId(c), { ok: false, error: `parser: ${r.parse.error}` });
    else if (r.store !== "ok") mlflow.set(caseId(c), { ok: false, error: `store: ${r.store.error}` });
    else mlflow.set(caseId(c), { ok: true, parsed: normaliseMlflow(c, r.parse) });
  });
});

describe("parser parity with MLflow's parsers and SQL stores", () => {
  it("has a corpus of at least 120 filters, valid and invalid, for every search kind", () => {
    const filters = PARITY_CASES.filter((c) => "filter" in c);
    expect(filters.length).toBeGreaterThanOrEqual(120);
    const verdicts = [...mlflow.values()];
    expect(verdicts.filter((v) => v.ok).length).toBeGreaterThan(60);
    expect(verdicts.filter((v) => !v.ok).length).toBeGreaterThan(60);
  });

  it.each(PARITY_CASES.map((c) => [caseId(c), c] as const))("%s", (id, c) => {
    const theirs = mlflow.get(id)!;
    const mine = ours(c);
    const deviation = DEVIATIONS[id];
    const active = deviation !== undefined && (deviation.fixedIn === undefined || !versionAtLeast(mlflowVersion, deviation.fixedIn));
    const show = `MLflow ${mlflowVersion}: ${JSON.stringify(theirs)}\nours: ${JSON.stringify(mine)}`;
    if (active) {
      // The deviation must still be one, as described.
      if (deviation.mlflow === "accepts") expect(theirs.ok && !mine.ok, show).toBe(true);
      else if (deviation.mlflow === "rejects") expect(!theirs.ok && mine.ok, show).toBe(true);
      else expect(theirs.ok && mine.ok && JSON.stringify(theirs) !== JSON.stringify(mine), show).toBe(true);
      return;
    }
    expect(mine.ok, show).toBe(theirs.ok);
    if (theirs.ok && mine.ok) expect(mine.parsed, show).toEqual(theirs.parsed);
  });
});
