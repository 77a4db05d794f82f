/**
 * The browser example (examples/browser) as the tests serve it: built with Vite from its own
 * vite.config.ts (the app imports `senti-mlops` by name, which the workspace links to this
 * checkout, so the build reads the built dist/ through package.json `exports`), read into memory,
 * and joined by the shared BERT model's files at `/models/bert-tiny-sst2/…` — served from memory,
 * never copied into the repository.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { PROJECT_ROOT, distFile } from "../helpers/dist.js";
import { SHARED } from "../peers/sklearn.js";

export const EXAMPLE_DIR = join(PROJECT_ROOT, "examples", "browser");
export const BERT_DIR = join(SHARED, "models", "bert-tiny-sst2");
/** Where the site serves the BERT model folder. */
export const BERT_PATH = "/models/bert-tiny-sst2";
const BERT_FILES = ["config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "onnx/model.onnx"];

async function readTree(root: string, dir = root, files = new Map<string, Uint8Array>()): Promise<Map<string, Uint8Array>> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await readTree(root, path, files);
    else files.set(`/${relative(root, path).split(sep).join("/")}`, new Uint8Array(await readFile(path)));
  }
  return files;
}

/** Builds the example (`vite build` with its config) and returns its files by URL path, the model's included. */
export async function buildExampleSite(): Promise<Map<string, Uint8Array>> {
  distFile("index.js"); // fails clearly when the package has not been built
  const outDir = await mkdtemp(join(tmpdir(), "senti-example-"));
  try {
    const { build } = await import("vite");
    // Vite builds for production only when NODE_ENV says so or is unset, and vitest sets it to
    // "test": without this the app would be built as for the dev server (no service worker).
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = "production";
    try {
      await build({ root: EXAMPLE_DIR, configFile: join(EXAMPLE_DIR, "vite.config.ts"), logLevel: "silent", build: { outDir, emptyOutDir: true } });
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
    const files = await readTree(outDir);
    for (const file of BERT_FILES) files.set(`${BERT_PATH}/${file}`, new Uint8Array(await readFile(join(BERT_DIR, file))));
    return files;
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
