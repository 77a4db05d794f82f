/**
 * Reads examples/express-server/Dockerfile so that the process tests run what the image runs: the
 * `prod-deps` stage's install commands (to build a production-style node_modules outside Docker),
 * and the runtime stage's ENV, WORKDIR, CMD and HEALTHCHECK.
 */
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { runProcess, describeResult, cleanEnv } from "../helpers/run-process.js";
import { PROJECT_ROOT } from "../peers/python-env.js";

export const DOCKERFILE = join(PROJECT_ROOT, "examples", "express-server", "Dockerfile");

interface Stage {
  name: string;
  from: string;
  instructions: { keyword: string; args: string }[];
}

/** The Dockerfile's stages, with continuation lines joined and comments dropped. */
export function parseDockerfile(text = readFileSync(DOCKERFILE, "utf8")): { args: Record<string, string>; stages: Stage[] } {
  const logical: string[] = [];
  let current = "";
  for (const line of text.split("\n")) {
    if (/^\s*#/.test(line)) continue;
    if (line.endsWith("\\")) current += `${line.slice(0, -1)} `;
    else {
      current += line;
      if (current.trim()) logical.push(current.trim());
      current = "";
    }
  }
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword, rest] = /^(\w+)\s+([\s\S]*)$/.exec(line) ?? [];
    if (!keyword) continue;
    const upper = keyword.toUpperCase();
    if (upper === "FROM") {
      const [, from, name] = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(rest!)!;
      stages.push({ name: name ?? String(stages.length), from: from!, instructions: [] });
    } else if (stages.length === 0 && upper === "ARG") {
      const [k, v] = rest!.split("=");
      args[k!] = v ?? "";
    } else stages.at(-1)?.instructions.push({ keyword: upper, args: rest! });
  }
  return { args, stages };
}

/** Parses `ENV A=1 B="two"` into pairs. */
function envPairs(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of args.matchAll(/(\w+)=("([^"]*)"|\S*)/g)) out[m[1]!] = m[3] ?? m[2]!;
  return out;
}

/** A stage and its ancestors, oldest first. */
function lineage(stages: Stage[], name: string): Stage[] {
  const stage = stages.find((s) => s.name === name);
  if (!stage) return [];
  return [...lineage(stages, stage.from), stage];
}

/** What the runtime stage runs: its environment, working folder (inside /app), command and health check. */
export function runtimeSpec(): { env: Record<string, string>; workdir: string; cmd: string[]; healthcheck: string[] } {
  const { stages } = parseDockerfile();
  const runtime = stages.at(-1)!;
  let env: Record<string, string> = {};
  let workdir = "/";
  let cmd: string[] = [];
  let healthcheck: string[] = [];
  for (const i of runtime.instructions) {
    if (i.keyword === "ENV") env = { ...env, ...envPairs(i.args) };
    if (i.keyword === "WORKDIR") workdir = i.args.startsWith("/") ? i.args : join(workdir, i.args);
    if (i.keyword === "CMD") cmd = JSON.parse(i.args) as string[];
    if (i.keyword === "HEALTHCHECK") healthcheck = JSON.parse(/\bCMD\s+(\[.*\])\s*$/.exec(i.args)![1]!) as string[];
  }
  return { env, workdir, cmd, healthcheck };
}

/**
 * A production-style install as the image's `prod-deps` stage makes it: the files its stages COPY
 * from the build context (manifests, lockfile, the install check) copied to a folder, the stage's
 * RUN commands run there with its ENV and ARG defaults.
 * Cached under .cache/ by the hash of the inputs (the native better-sqlite3 build takes a minute).
 * On this machine node-gyp uses the system Node's headers (as the project's .npmrc says).
 */
export async function productionInstall(): Promise<string> {
  const { args, stages } = parseDockerfile();
  const chain = lineage(stages, "prod-deps");
  // The files the stages COPY from the build context (manifests, lockfile, the install check),
  // each with its place under /app.
  const inputs: { from: string; to: string }[] = [];
  for (const stage of chain) {
    for (const i of stage.instructions) {
      if (i.keyword !== "COPY" || i.args.startsWith("--")) continue;
      const parts = i.args.split(/\s+/);
      const dest = parts.pop()!;
      for (const from of parts) inputs.push({ from, to: dest.endsWith("/") ? join(dest, from.split("/").at(-1)!) : dest });
    }
  }
  const hash = createHash("sha256");
  for (const f of inputs) hash.update(`${f.to}\0`).update(readFileSync(join(PROJECT_ROOT, f.from)));
  const runs: string[] = [];
  let env: Record<string, string> = {};
  const stageArgs: Record<string, string> = { ...args };
  for (const stage of chain) {
    for (const i of stage.instructions) {
      if (i.keyword === "ENV") env = { ...env, ...envPairs(i.args) };
      if (i.keyword === "ARG" && i.args.includes("=")) stageArgs[i.args.split("=")[0]!] = i.args.split("=").slice(1).join("=");
      if (i.keyword === "RUN" && stage.name === "prod-deps") runs.push(i.args.replace(/--mount=\S+\s+/g, ""));
    }
  }
  hash.update(JSON.stringify({ runs, env, stageArgs }));
  const dir = join(PROJECT_ROOT, ".cache", "server-prod-install", hash.digest("hex").slice(0, 16));
  if (existsSync(join(dir, "node_modules", ".senti-complete"))) return dir;
  rmSync(dir, { recursive: true, force: true });
  for (const f of inputs) {
    mkdirSync(dirname(join(dir, f.to)), { recursive: true });
    cpSync(join(PROJECT_ROOT, f.from), join(dir, f.to));
  }
  const nodedir = existsSync("/usr/include/node/node.h") ? { npm_config_nodedir: "/usr" } : {};
  for (const command of runs) {
    const result = await runProcess("sh", ["-c", command], { cwd: dir, env: cleanEnv({ ...env, ...stageArgs, ...nodedir }), timeoutMs: 600_000 });
    if (result.code !== 0) throw new Error(`prod-deps RUN failed: ${command}\n${describeResult(result)}`);
  }
  writeFileSync(join(dir, "node_modules", ".senti-complete"), "");
  return dir;
}

/**
 * The image's /app laid out in `target`: the production node_modules, the original package.json,
 * the built library, its CLI and the service — what the runtime stage COPYs.
 */
export function assembleImageTree(prodInstall: string, target: string): void {
  cpSync(join(prodInstall, "node_modules"), join(target, "node_modules"), { recursive: true, verbatimSymlinks: true });
  cpSync(join(PROJECT_ROOT, "package.json"), join(target, "package.json"));
  cpSync(join(PROJECT_ROOT, "dist"), join(target, "dist"), { recursive: true });
  cpSync(join(PROJECT_ROOT, "bin"), join(target, "bin"), { recursive: true });
  mkdirSync(join(target, "examples", "express-server"), { recursive: true });
  cpSync(join(PROJECT_ROOT, "examples", "express-server", "package.json"), join(target, "examples", "express-server", "package.json"));
  cpSync(join(PROJECT_ROOT, "examples", "express-server", "dist"), join(target, "examples", "express-server", "dist"), { recursive: true });
}
