/**
 * `npm start`: one command from a fresh checkout to the running app.
 *
 * 1. Installs the repository's dependencies when they are missing (this example is one of its npm
 *    workspaces, so one install at the root serves the library, its tests and this app).
 * 2. Builds the library when dist/ is missing (the app imports the package as a user's app would,
 *    through its exports, i.e. the built files), and says so when dist/ is older than src/ —
 *    rebuilding would delete dist/ under anything else using it, such as a test run.
 * 3. Builds the app and serves the build (`vite preview`): the service worker, and so offline use,
 *    exists only in a build. `npm run dev` is the dev server with hot reload instead.
 *
 * Options after `--` go to `vite preview` (e.g. `npm start -- --port 8080`).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const APP = fileURLToPath(new URL("..", import.meta.url));
const REPOSITORY = join(APP, "..", "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/**
 * Runs a command with the terminal attached; exits with its status when it fails.
 * @param {string} command @param {string[]} args @param {string} cwd @param {Record<string, string>} [env]
 */
function run(command, args, cwd, env = {}) {
  console.log(`\n> ${command} ${args.join(" ")}   (in ${cwd})`);
  // onnxruntime-node's postinstall downloads GPU binaries and fails offline; the CPU ones ship in the package.
  const result = spawnSync(command, args, { cwd, stdio: "inherit", env: { ONNXRUNTIME_NODE_INSTALL: "skip", ...process.env, ...env } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** The newest modification time of any file under `dir`. @param {string} dir @returns {number} */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

if (!existsSync(join(REPOSITORY, "node_modules", "vite")) || !existsSync(join(REPOSITORY, "node_modules", "senti-mlops-browser-example"))) {
  run(npm, ["install", "--no-audit", "--no-fund"], REPOSITORY);
}
const built = join(REPOSITORY, "dist", "index.js");
if (!existsSync(built)) run(npm, ["run", "build"], REPOSITORY);
else if (statSync(built).mtimeMs < newest(join(REPOSITORY, "src"))) {
  console.log(`\nNote: the library's dist/ is older than src/; run "npm run build" in ${REPOSITORY} to see your changes here.`);
}
// A production build whatever NODE_ENV the shell has: Vite builds for development otherwise, without the service worker.
run(npm, ["exec", "--", "vite", "build"], APP, { NODE_ENV: "production" });
run(npm, ["exec", "--", "vite", "preview", ...process.argv.slice(2)], APP);
