/**
 * Bundles a page's entry module with esbuild the way a web app's bundler would see the package:
 * `senti-mlops` and its subpaths are imported BY NAME and resolved as a self-reference from the
 * repository root, so package.json `exports` (conditions browser/import/default, never "node")
 * pick the built dist/ files. The repository's tsconfig.json is ignored (`tsconfigRaw: {}`), as
 * it is not published: its "paths" would map `#runtime/*` to Node's binding.
 * The same resolution as scripts/size-report.mjs.
 */
import { build, type Plugin } from "esbuild";
import { PROJECT_ROOT, distFile } from "../helpers/dist.js";

const selfReference: Plugin = {
  name: "senti-mlops-self-reference",
  setup(b) {
    b.onResolve({ filter: /^senti-mlops(\/.*)?$/ }, async (args) => {
      if (args.pluginData?.selfReference) return undefined;
      const r = await b.resolve(args.path, { kind: args.kind, resolveDir: PROJECT_ROOT, pluginData: { selfReference: true } });
      return r.errors.length > 0 ? { errors: r.errors } : r;
    });
  },
};

/** Bundles `entry` (an absolute path) into one ES module for browsers; returns its text (minified with `minify`). */
export async function bundlePage(entry: string, options: { minify?: boolean } = {}): Promise<string> {
  distFile("index.js"); // fails clearly when dist/ has not been built
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: ["browser", "import", "default"],
    tsconfigRaw: {},
    plugins: [selfReference],
    minify: options.minify ?? false,
    logLevel: "silent",
  });
  const [output] = result.outputFiles;
  if (!output || result.outputFiles.length !== 1) throw new Error(`expected one output file, got ${result.outputFiles.length}`);
  return output.text;
}
