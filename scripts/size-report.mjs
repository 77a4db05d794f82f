#!/usr/bin/env node
/**
 * Browser bundle sizes of senti-mlops, measured as a web bundler sees the package.
 *
 * Each scenario in test/package/size/ is a tiny ES module importing a realistic subset of the
 * package BY NAME ("senti-mlops", "senti-mlops/tfidf", …). esbuild bundles it for the browser
 * (conditions browser/import/default, never "node"; minified; ESM with code splitting, so a chunk
 * behind import() is a separate file that a page fetches only when that code runs). "senti-mlops"
 * resolves from the package root through its package.json `exports`, i.e. to its built dist/.
 *
 * The budgeted size of a scenario is its INITIAL load: the entry output plus the chunks it imports
 * statically, each gzipped (zlib level 9) on its own as a server would send it, summed.
 * Lazy chunks (behind import()) are reported apart. 1 kB = 1000 bytes.
 *
 * Usage:
 *   node scripts/size-report.mjs [packageRoot] [--json] [--write]
 *     packageRoot  the package to measure (default: this repository); needs its dist/ built
 *     --json       print the full report as JSON (test/package/size-budget.test.ts reads it)
 *     --write      also replace the "Bundle sizes" table of THIS repository's docs/benchmarks.md
 *                  (between <!-- size-report:start --> and <!-- size-report:end -->), naming the
 *                  commit of the package measured
 *
 * Exit code: 0 when every scenario bundled (budgets are asserted by the test, not here), 1 on a
 * bundling error or a bad argument.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, version as esbuildVersion } from "esbuild";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SCENARIO_DIR = join(REPO_ROOT, "test", "package", "size");
const KB = 1000;

/** The peers a BERT page brings itself; external only in the BERT scenarios. */
const BERT_PEERS = ["onnxruntime-web", "@huggingface/tokenizers"];

/**
 * The scenarios. `budget` is in bytes gzipped (initial load); null = reported, not budgeted.
 * `noOnnxruntimeWeb`: a TF-IDF-only page, which must contain onnxruntime-web in no chunk at all.
 */
export const SCENARIOS = [
  {
    id: "a",
    name: "tfidf: decodeTfidfModel + predict",
    file: "tfidf-decode-predict.js",
    budget: 16 * KB,
    noOnnxruntimeWeb: true,
    external: [],
  },
  {
    id: "a*",
    name: "tfidf entry alone: decodeTfidfModel + model.predictProba",
    file: "tfidf-entry-only.js",
    budget: null,
    noOnnxruntimeWeb: true,
    external: [],
  },
  {
    id: "b",
    name: "root: predict + loadModel",
    file: "root-predict-load-model.js",
    budget: 30 * KB,
    noOnnxruntimeWeb: true,
    external: [],
  },
  {
    id: "c",
    name: "tracking: createTracking(http://) REST client",
    file: "tracking-rest.js",
    budget: 15 * KB,
    noOnnxruntimeWeb: false,
    external: [],
  },
  {
    id: "d",
    name: "bert: loadBert + predict (ORT, tokenizers external)",
    file: "bert-load-predict.js",
    budget: 15 * KB,
    noOnnxruntimeWeb: false,
    external: BERT_PEERS,
  },
  {
    id: "d*",
    name: "bert entry alone: loadBert + model.predictProba (ORT, tokenizers external)",
    file: "bert-entry-only.js",
    budget: null,
    noOnnxruntimeWeb: false,
    external: BERT_PEERS,
  },
];

const FORBIDDEN_PACKAGES = ["better-sqlite3", "onnxruntime-node", "@aws-sdk"];
const BUILTINS = new Set(builtinModules.filter((name) => !name.startsWith("_")));

/** True for `node:*`, a Node builtin, or a native/Node-only package a browser bundle must not reach. */
export function isForbidden(specifier) {
  if (specifier.startsWith("node:")) return true;
  if (BUILTINS.has(specifier) || BUILTINS.has(specifier.split("/")[0])) return true;
  return FORBIDDEN_PACKAGES.some((p) => specifier === p || specifier.startsWith(`${p}/`));
}

const isPackage = (specifier, names) => names.some((p) => specifier === p || specifier.startsWith(`${p}/`));
const inPackage = (file, name) => file.split(sep).join("/").includes(`node_modules/${name}/`);

