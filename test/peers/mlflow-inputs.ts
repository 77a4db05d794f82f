/**
 * The TypeScript side of test/peers/mlflow_inputs.py: Python MLflow reads a run's dataset inputs,
 * and describes CSV files with `mlflow.data.from_pandas(pd.read_csv(file), source=file, name=…)`.
 */
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { LabeledText } from "../../src/types.js";
import { MLFLOW_QUIET_ENV } from "./mlflow-server.js";
import { PROJECT_ROOT, VENV_PYTHON } from "./python-env.js";

const execFileAsync = promisify(execFile);

/** A dataset as Python MLflow's entity lists its fields (`dict(dataset)`). */
export interface PythonDataset {
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema: string;
  profile: string;
}

/** A run's dataset input as Python MLflow reads it: the dataset and its input tags. */
export interface PythonDatasetInput extends PythonDataset {
  tags: Record<string, string>;
}

/** Reads `runId`'s dataset inputs with Python MLflow, and describes each of `files` as MLflow would. */
export async function mlflowInputs(trackingUri: string, runId: string, files: readonly string[] = [], cwd = PROJECT_ROOT): Promise<{ inputs: PythonDatasetInput[]; files: Record<string, PythonDataset> }> {
  const script = join(PROJECT_ROOT, "test", "peers", "mlflow_inputs.py");
  const { stdout } = await execFileAsync(VENV_PYTHON, [script, trackingUri, runId, ...files], { cwd, env: { ...process.env, ...MLFLOW_QUIET_ENV }, maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split("\n").pop()!);
}

/** Writes rows as a text,label CSV (texts quoted, RFC 4180), as the shared data files are. */
export async function writeLabeledCsv(path: string, rows: readonly LabeledText[]): Promise<string> {
  const lines = rows.map((r) => `"${r.text.replace(/"/g, '""')}",${r.label}`);
  await writeFile(path, `text,label\n${lines.join("\n")}\n`);
  return path;
}
