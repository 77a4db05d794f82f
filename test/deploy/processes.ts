/**
 * Programs of the deployment tests run as plain processes on 127.0.0.1: each in its own process
 * group (MLflow's uvicorn and the service's node:cluster fork children, and a SIGKILL of the group
 * must leave nothing behind), its output kept (the service's JSON log lines parsed) so that a
 * failure can show what the program said, and waits bounded by a deadline with a message naming
 * what was awaited.
 */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { join } from "node:path";
import { keepOutputTail, killGroup, sleep, trackGroup, untrackGroup, waitGroupGone } from "../peers/process-group.js";
import { PROJECT_ROOT } from "../peers/python-env.js";

/** The built service. */
export const SERVICE_MAIN = join(PROJECT_ROOT, "examples", "express-server", "dist", "main.js");

const TAIL_CHARS = 20_000;

/** A program started by {@link startProgram}. */
export interface Program {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) when the program has exited. */
  readonly exited: Promise<number | string>;
  /** The exit code or signal, or null while it runs. */
  exit(): number | string | null;
  /** The last characters it wrote to stdout and stderr. */
  tail(): string;
  /** Sends `signal` to its whole process group. */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves when no process of the group is left. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<Program>();

/** Starts `command` in its own process group with its output kept. */
export function startProgram(name: string, command: string, args: readonly string[], options: SpawnOptions = {}): Program {
  const child = spawn(command, args, { ...options, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const pgid = child.pid;
  if (pgid === undefined) throw new Error(`${name}: could not start ${command}`);
  trackGroup(pgid);
  const output = keepOutputTail(child, TAIL_CHARS);
  let exit: number | string | null = null;
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => {
      exit = code ?? signal ?? "unknown";
      resolve(exit);
    });
    child.once("error", (e) => {
      output.note(`spawn error: ${e.message}`);
      exit = "spawn error";
      resolve(exit);
    });
  });
  let stopping: Promise<void> | null = null;
  const program: Program = {
    name,
    child,
    exited,
    exit: () => exit,
    tail: output.text,
    signal: (signal) => killGroup(pgid, signal),
    stop: (graceMs = 15_000) =>
      (stopping ??= (async () => {
        killGroup(pgid, "SIGTERM");
        if (!(await waitGroupGone(pgid, graceMs))) {
          killGroup(pgid, "SIGKILL");
          await waitGroupGone(pgid, 5_000);
        }
        await Promise.race([exited, sleep(1_000)]);
        untrackGroup(pgid);
        running.delete(program);
      })()),
  };
  running.add(program);
  return program;
}

/** Stops every program still running (afterAll). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop(5_000)));
}

/**
 * Polls `check` until it returns a value other than undefined; throws after `timeoutMs` naming
 * `what`, with `context()` (logs) appended. The deadline bounds a wait that would otherwise hang.
 */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined> | T | undefined, context: () => string = () => "", intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ""}\n${context()}`);
    }
    await sleep(intervalMs);
  }
}

/** GET `url` with a timeout; resolves with the status and JSON body (or null), or undefined when nothing answered. */
export async function getJson(url: string, headers: Record<string, string> = {}, timeoutMs = 5_000): Promise<{ status: number; body: Record<string, unknown> | null } | undefined> {
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    let body: Record<string, unknown> | null = null;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = null;
    }
    return { status: res.status, body };
  } catch {
    return undefined;
  }
}

/** A running service process (examples/express-server/dist/main.js). */
export interface ServiceProgram extends Program {
  readonly url: string;
  /** Its JSON log lines, parsed, in order. */
  readonly lines: Record<string, unknown>[];
}

/** Starts the built service on 127.0.0.1:`port` with exactly `env` (plus PATH). */
export function startService(name: string, port: number, env: Record<string, string>): ServiceProgram {
  const program = startProgram(name, process.execPath, [SERVICE_MAIN], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LOG_LEVEL: "info", ...env, HOST: "127.0.0.1", PORT: String(port) },
  });
  const lines: Record<string, unknown>[] = [];
  let buffer = "";
  program.child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split("\n");
    buffer = parts.pop()!;
    for (const text of parts.filter(Boolean)) {
      try {
        lines.push(JSON.parse(text) as Record<string, unknown>);
      } catch {
        lines.push({ msg: text });
      }
    }
  });
  return Object.assign(program, { url: `http://127.0.0.1:${port}`, lines });
}
