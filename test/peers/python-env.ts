/**
 * The project-local Python virtualenv that holds the real peers (scikit-learn, later MLflow).
 *
 * Created on first use from test/peers/requirements.txt and reused while that file is unchanged
 * (a hash of it is stored in .venv/.senti-requirements). Nothing is skipped when Python or PyPI is
 * missing: the setup fails loudly, because the parity tests are the point.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const PROJECT_ROOT = resolve(import.meta.dirname, "../..");
export const VENV_DIR = join(PROJECT_ROOT, ".venv");
export const VENV_PYTHON = join(VENV_DIR, "bin", "python");
const REQUIREMENTS = join(PROJECT_ROOT, "test", "peers", "requirements.txt");
const MARKER = join(VENV_DIR, ".senti-requirements");

/** Creates or refreshes .venv so that it matches requirements.txt; returns the interpreter path. */
export function ensurePythonEnv(log: (line: string) => void = () => {}): string {
  const wanted = createHash("sha256").update(readFileSync(REQUIREMENTS)).digest("hex");
  if (existsSync(MARKER) && readFileSync(MARKER, "utf8").trim() === wanted && existsSync(VENV_PYTHON)) {
    return VENV_PYTHON;
  }
  const python = process.env.PYTHON ?? "python3";
  if (!existsSync(VENV_PYTHON)) {
    log(`creating ${VENV_DIR} with ${python}`);
    execFileSync(python, ["-m", "venv", VENV_DIR], { stdio: "inherit" });
  }
  log(`installing ${REQUIREMENTS} into ${VENV_DIR}`);
  execFileSync(VENV_PYTHON, ["-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", REQUIREMENTS], {
    stdio: "inherit",
  });
  writeFileSync(MARKER, wanted + "\n");
  return VENV_PYTHON;
}
