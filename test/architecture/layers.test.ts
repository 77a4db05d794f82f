/**
 * The layers of src/ (docs/architecture.md), checked with dependency-cruiser and the rules in
 * .dependency-cruiser.cjs: no import reaches up a layer or across siblings, no module cycle, no
 * module outside a layer — and, counted independently from the same import graph, no folder-level
 * cycle. A planted upward import in a scratch tree shows the rules are not vacuous.
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const DEPCRUISE = join(ROOT, "node_modules", ".bin", "depcruise");

interface CruiseResult {
  modules: { source: string; dependencies: { resolved: string; dependencyTypes: string[] }[] }[];
  summary: { violations: { rule: { name: string }; from: string; to: string }[]; error: number };
}

async function cruise(cwd: string): Promise<CruiseResult> {
  const { stdout } = await promisify(execFile)(DEPCRUISE, ["--config", ".dependency-cruiser.cjs", "--output-type", "json", "src"], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? "" })); // exits non-zero on violations; the JSON still says which
  return JSON.parse(stdout) as CruiseResult;
}

/** The folder a module belongs to: `src/<folder>/…`, or the file itself for files directly in src/. */
const folderOf = (path: string): string => path.split("/").slice(0, 2).join("/");

/** Folder-level strongly connected components with more than one folder (Tarjan). */
function folderCycles(result: CruiseResult): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const m of result.modules) {
    const from = folderOf(m.source);
    if (!edges.has(from)) edges.set(from, new Set());
    for (const d of m.dependencies) if (d.resolved.startsWith("src/") && folderOf(d.resolved) !== from) edges.get(from)!.add(folderOf(d.resolved));
  }
  let index = 0;
  const stack: string[] = [];
  const on = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of edges.keys()) if (!idx.has(v)) visit(v);
  return out;
}

describe("the layers of src/", () => {
  it("no upward or sideways import, no module cycle, every module in a layer", async () => {
    const result = await cruise(ROOT);
    expect(result.modules.length).toBeGreaterThan(100);
    expect(result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
  });

  it("no folder-level cycle in the import graph", async () => {
    const result = await cruise(ROOT);
    // The graph is the real one: the API layer reaches the runtime binding through #runtime/<feature>.
    const api = result.modules.find((m) => m.source === "src/api/load-model.ts")!;
    expect(api.dependencies.map((d) => d.resolved)).toContain("src/runtime/node/model-files.ts");
    expect(folderCycles(result)).toEqual([]);
  });

  it("the rules catch an upward import and a folder cycle (planted in a scratch copy)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "senti-layers-"));
    try {
      await cp(join(ROOT, ".dependency-cruiser.cjs"), join(dir, ".dependency-cruiser.cjs"));
      await cp(join(ROOT, "tsconfig.json"), join(dir, "tsconfig.json"));
      await mkdir(join(dir, "src", "mlflow"), { recursive: true });
      await mkdir(join(dir, "src", "tracking"), { recursive: true });
      await writeFile(join(dir, "src", "mlflow", "core.ts"), `import { client } from "../tracking/client.js";\nexport const core = () => client;\n`);
      await writeFile(join(dir, "src", "tracking", "client.ts"), `import { core } from "../mlflow/core.js";\nexport const client = () => core;\n`);
      const result = await cruise(dir);
      const names = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
      expect(names).toContain("layer-mlflow: src/mlflow/core.ts → src/tracking/client.ts");
      expect(names).toContain("no-circular: src/mlflow/core.ts → src/tracking/client.ts");
      expect(folderCycles(result)).toEqual([["src/mlflow", "src/tracking"]]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
