/**
 * Bundles a BERT test page the way a web app would: with Vite (`vite build`), webpack 5 (production
 * mode, no configuration beyond entry and output) or esbuild (`--bundle --format=esm`, one file).
 * Each bundler sees `senti-mlops` as an installed package: a temporary app folder holds the page,
 * an `index.html` and a `node_modules` as `npm install` leaves it — `senti-mlops` a folder with
 * package.json and a copy of dist/ (what the tarball holds), every other package a symlink into
 * this repository's node_modules (onnxruntime-web, @huggingface/tokenizers, …). Not a symlink to
 * the repository itself: webpack ≥ 5.10x reads the tsconfig.json it finds beside a package's files,
 * and the repository's (which is not published) maps `#runtime/*` to Node's binding.
 *
 * The result is the site as the bundler emitted it: every output file by its URL path.
 */
import { copyFile, cp, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, sep } from "node:path";
import { PROJECT_ROOT, distFile } from "../helpers/dist.js";

export type Bundler = "vite" | "webpack" | "esbuild";

/** A bundled site: files by URL path (`/index.html`, `/assets/index-abc.js`, …). */
export interface BundledSite {
  readonly bundler: Bundler;
  readonly files: Map<string, Uint8Array>;
}

const PAGE_HTML = (script: string, type: "module" | "classic") =>
  `<!doctype html><html><head><meta charset="utf-8"><title>senti-mlops bert</title></head><body><pre id="out">loading…</pre><script ${type === "module" ? 'type="module" ' : ""}src="${script}"></script></body></html>`;

async function readTree(root: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else files.set(`/${relative(root, path).split(sep).join("/")}`, new Uint8Array(await readFile(path)));
    }
  };
  await walk(root);
  return files;
}

/**
 * A temporary app folder: the page as `src/page.js` (with the `.js` files beside it, which it may
 * import), and node_modules as an install leaves it.
 */
async function appFolder(entry: string): Promise<string> {
  const app = await mkdtemp(join(tmpdir(), "senti-bert-app-"));
  const modules = join(app, "node_modules");
  await mkdir(join(app, "src"));
  await mkdir(join(modules, "senti-mlops"), { recursive: true });
  for (const name of await readdir(dirname(entry))) {
    if (name.endsWith(".js") && join(dirname(entry), name) !== entry) await copyFile(join(dirname(entry), name), join(app, "src", name));
  }
  await copyFile(entry, join(app, "src", "page.js"));
  await copyFile(join(PROJECT_ROOT, "package.json"), join(modules, "senti-mlops", "package.json"));
  await cp(join(PROJECT_ROOT, "dist"), join(modules, "senti-mlops", "dist"), { recursive: true });
  const installed = join(PROJECT_ROOT, "node_modules");
  for (const name of await readdir(installed)) {
    if (name.startsWith(".") || name.startsWith("senti-mlops")) continue;
    await symlink(join(installed, name), join(modules, name), "dir");
  }
  return app;
}

async function viteSite(entry: string): Promise<Map<string, Uint8Array>> {
  const app = await appFolder(entry);
  try {
    await writeFile(join(app, "index.html"), PAGE_HTML("/src/page.js", "module"));
    const { build } = await import("vite");
    await build({ root: app, configFile: false, logLevel: "silent", build: { outDir: join(app, "dist"), emptyOutDir: true } });
    return await readTree(join(app, "dist"));
  } finally {
    await rm(app, { recursive: true, force: true });
  }
}

async function webpackSite(entry: string): Promise<Map<string, Uint8Array>> {
  const app = await appFolder(entry);
  try {
    const { default: webpack } = await import("webpack");
    const out = join(app, "dist");
    const stats = await new Promise<import("webpack").Stats>((resolve, reject) => {
      webpack({ mode: "production", context: app, entry: "./src/page.js", output: { path: out, filename: "page.js" } }, (error, result) =>
        error || !result ? reject(error ?? new Error("webpack gave no stats")) : resolve(result),
      );
    });
    if (stats.hasErrors()) throw new Error(`webpack failed:\n${stats.toString({ all: false, errors: true })}`);
    await writeFile(join(out, "index.html"), PAGE_HTML("/page.js", "classic"));
    return await readTree(out);
  } finally {
    await rm(app, { recursive: true, force: true });
  }
}

async function esbuildSite(entry: string): Promise<Map<string, Uint8Array>> {
  const app = await appFolder(entry);
  try {
    const { build } = await import("esbuild");
    const out = join(app, "dist");
    await build({ absWorkingDir: app, entryPoints: ["src/page.js"], bundle: true, format: "esm", outfile: join(out, "page.js"), logLevel: "silent" });
    await writeFile(join(out, "index.html"), PAGE_HTML("/page.js", "module"));
    return await readTree(out);
  } finally {
    await rm(app, { recursive: true, force: true });
  }
}

/**
 * Bundles the page module `entry` (an absolute path) with `bundler` into a site whose
 * `/index.html` runs it.
 *
 * @example
 * ```ts
 * const site = await bundleBertSite("vite", fileURLToPath(new URL("./bert-page.js", import.meta.url)));
 * ```
 */
export async function bundleBertSite(bundler: Bundler, entry: string): Promise<BundledSite> {
  distFile("bert.js"); // fails clearly when dist/ has not been built
  const files = bundler === "vite" ? await viteSite(entry) : bundler === "webpack" ? await webpackSite(entry) : await esbuildSite(entry);
  return { bundler, files };
}

/** onnxruntime-web's runtime files (`ort-wasm-*.wasm` and `ort-wasm-*.mjs`), as a site would copy them from node_modules. */
export async function onnxruntimeWebFiles(): Promise<Map<string, Uint8Array>> {
  const dir = join(PROJECT_ROOT, "node_modules", "onnxruntime-web", "dist");
  const files = new Map<string, Uint8Array>();
  for (const name of await readdir(dir)) {
    if (/^ort-wasm-.*\.(wasm|mjs)$/.test(name)) files.set(basename(name), new Uint8Array(await readFile(join(dir, name))));
  }
  return files;
}
