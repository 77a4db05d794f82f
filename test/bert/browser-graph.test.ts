/**
 * The browser rule of DESIGN.md for src/bert before it is built: bundling the BERT entry with the
 * web binding for the browser (every import() included) reaches no node:* module, Node builtin or
 * onnxruntime-node. Its size budget (15 kB gzipped without onnxruntime-web and the tokenizers) is
 * measured on the built package, as a page loads it: test/package/size-budget.test.ts, scenario (d).
 */
import { builtinModules } from "node:module";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../peers/python-env.js";

const BUILTINS = new Set(builtinModules);
const PEERS = ["onnxruntime-web", "@huggingface/tokenizers"];

describe("src/bert in a browser bundle", () => {
  for (const entry of ["src/entries/bert.ts"]) {
    it(`${entry} reaches no Node module, lazy parts included`, async () => {
      const result = await build({
        entryPoints: [entry],
        absWorkingDir: PROJECT_ROOT,
        bundle: true,
        platform: "browser",
        format: "esm",
        minify: true,
        write: false,
        metafile: true,
        external: PEERS,
        // #runtime/<feature> as package.json resolves it without the node condition (tsconfig.json maps it to Node's for type checking).
        alias: { "#runtime": "./src/runtime/web" },
        tsconfigRaw: {},
        logLevel: "silent",
      });
      const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.original ?? i.path));
      const forbidden = imports.filter((s) => s.startsWith("node:") || BUILTINS.has(s.split("/")[0]!) || s.startsWith("onnxruntime-node"));
      expect(forbidden).toEqual([]);
      expect(Object.keys(result.metafile.inputs).filter((f) => f.includes("onnxruntime-node"))).toEqual([]);
      // The loader itself (imported on first call) is in the bundle: the graph was really followed.
      expect(Object.keys(result.metafile.inputs)).toContain("src/bert/load-bert.ts");
    });
  }
});
