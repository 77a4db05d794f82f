/**
 * The browser rule of DESIGN.md for src/bert before it is built: bundling the BERT entry with the
 * web binding for the browser reaches no node:* module, Node builtin or onnxruntime-node; and the
 * wrapper (without onnxruntime-web and @huggingface/tokenizers, which stay separate packages) fits
 * the 15 kB gzip budget of reference/aesthetics.md §8.12.
 */
import { builtinModules } from "node:module";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../peers/python-env.js";

const BUILTINS = new Set(builtinModules);
const PEERS = ["onnxruntime-web", "@huggingface/tokenizers"];

describe("src/bert in a browser bundle", () => {
  for (const entry of ["src/entries/bert.ts"]) {
    it(`${entry} reaches no Node module and is at most 15 kB gzipped without its peers`, async () => {
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
      const gzipped = gzipSync(result.outputFiles[0]!.contents).byteLength;
      expect(gzipped).toBeLessThanOrEqual(15_000);
    });
  }
});