/** A readable module path: from the last node_modules/ on, else relative to the package root. */
function displayPath(file, packageRoot) {
  const posix = file.split(sep).join("/");
  const i = posix.lastIndexOf("node_modules/");
  if (i >= 0) return posix.slice(i);
  const abs = resolve(packageRoot, file);
  return relative(packageRoot, abs).split(sep).join("/");
}

/**
 * Resolves "senti-mlops" and its subpaths as a self-reference from the package root, so the
 * package's own `exports` decide which dist/ file is bundled (whichever package root is measured).
 * Node-only specifiers are left external, so that the metafile lists every one of them instead of
 * esbuild stopping at the first.
 */
function resolverPlugin(packageRoot, external) {
  return {
    name: "size-report-resolver",
    setup(b) {
      b.onResolve({ filter: /^senti-mlops(\/.*)?$/ }, async (args) => {
        if (args.pluginData?.selfReference) return undefined;
        const r = await b.resolve(args.path, { kind: args.kind, resolveDir: packageRoot, pluginData: { selfReference: true } });
        if (r.errors.length > 0) return { errors: r.errors };
        return r;
      });
      b.onResolve({ filter: /.*/ }, (args) => {
        if (isForbidden(args.path)) return { path: args.path, external: true };
        if (isPackage(args.path, external)) return { path: args.path, external: true };
        return undefined;
      });
    },
  };
}

// ---------------------------------------------------------------- source maps

const B64 = new Map([..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].map((c, i) => [c, i]));

