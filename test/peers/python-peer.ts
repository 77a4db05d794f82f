/**
 * Runs a Python peer script of test/peers that reads one JSON request on stdin and prints one JSON
 * line last (MLflow quiet, in the project's .venv).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { MLFLOW_QUIET_ENV } from "./mlflow-server.js";
import { VENV_PYTHON } from "./python-env.js";

const execFileAsync = promisify(execFile);

/**
 * `python script command` with `request` as JSON on stdin (and `env` on top of MLflow's quiet one); resolves to the last line of stdout, parsed.
 *
 * @example
 * ```ts
 * const seen = await pythonPeer<{ mlflow: string }>(PEER, "inspect", { tracking_uri }, dir);
 * ```
 */
export async function pythonPeer<T>(script: string, command: string, request: unknown, cwd: string, env: Record<string, string> = {}): Promise<T> {
  const child = execFileAsync(VENV_PYTHON, [script, command], { cwd, env: { ...process.env, ...MLFLOW_QUIET_ENV, ...env }, maxBuffer: 256 << 20 });
  child.child.stdin!.end(JSON.stringify(request));
  const { stdout } = await child;
  return JSON.parse(stdout.trim().split("\n").pop()!) as T;
}
