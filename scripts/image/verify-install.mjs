#!/usr/bin/env node
// Checks that `npm ci` really installed what the lockfile says, so that a broken node_modules can
// never be cached as a successful image layer. npm 10 once printed `Exit handler never called!`
// after a TLS error yet exited 0, leaving a partial node_modules; the next stage then failed far
// from the cause (`tsup: not found`). Run from the folder holding package-lock.json:
//
//   node scripts/image/verify-install.mjs [--omit=dev] [--load <package>]...
//
// Every package this install needs (walked from the root and the workspaces present, as Node
// resolves them; with --omit=dev without the development dependencies; optional ones only when
// installed) must be present at its locked version. Each --load package is then loaded (native addons included), which also proves
// that pruning left what the platform needs. Exits 1 naming what is wrong.

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const args = process.argv.slice(2);
const omitDev = args.includes("--omit=dev");
const load = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--load") {
    if (!args[i + 1]) fail("--load needs a package name");
    load.push(args[++i]);
  } else if (args[i] !== "--omit=dev") fail(`unknown argument ${JSON.stringify(args[i])} (expected --omit=dev or --load <package>)`);
}

function fail(message) {
  process.stderr.write(`verify-install: ${message}\n`);
  process.exit(1);
}

const root = process.cwd();
const lockPath = join(root, "package-lock.json");
if (!existsSync(lockPath)) fail(`no package-lock.json in ${root}`);
const lock = JSON.parse(readFileSync(lockPath, "utf8"));
if (!lock.packages) fail(`package-lock.json has no "packages" (lockfileVersion ${lock.lockfileVersion}; npm 7 or later writes it)`);

// Walk the dependency graph as Node resolves it, from the root and the workspaces present here (a
// build context may hold only some of them), through the lockfile's package entries.
const problems = [];
const seen = new Set();
const queue = [];
const rootEntry = lock.packages[""] ?? {};
const want = (from, entry, { dev }) => {
  const edges = [];
  for (const name of Object.keys(entry.dependencies ?? {})) edges.push({ name, optional: false });
  for (const name of Object.keys(entry.optionalDependencies ?? {})) edges.push({ name, optional: true });
  for (const name of Object.keys(entry.peerDependencies ?? {})) {
    edges.push({ name, optional: Boolean(entry.peerDependenciesMeta?.[name]?.optional) });
  }
  if (dev) for (const name of Object.keys(entry.devDependencies ?? {})) edges.push({ name, optional: false });
  for (const edge of edges) queue.push({ from, ...edge });
};
want("", rootEntry, { dev: !omitDev });
for (const [path, entry] of Object.entries(lock.packages)) {
  const isWorkspace = path !== "" && !path.includes("node_modules/");
  if (isWorkspace && existsSync(join(root, path, "package.json"))) want(path, entry, { dev: !omitDev });
}
/** The lockfile path Node would load `name` from when required in the package at `from`. */
function resolveIn(from, name) {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ""}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!base) return null;
    const cut = base.lastIndexOf("/node_modules/");
    base = cut >= 0 ? base.slice(0, cut) : "";
  }
}
while (queue.length > 0) {
  const { from, name, optional } = queue.shift();
  const path = resolveIn(from, name);
  if (!path) {
    if (!optional) problems.push(`${name} (needed by ${from || "the root"}): not in package-lock.json`);
    continue;
  }
  if (seen.has(path)) continue;
  const entry = lock.packages[path];
  if (entry.link) {
    seen.add(path);
    const target = entry.resolved ?? "";
    if (!existsSync(join(root, path, "package.json")) || !existsSync(join(root, target, "package.json"))) {
      if (!optional) problems.push(`${path}: link to ${target} missing`);
    }
    continue;
  }
  const manifest = join(root, path, "package.json");
  if (!existsSync(manifest)) {
    if (!optional) problems.push(`${path}: missing`);
    continue;
  }
  seen.add(path);
  const version = JSON.parse(readFileSync(manifest, "utf8")).version;
  if (entry.version && version !== entry.version) problems.push(`${path}: ${version} installed, ${entry.version} locked`);
  want(path, entry, { dev: false });
}
const checked = seen.size;
if (problems.length > 0) {
  fail(`node_modules does not match package-lock.json (${problems.length} missing or wrong, ${checked} as locked):\n  ${problems.slice(0, 20).join("\n  ")}`);
}

const requireHere = createRequire(resolve(root, "package.json"));
for (const name of load) {
  try {
    const mod = requireHere(name);
    // better-sqlite3 loads its native addon on the first database, not on require.
    if (name === "better-sqlite3") new mod(":memory:").close();
  } catch (err) {
    fail(`cannot load ${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
process.stdout.write(`verify-install: ${checked} packages match package-lock.json${load.length ? `; loaded ${load.join(", ")}` : ""}\n`);