function decodeVlq(segment) {
  const out = [];
  let value = 0;
  let shift = 0;
  for (const c of segment) {
    const digit = B64.get(c);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/**
 * Characters of `code` attributed to each original source of its (chained) source map: esbuild
 * follows the sourceMappingURL of each dist/ chunk, so a chunk's bytes land on src/ modules. A
 * segment owns the characters up to the next segment on its line.
 */
function bytesBySource(code, map, mapDir, packageRoot) {
  const lines = code.split("\n");
  const sources = map.sources.map((s) => displayPath(resolve(mapDir, s), packageRoot));
  const totals = new Map();
  const add = (key, n) => totals.set(key, (totals.get(key) ?? 0) + n);
  let src = 0;
  const mappingLines = map.mappings.split(";");
  for (let l = 0; l < lines.length; l++) {
    const lineLength = lines[l].length + (l < lines.length - 1 ? 1 : 0);
    const segs = (mappingLines[l] ?? "").split(",").filter(Boolean);
    let col = 0;
    const starts = [];
    for (const seg of segs) {
      const f = decodeVlq(seg);
      col += f[0];
      if (f.length >= 4) {
        src += f[1];
        starts.push([col, sources[src]]);
      } else {
        starts.push([col, "(unmapped)"]);
      }
    }
    if (starts.length === 0 || starts[0][0] > 0) add("(unmapped)", starts.length === 0 ? lineLength : starts[0][0]);
    for (let i = 0; i < starts.length; i++) {
      const end = i + 1 < starts.length ? starts[i + 1][0] : lineLength;
      add(starts[i][1], Math.max(0, end - starts[i][0]));
    }
  }
  return totals;
}

// ---------------------------------------------------------------- measuring

const top = (map, n) =>
  [...map.entries()]
    .sort((x, y) => y[1] - x[1])
    .slice(0, n)
    .map(([path, bytes]) => ({ path, bytes }));

/** Bytes per area: a src/ folder (src/tfidf, src/mlflow/search, …) or a node_modules package. */
function byArea(bytesByPath) {
  const m = new Map();
  for (const [path, bytes] of bytesByPath) {
    const parts = path.split("/");
    let key = path;
    if (parts[0] === "node_modules") key = parts.slice(0, parts[1]?.startsWith("@") ? 3 : 2).join("/");
    else if (parts[0] === "src") key = parts.length > 2 ? parts.slice(0, -1).join("/") : "src (top level)";
    m.set(key, (m.get(key) ?? 0) + bytes);
  }
  return m;
}

async function measure(scenario, packageRoot) {
  const outdir = join(packageRoot, ".size-report-out");
  const result = await build({
    entryPoints: [join(SCENARIO_DIR, scenario.file)],
    absWorkingDir: packageRoot,
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    splitting: true,
    outdir,
    write: false,
    metafile: true,
    sourcemap: "external",
    conditions: ["browser", "import", "default"],
    // The package's own tsconfig.json is not published, so a consumer's bundler never sees its
    // "paths" (e.g. #runtime/* → src/runtime/node/* for the typechecker): ignore every tsconfig.
    tsconfigRaw: {},
    mainFields: ["browser", "module", "main"],
    logLevel: "silent",
    plugins: [resolverPlugin(packageRoot, scenario.external)],
  });
  const { metafile } = result;
  const files = new Map(result.outputFiles.map((f) => [relative(packageRoot, f.path).split(sep).join("/"), f]));

  // Initial load: the entry output and its static imports, transitively.
  // (Outputs of import() targets carry an entryPoint too: pick the scenario's own.)
  const entry = Object.keys(metafile.outputs).find((o) => metafile.outputs[o].entryPoint?.endsWith(`/${scenario.file}`));
  const initial = new Set();
  const visit = (o) => {
    if (initial.has(o)) return;
    initial.add(o);
    for (const imp of metafile.outputs[o].imports) if (!imp.external && imp.kind === "import-statement") visit(imp.path);
  };
  visit(entry);
  // Everything the page can load: static and dynamic imports of the generated code, transitively.
  const reachable = new Set();
  const reach = (o) => {
    if (reachable.has(o)) return;
    reachable.add(o);
    for (const imp of metafile.outputs[o].imports) if (!imp.external) reach(imp.path);
  };
  reach(entry);
  const jsOutputs = Object.keys(metafile.outputs).filter((o) => o.endsWith(".js"));
  const lazy = jsOutputs.filter((o) => reachable.has(o) && !initial.has(o));
  // Chunks esbuild emits for an import() whose importing code was tree-shaken away: in the build
  // output and in the metafile, but no code of the page can load them.
  const unreachable = jsOutputs.filter((o) => !reachable.has(o));

  const sizeOf = (outputs) => {
    let raw = 0;
    let gzip = 0;
    for (const o of outputs) {
      const bytes = files.get(o).contents;
      raw += bytes.length;
      gzip += gzipSync(bytes, { level: 9 }).length;
    }
    return { files: outputs.length, raw, gzip };
  };

  const inputBytes = (outputs) => {
    const m = new Map();
    for (const o of outputs) {
      for (const [input, { bytesInOutput }] of Object.entries(metafile.outputs[o].inputs)) {
        const key = displayPath(input, packageRoot);
        m.set(key, (m.get(key) ?? 0) + bytesInOutput);
      }
    }
    return m;
  };

  const sourceBytes = (outputs) => {
    const m = new Map();
    for (const o of outputs) {
      const code = files.get(o).text;
      const mapFile = files.get(`${o}.map`);
      if (!mapFile) continue;
      const map = JSON.parse(mapFile.text);
      for (const [k, v] of bytesBySource(code, map, dirname(mapFile.path), packageRoot)) m.set(k, (m.get(k) ?? 0) + v);
    }
    return m;
  };

  // Inputs reached by each part of the graph.
  const inputsOf = (outputs) => [...new Set(outputs.flatMap((o) => Object.keys(metafile.outputs[o].inputs)))].map((f) => displayPath(f, packageRoot));
  const allInputs = Object.keys(metafile.inputs).map((f) => displayPath(f, packageRoot));

  const forbidden = [];
  for (const [file, input] of Object.entries(metafile.inputs)) {
    if (FORBIDDEN_PACKAGES.some((p) => inPackage(file, p))) forbidden.push(`(bundled) ${displayPath(file, packageRoot)}`);
    for (const imp of input.imports) {
      const specifier = imp.original ?? imp.path;
      if (isForbidden(imp.path) || isForbidden(specifier)) forbidden.push(`${displayPath(file, packageRoot)} → ${specifier}`);
    }
  }

  // The shortest import chain from the scenario to onnxruntime-web, when it is reached at all.
  const ortChain = (() => {
    const start = Object.keys(metafile.inputs).find((f) => resolve(packageRoot, f) === join(SCENARIO_DIR, scenario.file));
    const previous = new Map([[start, null]]);
    const queue = [start];
    while (queue.length) {
      const file = queue.shift();
      for (const imp of metafile.inputs[file]?.imports ?? []) {
        const hit = isPackage(imp.original ?? imp.path, ["onnxruntime-web"]) || inPackage(imp.path, "onnxruntime-web");
        if (hit) {
          const chain = [`${imp.original ?? imp.path} (${imp.kind})`];
          for (let f = file; f != null; f = previous.get(f)) chain.unshift(displayPath(f, packageRoot));
          return chain;
        }
        if (!imp.external && !previous.has(imp.path)) {
          previous.set(imp.path, file);
          queue.push(imp.path);
        }
      }
    }
    return null;
  })();

  const ortIn = (inputs) => inputs.some((f) => f.startsWith("node_modules/onnxruntime-web/"));
  const reachableInputs = inputsOf([...reachable]);
  const ortImported = Object.values(metafile.inputs).some((input) => input.imports.some((imp) => isPackage(imp.original ?? imp.path, ["onnxruntime-web"])));
  const initialInputs = inputsOf([...initial]);

  return {
    id: scenario.id,
    name: scenario.name,
    file: `test/package/size/${scenario.file}`,
    budget: scenario.budget,
    noOnnxruntimeWeb: scenario.noOnnxruntimeWeb,
    external: scenario.external,
    initial: sizeOf([...initial]),
    lazy: sizeOf(lazy),
    unreachable: { ...sizeOf(unreachable), topInputs: top(inputBytes(unreachable), 5) },
    topInputs: top(inputBytes([...initial]), 10),
    topSources: top(sourceBytes([...initial]), 10),
    topAreas: top(byArea(sourceBytes([...initial])), 8),
    lazyTopInputs: top(inputBytes(lazy), 5),
    lazyTopSources: top(sourceBytes(lazy), 5),
    onnxruntimeWeb: {
      /** onnxruntime-web files bundled into the initial load / into any chunk. */
      initial: ortIn(initialInputs),
      /** …into a chunk the page can load (statically or through import()). */
      reachable: ortIn(reachableInputs),
      /** …into any chunk of the build, reachable or not: the module graph (metafile inputs) has it. */
      anyChunk: ortIn(allInputs),
      /** An import of onnxruntime-web anywhere in the graph (bundled or external). */
      imported: ortImported,
      /** The shortest import chain reaching it: scenario → … → importer → "onnxruntime-web". */
      chain: ortChain,
    },
    forbidden,
    inputs: allInputs,
    // tsup's split chunks import each other bare (import "./chunk.js"); esbuild notes that it drops
    // those under "sideEffects": false, which is the tree-shaking meant here, so those are left out.
    warnings: [...new Set(result.warnings.map((w) => w.text))].filter((t) => !t.includes("was marked as having no side effects")),
  };
}

function gitDescribe(root) {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "src", "package.json", "tsup.config.ts"], { cwd: root, encoding: "utf8" }).trim();
    return dirty ? `${head} + uncommitted src changes` : head;
  } catch {
    return "unknown";
  }
}

