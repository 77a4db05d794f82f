#!/usr/bin/env node
/**
 * `npm start`'s build step: runs `npm run build` only when the build is stale — an output is
 * missing, there is no stamp of a successful build, or a build input (the library's and the
 * service's sources, the build and TypeScript configs, the package manifests and the lock file)
 * was modified after the last successful build started. Prints one line saying whether it built,
 * or why it skipped. Plain Node, no dependencies.
 *
 * The stamp lives in node_modules/.cache (not in dist/, which is published), so `npm ci` also
 * forces a build.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * What the build reads, relative to the project root: a trailing `/` is a folder (walked
 * recursively), a `*` matches within one folder's file names, anything else is one file. Missing
 * entries are ignored.
 */
export const BUILD_INPUTS = Object.freeze([
  "src/",
  "examples/express-server/src/",
  "tsup.config.ts",
  "tsconfig*.json",
  "package.json",
  "package-lock.json",
  "examples/express-server/package.json",
  "examples/express-server/tsconfig.json",
]);

/** What the build writes (one file per output tree): any of them missing means a build is needed. */
export const BUILD_OUTPUTS = Object.freeze(["dist/index.js", "examples/express-server/dist/main.js"]);

/** The stamp written after a successful build; its mtime is when that build started. */
export const BUILD_STAMP = "node_modules/.cache/senti-mlops/build-stamp";

/** Files of one input entry, absolute. */
function expand(root, entry) {
  if (entry.endsWith("/")) {
    const files = [];
    const walk = (dir) => {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const path = join(dir, e.name);
        if (e.isDirectory()) walk(path);
        else if (e.isFile()) files.push(path);
      }
    };
    walk(join(root, entry));
    return files;
  }
  if (entry.includes("*")) {
    const dir = join(root, dirname(entry));
    const pattern = new RegExp(`^${entry.slice(entry.lastIndexOf("/") + 1).replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")}$`);
    try {
      return readdirSync(dir).filter((name) => pattern.test(name)).map((name) => join(dir, name));
    } catch {
      return [];
    }
  }
  return [join(root, entry)];
}

/** The modification time of a file in ms, or null when it does not exist. */
function mtimeOf(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * Decides whether the build under `root` is stale: an output missing, no stamp, or an input newer
 * than the stamp. Reads only file metadata.
 *
 * @param {string} root the project root
 * @param {{ inputs?: readonly string[], outputs?: readonly string[], stamp?: string }} [options] paths relative to root
 * @returns {{ stale: boolean, reason: string }} `reason` is one human-readable clause
 *
 * @example
 * ```js
 * const { stale, reason } = checkBuild(process.cwd());
 * // { stale: true, reason: "src/predict.ts changed after the last build" }
 * ```
 */
export function checkBuild(root, options = {}) {
  const { inputs = BUILD_INPUTS, outputs = BUILD_OUTPUTS, stamp = BUILD_STAMP } = options;
  for (const output of outputs) {
    if (mtimeOf(join(root, output)) === null) return { stale: true, reason: `${output} is missing` };
  }
  const built = mtimeOf(join(root, stamp));
  if (built === null) return { stale: true, reason: `no stamp of a successful build (${stamp})` };
  let newest = null;
  for (const entry of inputs) {
    for (const file of expand(root, entry)) {
      const mtime = mtimeOf(file);
      if (mtime !== null && (newest === null || mtime > newest.mtime)) newest = { file, mtime };
    }
  }
  if (newest && newest.mtime > built) return { stale: true, reason: `${relative(root, newest.file)} changed after the last build` };
  return { stale: false, reason: `nothing changed since the last build (${new Date(built).toISOString()})` };
}

/**
 * Writes the stamp of a successful build that started at `startedMs`.
 *
 * @param {string} root the project root
 * @param {number} startedMs when the build started (`Date.now()` before it)
 * @param {string} [stamp] the stamp's path, relative to root
 *
 * @example
 * ```js
 * const started = Date.now();
 * // … a successful build …
 * writeBuildStamp(process.cwd(), started);
 * ```
 */
export function writeBuildStamp(root, startedMs, stamp = BUILD_STAMP) {
  const path = join(root, stamp);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${new Date(startedMs).toISOString()}\n`);
  utimesSync(path, startedMs / 1000, startedMs / 1000);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  const { stale, reason } = checkBuild(root);
  if (!stale) {
    process.stderr.write(`build-if-stale: skipping the build: ${reason}\n`);
  } else {
    process.stderr.write(`build-if-stale: building (npm run build): ${reason}\n`);
    const started = Date.now();
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const result = spawnSync(npm, ["run", "build"], { cwd: root, stdio: "inherit" });
    if (result.status !== 0) process.exit(result.status ?? 1);
    writeBuildStamp(root, started);
  }
}
