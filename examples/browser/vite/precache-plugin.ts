/**
 * Writes the service worker (vite/service-worker.js) into the build as `sw.js`, listing every file
 * the build emitted — the page's and the training worker's chunks and the WebAssembly files of
 * ONNX Runtime and SQLite — so that the app loads offline after one visit. Written for this app
 * instead of taking a PWA plugin: the whole mechanism is this file and 60 lines of worker.
 */
import { createHash } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import type { Plugin, ResolvedConfig } from "vite";

const TEMPLATE = new URL("./service-worker.js", import.meta.url);
const OUTPUT = "sw.js";

/** Every file under `root`, as paths relative to it with `/` separators, sorted. */
async function listFiles(root: string, dir = root): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(root, path)));
    else if (entry.isFile()) files.push(relative(root, path).split(sep).join("/"));
  }
  return files.sort();
}

export function precacheAppShell(): Plugin {
  let config: ResolvedConfig;
  return {
    name: "senti-example-precache",
    apply: "build",
    configResolved(resolved) {
      config = resolved;
    },
    // After the bundle is written: the training worker's chunks and every asset are on disk by then.
    async closeBundle() {
      const outDir = resolve(config.root, config.build.outDir);
      const files = (await listFiles(outDir)).filter((file) => file !== OUTPUT && !file.endsWith(".map"));
      const hash = createHash("sha256");
      for (const file of files) hash.update(file).update(await readFile(join(outDir, file)));
      const source = (await readFile(TEMPLATE, "utf8"))
        .replace('"__PRECACHE_VERSION__"', JSON.stringify(hash.digest("hex").slice(0, 16)))
        .replace("[] /* __PRECACHE_FILES__ */", JSON.stringify(files));
      await writeFile(join(outDir, OUTPUT), source);
    },
  };
}
