/**
 * The service past one process, in-process: two replicas (two `createServer`s, each with its own
 * connection) on one SQLite store in MLflow's schema. The training lease keeps training to one job
 * across them (202 and 409, round after round), either replica answers for a job, both follow the
 * registry's alias, and an alias whose model files are gone is an error (degraded), not an absence.
 *
 * Needs `npm run build` and ../shared/data/sst2.
 */
import { renameSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTracking } from "../../src/entries/tracking.js";
import { TOKEN, post, startTestServer, tempDir, trainingEnv, waitForJob, type JobView, type TestServer } from "./helpers.js";

let dir: string;
let env: Record<string, string>;
let a: TestServer;
let b: TestServer;
const auth = { authorization: `Bearer ${TOKEN}` };

beforeAll(async () => {
  dir = tempDir();
  env = {
    ...trainingEnv(dir, 3000),
    MODEL_REFRESH_SECONDS: "0.2",
  };
  a = await startTestServer(env);
  b = await startTestServer(env);
});

afterAll(async () => {
  await a?.stop();
  await b?.stop();
});

/** Polls until `server` serves `version` (no wall-clock assertion: the test timeout bounds it). */
async function servedVersion(server: TestServer, version: string): Promise<void> {
  for (;;) {
    const r = await post(`${server.url}/predict`, { reviews: ["a fine film"] });
    if (r.status === 200 && ((await r.json()) as { model_version: string }).model_version === version) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function champion(): Promise<string> {
  const tracking = await createTracking(env.MLFLOW_TRACKING_URI!, { artifactRoot: env.MLFLOW_ARTIFACT_ROOT });
  try {
    return (await tracking.registry.getModelVersionByAlias("sentiment-tfidf", "champion")).version;
  } finally {
    await tracking.close();
  }
}

describe("two replicas on one store", () => {
  test("asked to train at once, one answers 202 and the other 409 naming the job; either answers for it; both serve the champion", async () => {
    for (let round = 1; round <= 3; round++) {
      const body = round === 1 ? "" : JSON.stringify({ promotion_policy: "always" });
      const answers = await Promise.all([a, b].map((s) => post(`${s.url}/train_model`, body, { ...auth, "content-type": body ? "application/json" : "" })));
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([202, 409]);
      const winner = answers.findIndex((r) => r.status === 202);
      const job = (await answers[winner]!.json()) as JobView;
      const refused = (await answers[1 - winner]!.json()) as { error_code: string; message: string };
      expect(refused.error_code).toBe("RESOURCE_CONFLICT");
      expect(refused.message).toContain(job.job_id);
      const [owner, other] = winner === 0 ? [a, b] : [b, a];
      // The other replica answers for the job from its run in the store.
      const seen = await fetch(`${other.url}/train_model/${job.job_id}`, { headers: auth });
      expect(seen.status).toBe(200);
      expect(((await seen.json()) as JobView).job_id).toBe(job.job_id);
      const done = await waitForJob(owner.url, job.job_id);
      expect(done).toMatchObject({ status: "succeeded", promoted: true, registered_model: { version: String(round) } });
      expect(await waitForJob(other.url, job.job_id)).toMatchObject({ status: "succeeded", promoted: true, registered_model: { version: String(round) } });
      expect(await champion()).toBe(String(round));
      // The replica that did not train follows the alias within its refresh interval.
      await servedVersion(other, String(round));
      await servedVersion(owner, String(round));
    }
    const info = (await (await fetch(`${b.url}/model_info`)).json()) as { refresh: { interval_seconds: number; last_checked_at: string | null; last_error: string | null } };
    expect(info.refresh).toMatchObject({ interval_seconds: 0.2, last_error: null });
    expect(info.refresh.last_checked_at).not.toBeNull();
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    expect(metrics).toMatch(/model_refresh_checks_total\{outcome="swapped"\} [1-9]/);
    expect(metrics).toMatch(/served_model_info\{model="tfidf",uri="models:\/sentiment-tfidf@champion",version="3"\} 1/);
  });
});

describe("a check that swaps", () => {
  test("tells onRefreshed (main.ts then asks the process's other workers to check at once); a check that finds nothing new does not", async () => {
    const own = tempDir();
    const ownEnv = trainingEnv(own, 3000);
    const swaps: string[] = [];
    const trainer = await startTestServer({ ...ownEnv, MODEL_REFRESH_SECONDS: "0" });
    // An hour's interval: only the explicit checks below run.
    const c = await startTestServer({ ...ownEnv, MODEL_REFRESH_SECONDS: "3600" }, { onRefreshed: (version) => swaps.push(version) });
    try {
      const started = await post(`${trainer.url}/train_model`, "", auth);
      expect(started.status).toBe(202);
      const job = (await started.json()) as JobView;
      expect(await waitForJob(trainer.url, job.job_id)).toMatchObject({ status: "succeeded", promoted: true, registered_model: { version: "1" } });
      expect((await post(`${c.url}/predict`, { reviews: ["a fine film"] })).status).toBe(503);
      await c.server.refresher.checkNow();
      expect(swaps).toEqual(["1"]);
      await servedVersion(c, "1");
      await c.server.refresher.checkNow();
      expect(swaps).toEqual(["1"]);
    } finally {
      await c.stop();
      await trainer.stop();
    }
  });
});

describe("an unreadable champion", () => {
  test("starts degraded (health says why, /predict is 503 with the reason); if-better then promotes only a model that passes MIN_VALIDATION_ACCURACY", async () => {
    // Move the champion's MLmodel away, as an operator's mistake or a lost volume would.
    const tracking = await createTracking(env.MLFLOW_TRACKING_URI!, { artifactRoot: env.MLFLOW_ARTIFACT_ROOT });
    let modelDir: string;
    try {
      const version = await tracking.registry.getModelVersionByAlias("sentiment-tfidf", "champion");
      const run = await tracking.store.getRun(version.runId);
      const root = run.info.artifactUri.startsWith("file:") ? fileURLToPath(run.info.artifactUri) : run.info.artifactUri;
      modelDir = join(root, "model");
    } finally {
      await tracking.close();
    }
    renameSync(join(modelDir, "MLmodel"), join(modelDir, "MLmodel.moved"));

    const strict = await startTestServer({ ...env, MODEL_REFRESH_SECONDS: "0", MIN_VALIDATION_ACCURACY: "0.99" });
    try {
      const health = (await (await fetch(`${strict.url}/health`)).json()) as { status: string; problems?: string[] };
      expect(health.status).toBe("degraded");
      expect(health.problems?.join(" ")).toMatch(/models:\/sentiment-tfidf@champion \(version 3\) exists but cannot be loaded/);
      const predict = await post(`${strict.url}/predict`, { reviews: ["a fine film"] });
      expect(predict.status).toBe(503);
      expect(((await predict.json()) as { message: string }).message).toMatch(/cannot be loaded/);

      const started = await post(`${strict.url}/train_model`, "", { ...auth, "content-type": "" });
      expect(started.status).toBe(202);
      const job = await waitForJob(strict.url, ((await started.json()) as JobView).job_id);
      expect(job).toMatchObject({ status: "succeeded", promoted: false, baseline_accuracy: null });
      expect(job.decision).toMatch(/^no readable champion \(.*cannot be loaded.*\): validation accuracy 0\.\d{4} < MIN_VALIDATION_ACCURACY 0\.99$/);
      expect(await champion()).toBe("3");
    } finally {
      await strict.stop();
    }
    renameSync(join(modelDir, "MLmodel.moved"), join(modelDir, "MLmodel"));
  });
});
