/**
 * The service as processes for tests: `node examples/express-server/dist/main.js` started with an
 * environment on 127.0.0.1 and a free port, its JSON log lines collected, and requests made on fresh
 * connections (so node:cluster's round-robin spreads them over the workers). Processes still running
 * when a test ends are killed by {@link killAll}.
 *
 * Needs `npm run build`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { join } from "node:path";
import { SERVER_DIR } from "./helpers.js";

/** The built service. */
export const MAIN = join(SERVER_DIR, "dist", "main.js");
const children: ChildProcess[] = [];

/** Kills (SIGKILL) every process started by {@link startMain} that is still running. */
export function killAll(): void {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
}

/** A started main.js. */
export interface Started {
  child: ChildProcess;
  url: string;
  lines: Record<string, unknown>[];
  exited: Promise<number | null>;
}

/** Starts main.js and resolves once `ready` has been logged (the port comes from the first "listening" line). */
export function startMain(env: Record<string, string>, ready: RegExp): Promise<Started> {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH, HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "info", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  const lines: Record<string, unknown>[] = [];
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let port: number | undefined;
    let buffer = "";
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      buffer += chunk;
      const parts = buffer.split("\n");
      buffer = parts.pop()!;
      for (const text of parts.filter(Boolean)) {
        const line = JSON.parse(text) as Record<string, unknown>;
        lines.push(line);
        if (line.msg === "listening" && port === undefined) port = line.port as number;
        if (ready.test(String(line.msg)) && port !== undefined) resolve({ child, url: `http://127.0.0.1:${port}`, lines, exited });
      }
    });
    void exited.then((code) => reject(new Error(`main.js exited (${code}) before it was ready: ${stderr}\n${lines.map((l) => JSON.stringify(l)).join("\n")}`)));
  });
}

/** One request on a fresh connection (so the cluster's round-robin spreads them over the workers). */
export function once(url: string, path: string, method = "GET", body = "", headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, agent: false, headers: { connection: "close", ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode!, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