export async function sizeReport(packageRoot = REPO_ROOT) {
  const root = resolve(packageRoot);
  if (!existsSync(join(root, "package.json"))) throw new Error(`${root} has no package.json`);
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  if (pkg.name !== "senti-mlops") throw new Error(`${root} is package ${pkg.name}, not senti-mlops`);
  if (!existsSync(join(root, "dist"))) throw new Error(`${root}/dist is missing: build the package first (npm run build)`);
  const scenarios = [];
  for (const s of SCENARIOS) scenarios.push(await measure(s, root));
  return { packageRoot: root, commit: gitDescribe(root), esbuild: esbuildVersion, unit: "kB = 1000 bytes", scenarios };
}

// ---------------------------------------------------------------- output

const kb = (n) => (n / KB).toFixed(1);

export function markdownTable(report) {
  const rows = [
    "| scenario | initial raw (kB) | initial gzip (kB) | budget gzip (kB) | | lazy chunks raw / gzip (kB) | onnxruntime-web |",
    "|---|---:|---:|---:|---|---:|---|",
  ];
  for (const s of report.scenarios) {
    const status = s.budget == null ? "" : s.initial.gzip <= s.budget ? "ok" : "**over**";
    const lazy = s.lazy.files ? `${kb(s.lazy.raw)} / ${kb(s.lazy.gzip)} (${s.lazy.files})` : "—";
    const o = s.onnxruntimeWeb;
    const ort = s.external.includes("onnxruntime-web")
      ? "external"
      : o.initial
        ? "initial load"
        : o.reachable
          ? "lazy chunk"
          : o.anyChunk
            ? "in the graph (unreachable chunk)"
            : "absent";
    rows.push(`| (${s.id}) ${s.name} | ${kb(s.initial.raw)} | ${kb(s.initial.gzip)} | ${s.budget == null ? "—" : kb(s.budget)} | ${status} | ${lazy} | ${ort} |`);
  }
  return rows.join("\n");
}

