/**
 * `npm start`'s script (scripts/start.sh, run after the build): the first start trains, logs and
 * registers a champion with the CLI, then serves it; a second start on the same store skips the
 * training. Runs on a small stand-in for the shared IMDB files (SENTI_SHARED_DIR), a temp SQLite
 * store and a free port.
 *
 * Needs `npm run build` and ../shared/data/sst2.
 */
import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { PROJECT_ROOT, post, tempDir, writeTrainingCsv } from "./helpers.js";
import { cleanEnv } from "../helpers/run-process.js";

const dir = tempDir("senti-start-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

mkdirSync(join(dir, "shared", "data", "imdb"), { recursive: true });
const imdb = join(dir, "shared", "data", "imdb");

async function startOnce(): Promise<{ output: string; code: number | null }> {
  const child = spawn("sh", ["scripts/start.sh"], {
    cwd: PROJECT_ROOT,
    env: cleanEnv({ SENTI_SHARED_DIR: join(dir, "shared"), PORT: "0", MLFLOW_TRACKING_URI: `sqlite:///${join(dir, "mlflow.db")}`, MLFLOW_ARTIFACT_ROOT: join(dir, "mlruns") }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /"port":(\d+).*"msg":"listening"/.exec(output);
      if (m) resolve(Number(m[1]));
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    exited.then((code) => reject(new Error(`start.sh exited ${code}:\n${output}`)));
  });
  const res = await post(`http://127.0.0.1:${port}/predict`, { reviews: ["This movie was amazing!"] });
  expect(res.status, output).toBe(200);
  expect(((await res.json()) as { model_version: string }).model_version).toBe("1");
  child.kill("SIGTERM");
  return { output, code: await exited };
}

test("the first start trains and registers a champion, then serves it; the second only serves", async () => {
  // The shared IMDB layout, with SST-2 rows standing in (text,label): the script reads train.csv and test.csv.
  const { renameSync } = await import("node:fs");
  renameSync(writeTrainingCsv(dir, 2000), join(imdb, "train.csv"));
  renameSync(writeTrainingCsv(dir, 500, 2000), join(imdb, "test.csv"));
  const first = await startOnce();
  expect(first.code, first.output).toBe(0);
  expect(first.output).toMatch(/registered models:\/sentiment-tfidf\/1 \(alias champion: models:\/sentiment-tfidf@champion\)/);
  expect(first.output).toMatch(/^accuracy 0\.\d{4}/m);
  const second = await startOnce();
  expect(second.code, second.output).toBe(0);
  expect(second.output).toContain("models:/sentiment-tfidf@champion exists (version 1); not training");
});
