/**
 * The committed API reports (etc/api/*.api.md, API Extractor) match what the built package
 * exports: a change to the public surface fails here until `npm run api:update` rewrites the
 * reports, so it shows in review. Runs on dist/ (npm test builds first).
 */
import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");

describe("API reports", () => {
  it("one report per package entry, each matching dist/", async () => {
    const pkg = (await import(join(ROOT, "package.json"), { with: { type: "json" } })).default as { exports: Record<string, unknown> };
    const entries = Object.keys(pkg.exports).filter((k) => k !== "./package.json");
    const reports = (await readdir(join(ROOT, "etc", "api"))).filter((f) => f.endsWith(".api.md")).sort();
    expect(reports).toEqual(entries.map((k) => (k === "." ? "senti-mlops.api.md" : `senti-mlops.${k.slice(2)}.api.md`)).sort());
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, "scripts", "api-report.mjs")], { cwd: ROOT }).catch(
      (e: { stdout?: string; stderr?: string }) => ({ stdout: `${e.stdout ?? ""}${e.stderr ?? ""}` }),
    );
    expect(stdout).toContain(`${entries.length} API reports match`);
  });

  it("the root entry exports what a user calls, and nothing else", async () => {
    const mod = await import(join(ROOT, "dist", "index.js"));
    expect(Object.keys(mod).sort()).toEqual(
      ["hasErrorCode", "isSentiMlopsError", "loadBert", "loadModel", "predict", "predictProba", "saveModel", "SentiMlopsError", "trainTfidf"].sort(),
    );
  });
});
