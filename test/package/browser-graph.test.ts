/**
 * The browser rule of DESIGN.md, checked on the built package: bundling a browser-reachable entry
 * for the browser (esbuild, default conditions, so not "node") must not reach `node:*`, a Node
 * builtin, better-sqlite3, onnxruntime-node or the AWS SDK.
 *
 * Entries are imported by name, as a consumer would: esbuild resolves `senti-mlops` from the
 * project root through the package's own `exports` (package self-reference), so the files checked
 * are dist/, not src/. Needs `npm run build` first (npm test does it).
 */
import { builtinModules } from "node:module";
import { build, type BuildFailure, type Message, type Metafile, type Plugin } from "esbuild";
import { describe, expect, test } from "vitest";
import { PROJECT_ROOT, distFile } from "../helpers/dist.js";

/** Every entry a browser may import. A new universal entry is one more line here. */
const BROWSER_ENTRIES = [
  "senti-mlops",
  "senti-mlops/tfidf",
  "senti-mlops/tracking",
  "senti-mlops/registry",
  "senti-mlops/adapters",
  "senti-mlops/bert",
  "senti-mlops/models",
  "senti-mlops/stores",
];

const FORBIDDEN_PACKAGES = ["better-sqlite3", "onnxruntime-node", "@aws-sdk"];
const BUILTINS = new Set(builtinModules.filter((name) => !name.startsWith("_")));

/** True when an import specifier names something a browser bundle must not contain. */
function isForbidden(specifier: string): boolean {
  if (specifier.startsWith("node:")) return true;
  const bare = specifier.split("/")[0]!;
  if (BUILTINS.has(specifier) || BUILTINS.has(bare)) return true;
  return FORBIDDEN_PACKAGES.some((p) => specifier === p || specifier.startsWith(`${p}/`));
}

/**
 * esbuild refuses builtins when bundling for the browser, which would stop at the first one. This
 * plugin leaves them external instead, so the metafile lists every forbidden import, with its importer.
 */
const externalizeForbidden: Plugin = {
  name: "externalize-forbidden",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => (isForbidden(args.path) ? { path: args.path, external: true } : undefined));
  },
};

interface BrowserBundle {
  errors: Message[];
  /** `importer → specifier` for every forbidden import or bundled forbidden file in the graph. */
  forbidden: string[];
  inputs: string[];
}

function forbiddenIn(metafile: Metafile): string[] {
  const found: string[] = [];
  for (const [file, input] of Object.entries(metafile.inputs)) {
    if (FORBIDDEN_PACKAGES.some((p) => file.includes(`node_modules/${p}/`))) found.push(`(bundled) ${file}`);
    for (const imp of input.imports) {
      const specifier = imp.original ?? imp.path;
      if (isForbidden(imp.path) || isForbidden(specifier)) found.push(`${file} → ${specifier}`);
    }
  }
  return found;
}

async function bundleForBrowser(
  specifier: string,
  { kind = "import", conditions }: { kind?: "import" | "require"; conditions?: string[] } = {},
): Promise<BrowserBundle> {
  const contents = kind === "import" ? `export * from ${JSON.stringify(specifier)};` : `module.exports = require(${JSON.stringify(specifier)});`;
  try {
    const result = await build({
      stdin: { contents, resolveDir: PROJECT_ROOT, sourcefile: "consumer-entry.js", loader: "js" },
      absWorkingDir: PROJECT_ROOT,
      platform: "browser",
      format: "esm",
      bundle: true,
      metafile: true,
      write: false,
      logLevel: "silent",
      // A consumer's bundler never sees this project's tsconfig.json (whose paths map #runtime to
      // the Node sources for type checking); package.json "imports" must decide.
      tsconfigRaw: {},
      plugins: [externalizeForbidden],
      ...(conditions ? { conditions } : {}),
    });
    return {
      errors: result.errors,
      forbidden: forbiddenIn(result.metafile),
      inputs: Object.keys(result.metafile.inputs),
    };
  } catch (e) {
    const errors = (e as BuildFailure).errors;
    if (!Array.isArray(errors)) throw e;
    return { errors, forbidden: [], inputs: [] };
  }
}

const describeErrors = (errors: Message[]): string =>
  errors.map((m) => [m.text, ...m.notes.map((n) => `  ${n.text}`)].join("\n")).join("\n");

describe("browser graph of the built package", () => {
  distFile("index.js");

  describe.each(BROWSER_ENTRIES)("%s", (entry) => {
    test.each(["import", "require"] as const)("bundles for the browser via %s without Node-only imports", async (kind) => {
      const bundle = await bundleForBrowser(entry, { kind });
      expect(bundle.errors, `esbuild errors bundling ${entry} (${kind}):\n${describeErrors(bundle.errors)}`).toEqual([]);
      expect(bundle.forbidden, `${entry} (${kind}) reaches Node-only modules in a browser bundle`).toEqual([]);
      // The graph really went through the built files of this package.
      expect(bundle.inputs.some((f) => f.startsWith("dist/"))).toBe(true);
      expect(bundle.inputs.some((f) => f.startsWith("src/"))).toBe(false);
    });
  });

  // Sizes (minified, gzipped) of realistic imports are budgeted in size-budget.test.ts.

  describe("negative controls (the check can fail)", () => {
    test("senti-mlops/data is not exported to browsers at all", async () => {
      const bundle = await bundleForBrowser("senti-mlops/data");
      expect(describeErrors(bundle.errors)).toMatch(/not currently exported|Could not resolve/);
    });

    test("senti-mlops/data bundled for the browser with the node condition is caught reaching Node builtins", async () => {
      const bundle = await bundleForBrowser("senti-mlops/data", { conditions: ["node"] });
      expect(bundle.errors, describeErrors(bundle.errors)).toEqual([]);
      expect(bundle.forbidden.length).toBeGreaterThan(0);
      expect(bundle.forbidden.join("\n")).toMatch(/→ (node:)?(fs|path|crypto|stream)\b/);
    });

    test("the node condition of senti-mlops selects the Node binding, which the check flags", async () => {
      const bundle = await bundleForBrowser("senti-mlops", { conditions: ["node"] });
      expect(bundle.errors, describeErrors(bundle.errors)).toEqual([]);
      expect(bundle.inputs).toContain("dist/runtime/node/model-files.js");
      expect(bundle.inputs).not.toContain("dist/runtime/web/model-files.js");
      expect(bundle.forbidden.length).toBeGreaterThan(0);
    });

    test("isForbidden recognises each kind of Node-only specifier", () => {
      for (const s of ["node:fs", "fs", "fs/promises", "path", "crypto", "stream/web", "worker_threads", "child_process", "os", "url", "util"]) {
        expect(isForbidden(s), s).toBe(true);
      }
      for (const s of ["better-sqlite3", "onnxruntime-node", "@aws-sdk/client-s3"]) expect(isForbidden(s), s).toBe(true);
      for (const s of ["@noble/hashes/sha2.js", "onnxruntime-web", "idb-keyval", "./chunk.js", "urlpattern-polyfill"]) {
        expect(isForbidden(s), s).toBe(false);
      }
    });
  });
});