function textReport(report) {
  const out = [
    `Browser bundle sizes: ${report.packageRoot} (${report.commit}), esbuild ${report.esbuild}, minified, gzip level 9; ${report.unit}`,
    "",
    markdownTable(report),
    "",
  ];
  for (const s of report.scenarios) {
    out.push(`(${s.id}) ${s.name} — ${s.file}`);
    out.push("  top inputs of the initial load (metafile bytesInOutput):");
    for (const t of s.topInputs) out.push(`    ${String(t.bytes).padStart(8)}  ${t.path}`);
    out.push("  top original modules of the initial load (through dist/ source maps):");
    for (const t of s.topSources) out.push(`    ${String(t.bytes).padStart(8)}  ${t.path}`);
    out.push("  initial load by area (source maps):");
    for (const t of s.topAreas) out.push(`    ${String(t.bytes).padStart(8)}  ${t.path}`);
    if (s.warnings.length) out.push(`  esbuild warnings: ${s.warnings.join("; ")}`);
    if (s.lazy.files) {
      out.push("  top inputs of lazy chunks (behind import()):");
      for (const t of s.lazyTopInputs) out.push(`    ${String(t.bytes).padStart(8)}  ${t.path}`);
    }
    if (s.unreachable.files) {
      out.push(`  unreachable chunks emitted (import() in tree-shaken code), ${kb(s.unreachable.raw)} kB raw:`);
      for (const t of s.unreachable.topInputs) out.push(`    ${String(t.bytes).padStart(8)}  ${t.path}`);
    }
    if (s.onnxruntimeWeb.chain && !s.external.includes("onnxruntime-web")) out.push(`  onnxruntime-web in the module graph through: ${s.onnxruntimeWeb.chain.join(" → ")}`);
    if (s.forbidden.length) out.push(`  FORBIDDEN (Node-only) imports: ${s.forbidden.join("; ")}`);
    out.push("");
  }
  return out.join("\n");
}

const START = "<!-- size-report:start -->";
const END = "<!-- size-report:end -->";

function writeDocs(report) {
  const path = join(REPO_ROOT, "docs", "benchmarks.md");
  const doc = readFileSync(path, "utf8");
  const i = doc.indexOf(START);
  const j = doc.indexOf(END);
  if (i < 0 || j < i) throw new Error(`${path} has no ${START} … ${END} section`);
  const body = [
    START,
    "",
    `Measured by \`node scripts/size-report.mjs --write\` on the package built at ${report.commit}, esbuild ${report.esbuild}.`,
    "",
    markdownTable(report),
    "",
    END,
  ].join("\n");
  writeFileSync(path, doc.slice(0, i) + body + doc.slice(j + END.length));
  return path;
}

async function main(argv) {
  const flags = new Set(argv.filter((a) => a.startsWith("--")));
  for (const f of flags) if (f !== "--json" && f !== "--write") throw new Error(`unknown flag ${f}`);
  const positional = argv.filter((a) => !a.startsWith("--"));
  if (positional.length > 1) throw new Error("usage: node scripts/size-report.mjs [packageRoot] [--json] [--write]");
  const report = await sizeReport(positional[0] ?? REPO_ROOT);
  if (flags.has("--json")) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(`${textReport(report)}\n`);
  if (flags.has("--write")) process.stderr.write(`updated ${writeDocs(report)}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e) => {
    const errors = Array.isArray(e?.errors) ? e.errors.map((m) => `${m.text}${m.location ? ` (${m.location.file}:${m.location.line})` : ""}`).join("\n") : "";
    process.stderr.write(`size-report: ${errors || e?.stack || e}\n`);
    process.exit(1);
  });
}
