/**
 * Runs a child process to completion and returns its exit code and output, never throwing on a
 * non-zero exit: tests of the built package and the CLI assert on all three.
 */
import { spawn } from "node:child_process";

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunProcessOptions {
  cwd?: string;
  /** Written to stdin, which is then closed (stdin is closed at once without it). */
  input?: string;
  env?: NodeJS.ProcessEnv;
  /** Kills the process after this many ms. @default 120000 */
  timeoutMs?: number;
}

/**
 * The environment of the test runner without what `npm test` adds for its own script
 * (npm_package_*, npm_lifecycle_*, npm_config_local_prefix, …), so that npm, npx and node started
 * in another folder behave as they would for a user there.
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_(package_|lifecycle_|command$|execpath$|node_execpath$|config_(local_prefix|call|yes|argv)$)/i.test(key)) continue;
    if (key === "INIT_CWD" || key === "NODE_OPTIONS" || key.startsWith("VITEST") || key === "TEST") continue;
    env[key] = value;
  }
  return { ...env, NO_COLOR: "1", ...extra };
}

export function runProcess(command: string, args: readonly string[], options: RunProcessOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? cleanEnv(),
      stdio: ["pipe", "pipe", "pipe"],
      timeout: options.timeoutMs ?? 120_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.on("error", () => {}); // the child may exit before reading all of its input
    child.stdin.end(options.input ?? "");
  });
}

/** A one-paragraph description of a finished process, for assertion messages. */
export function describeResult(r: ProcessResult): string {
  return `exit ${r.code}${r.signal ? ` (${r.signal})` : ""}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}
