/**
 * POST /train_model end to end on a temp SQLite store (MLflow's schema): auth (401/403), 202 →
 * poll → done → model swapped → /model_info shows the new version; the registry and the run say
 * the same, and Python MLflow lists TRAIN_DATA's two parts as the run's datasets; 409 while a job runs; promotion only when the new model beats the served one (and the
 * configurable policies); requests during a swap all succeed, each answered wholly by one model;
 * a restarted service serves the champion. Real trainTfidf, no mocks.
 *
 * Needs `npm run build` and ../shared/data/sst2.
 */
import { basename, join } from "node:path";
import { predict } from "senti-mlops";
import { collect, holdoutSplit, readDataset } from "senti-mlops/data";
import { createTracking } from "senti-mlops/tracking";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  TOKEN,
  createOpenApiChecker,
  post,
  startTestServer,
  tempDir,
  trainingEnv,
  waitForJob,
  type JobView,
  type OpenApiChecker,
  type TestServer,
} from "./helpers.js";
import { mlflowInputs, writeLabeledCsv } from "../peers/mlflow-inputs.js";

const auth = { authorization: `Bearer ${TOKEN}` };
const REVIEWS = ["This movie was amazing!", "Terrible film, waste of time.", "A dull, lifeless script.", "Warm and funny."];

let dir: string;
let env: Record<string, string>;
let t: TestServer;
let api: OpenApiChecker;

async function call(method: "GET" | "POST", template: string, path: string, init: RequestInit = {}, server = () => t) {
  const res = await fetch(`${server().url}${path}`, { method, ...init });
  const text = await res.text();
  api.check(method, template, res, text);
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
}

async function train(body?: unknown): Promise<JobView> {
  const init: RequestInit = body === undefined ? { headers: auth } : { headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(body) };
  const started = await call("POST", "/train_model", "/train_model", init);
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  expect(started.headers.get("location")).toBe(`/train_model/${started.body.job_id as string}`);
  const job = await waitForJob(t.url, started.body.job_id as string);
  const polled = await call("GET", "/train_model/{job_id}", `/train_model/${job.job_id}`, { headers: auth });
  expect(polled.body).toEqual(job);
  return job;
}

beforeAll(async () => {
  dir = tempDir();
  env = trainingEnv(dir, 3000);
  t = await startTestServer(env);
  api = createOpenApiChecker((await (await fetch(`${t.url}/openapi.json`)).json()) as Record<string, unknown>);
});

afterAll(async () => {
  await t?.stop();
});

describe("authentication", () => {
  test("no API_TOKEN configured: training is disabled (403), whatever the token", async () => {
    const open = await startTestServer({ TRAIN_DATA: env.TRAIN_DATA! });
    try {
      for (const headers of [{}, auth]) {
        const r = await call("POST", "/train_model", "/train_model", { headers }, () => open);
        expect(r.status).toBe(403);
        expect(r.body).toEqual({ error_code: "PERMISSION_DENIED", message: "training is disabled: set API_TOKEN to enable POST /train_model" });
        expect((await call("GET", "/train_model/{job_id}", "/train_model/x", { headers }, () => open)).status).toBe(403);
      }
    } finally {
      await open.stop();
    }
  });

  test("no TRAIN_DATA: 403 that names TRAIN_DATA (after the token is checked)", async () => {
    const noData = await startTestServer({ API_TOKEN: TOKEN });
    try {
      expect((await call("POST", "/train_model", "/train_model", {}, () => noData)).status).toBe(401);
      const r = await call("POST", "/train_model", "/train_model", { headers: auth }, () => noData);
      expect(r.status).toBe(403);
      expect(r.body.message).toMatch(/TRAIN_DATA/);
    } finally {
      await noData.stop();
    }
  });

  const unauthenticated: [string, Record<string, string>][] = [
    ["no Authorization", {}],
    ["a wrong token", { authorization: `Bearer ${TOKEN}x` }],
    ["a token prefix", { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
    ["Basic credentials", { authorization: `Basic ${Buffer.from(`user:${TOKEN}`).toString("base64")}` }],
    ["Bearer without a token", { authorization: "Bearer" }],
    ["the token without Bearer", { authorization: TOKEN }],
  ];
  test.each(unauthenticated)("%s → 401 UNAUTHENTICATED with WWW-Authenticate, on POST and GET", async (_what, headers) => {
    const r = await call("POST", "/train_model", "/train_model", { headers });
    expect(r.status).toBe(401);
    expect(r.body.error_code).toBe("UNAUTHENTICATED");
    expect(r.headers.get("www-authenticate")).toMatch(/^Bearer realm="senti-mlops"/);
    expect((await call("GET", "/train_model/{job_id}", "/train_model/abc", { headers })).status).toBe(401);
  });

  test("an unknown job is 404; a bad body is 400 (and starts nothing)", async () => {
    const r = await call("GET", "/train_model/{job_id}", "/train_model/0000", { headers: auth });
    expect(r.status).toBe(404);
    expect(r.body.error_code).toBe("RESOURCE_DOES_NOT_EXIST");
    for (const [body, type, message] of [
      ['{"promotion_policy": "sometimes"}', "application/json", /^promotion_policy must be one of "if-better", "always", "never", got "sometimes"$/],
      ['{"C": 4}', "application/json", /^unknown field "C"/],
      ["{", "application/json", /not valid JSON/],
      ["promotion_policy=always", "application/x-www-form-urlencoded", /Content-Type application\/x-www-form-urlencoded is not supported/],
    ] as const) {
      const bad = await call("POST", "/train_model", "/train_model", { headers: { ...auth, "content-type": type }, body });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toMatch(message);
    }
    expect(t.server.jobs.runningId()).toBeNull();
  });
});

describe("training jobs", () => {
  let first: JobView;

  test("202 → poll → succeeded: the run is logged, version 1 registered and aliased champion, and served", async () => {
    const before = await call("POST", "/predict", "/predict", { headers: { "content-type": "application/json" }, body: JSON.stringify({ reviews: REVIEWS }) });
    expect(before.status).toBe(503);

    first = await train();
    expect(first).toMatchObject({
      status: "succeeded",
      registered_model: { name: "sentiment-tfidf", version: "1" },
      baseline_accuracy: null,
      promoted: true,
      error: null,
    });
    expect(first.metrics!.accuracy).toBeGreaterThan(0.6);
    // The held-out texts are picked by their hash (VALIDATION_SPLIT 0.2 of 3,000 rows).
    expect(first.examples!.train + first.examples!.validation).toBe(3000);
    expect(first.examples!.validation).toBeGreaterThan(540);
    expect(first.examples!.validation).toBeLessThan(660);
    expect(first.decision).toBe(`no champion yet: validation accuracy ${first.metrics!.accuracy.toFixed(4)} ≥ MIN_VALIDATION_ACCURACY 0.6`);

    const info = await call("GET", "/model_info", "/model_info");
    expect(info.body.models).toMatchObject({
      tfidf: { loaded: true, registered_model: { name: "sentiment-tfidf", version: "1" }, run_id: first.run_id, validation_accuracy: first.metrics!.accuracy },
    });
    const after = await call("POST", "/predict", "/predict", { headers: { "content-type": "application/json" }, body: JSON.stringify({ reviews: REVIEWS }) });
    expect(after.status).toBe(200);
    expect(after.body.model_version).toBe("1");

    // What the service logged is in the store, as MLflow's own client would read it.
    const tracking = await createTracking(env.MLFLOW_TRACKING_URI!, { artifactRoot: env.MLFLOW_ARTIFACT_ROOT });
    try {
      const run = await tracking.store.getRun(first.run_id!);
      expect(run.info.status).toBe("FINISHED");
      const metrics = run.data.metrics;
      expect(metrics.val_accuracy).toBeCloseTo(first.metrics!.accuracy, 10);
      const tags = run.data.tags;
      expect(tags["senti_mlops.service.promoted"]).toBe("true");
      expect(tags["senti_mlops.service.job_id"]).toBe(first.job_id);
      const champion = await tracking.registry.getModelVersionByAlias("sentiment-tfidf", "champion");
      expect(champion).toMatchObject({ version: "1", runId: first.run_id, source: `runs:/${first.run_id}/model` });
    } finally {
      await tracking.close();
    }

    // Python MLflow lists the two parts of TRAIN_DATA as the run's datasets, each described as
    // mlflow.data.from_pandas describes a CSV of its rows (VALIDATION_SPLIT 0.2, TRAIN_SEED 42).
    const { train: trained, heldOut } = holdoutSplit(await collect(readDataset(env.TRAIN_DATA!)), { fraction: 0.2, seed: 42 });
    const trainCsv = await writeLabeledCsv(join(dir, "job-train.csv"), trained);
    const heldOutCsv = await writeLabeledCsv(join(dir, "job-validation.csv"), heldOut);
    const python = await mlflowInputs(env.MLFLOW_TRACKING_URI!, first.run_id!, [trainCsv, heldOutCsv]);
    const file = basename(env.TRAIN_DATA!);
    expect(python.inputs.map(({ name, source, source_type, tags }) => ({ name, source: JSON.parse(source), source_type, tags }))).toEqual([
      { name: `${file} (training split)`, source: { uri: env.TRAIN_DATA }, source_type: "local", tags: { "mlflow.data.context": "training" } },
      { name: `${file} (holdout)`, source: { uri: env.TRAIN_DATA }, source_type: "local", tags: { "mlflow.data.context": "eval" } },
    ]);
    for (const [input, csv, rows] of [[python.inputs[0]!, trainCsv, first.examples!.train], [python.inputs[1]!, heldOutCsv, first.examples!.validation]] as const) {
      const { digest, schema, profile } = python.files[csv]!;
      expect({ digest: input.digest, schema: input.schema, profile: input.profile }, input.name).toEqual({ digest, schema, profile });
      expect(JSON.parse(input.profile).num_rows).toBe(rows);
    }
  });

  test("a second job while one runs is 409 RESOURCE_CONFLICT naming the running job", async () => {
    const started = await call("POST", "/train_model", "/train_model", { headers: auth });
    expect(started.status).toBe(202);
    const again = await call("POST", "/train_model", "/train_model", { headers: auth });
    expect(again.status).toBe(409);
    expect(again.body.error_code).toBe("RESOURCE_CONFLICT");
    expect(again.body.message).toContain(started.body.job_id as string);
    const job = await waitForJob(t.url, started.body.job_id as string);
    // Same data, same seed: the same model, so it does not beat the served one and is not promoted.
    expect(job).toMatchObject({ status: "succeeded", registered_model: { version: "2" }, promoted: false });
    expect(job.baseline_accuracy).toBe(first.metrics!.accuracy);
    expect(job.decision).toMatch(/≤ served model's/);
    const info = await call("GET", "/model_info", "/model_info");
    expect((info.body.models as { tfidf: { registered_model: unknown } }).tfidf.registered_model).toEqual({ name: "sentiment-tfidf", version: "1" });
  });

  test('promotion_policy "never" registers without promoting', async () => {
    const job = await train({ promotion_policy: "never" });
    expect(job).toMatchObject({ status: "succeeded", registered_model: { version: "3" }, promoted: false, decision: "promotion policy is never" });
  });

  test("requests during a swap all succeed, each answered wholly by the old or the new model", async () => {
    const old = t.server.models.tfidf.current()!;
    const expectedOld = await predict(old.model, REVIEWS);
    let finished = false;
    const answers: { status: number; body: { model_version: string; scores: number[] } }[] = [];
    const client = async () => {
      while (!finished) {
        const res = await post(`${t.url}/predict`, { reviews: REVIEWS });
        answers.push({ status: res.status, body: (await res.json()) as { model_version: string; scores: number[] } });
      }
    };
    const clients = Array.from({ length: 4 }, client);
    const job = await train({ promotion_policy: "always" }).finally(() => {
      finished = true;
    });
    await Promise.all(clients);
    expect(job).toMatchObject({ status: "succeeded", registered_model: { version: "4" }, promoted: true, decision: "promotion policy is always" });
    const served = t.server.models.tfidf.current()!;
    expect(served).not.toBe(old);
    expect(served.registeredModel).toEqual({ name: "sentiment-tfidf", version: "4" });
    const expectedNew = await predict(served.model, REVIEWS);
    expect(answers.length).toBeGreaterThan(0);
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(["1", "4"]).toContain(a.body.model_version);
      expect(a.body.scores).toEqual((a.body.model_version === "1" ? expectedOld : expectedNew).map((p) => p.score));
    }
    const last = await post(`${t.url}/predict`, { reviews: REVIEWS });
    expect(((await last.json()) as { model_version: string }).model_version).toBe("4");
  });

  test("a restarted service loads models:/sentiment-tfidf@champion from the store (version 4)", async () => {
    const again = await startTestServer(env);
    try {
      const info = await call("GET", "/model_info", "/model_info", {}, () => again);
      expect((info.body.models as { tfidf: unknown }).tfidf).toMatchObject({ loaded: true, uri: "models:/sentiment-tfidf@champion", registered_model: { version: "4" } });
      const r = await post(`${again.url}/predict`, { reviews: REVIEWS });
      const expected = await predict(t.server.models.tfidf.current()!.model, REVIEWS);
      expect(((await r.json()) as { scores: number[] }).scores).toEqual(expected.map((p) => p.score));
    } finally {
      await again.stop();
    }
  });

  test("an explicit MODEL_URI that does not exist stops the start with the registry's error", async () => {
    await expect(startTestServer({ ...env, MODEL_URI: "models:/no-such-model@champion" })).rejects.toMatchObject({ code: "RESOURCE_DOES_NOT_EXIST" });
  });

  test("the token never reaches the log", () => {
    expect(t.logs.some((l) => l.includes("training finished"))).toBe(true);
    for (const line of t.logs) expect(line).not.toContain(TOKEN);
  });
});

describe("shutdown during a job", () => {
  test("close() cancels the running job: the job says cancelled, its run (if started) ends KILLED, nothing is promoted", async () => {
    const jobDir = tempDir();
    const jobEnv = trainingEnv(jobDir, 20_000);
    const s = await startTestServer(jobEnv);
    const started = await post(`${s.url}/train_model`, "", { authorization: `Bearer ${TOKEN}`, "content-type": "" });
    expect(started.status).toBe(202);
    const id = ((await started.json()) as { job_id: string }).job_id;
    await s.server.close();
    const job = (await s.server.jobs.get(id))!;
    expect(job).toMatchObject({ status: "cancelled", promoted: null, error: { error_code: "CANCELLED" } });
    expect(s.server.models.tfidf.current()).toBeNull();
    if (job.run_id) {
      const tracking = await createTracking(jobEnv.MLFLOW_TRACKING_URI, { artifactRoot: jobEnv.MLFLOW_ARTIFACT_ROOT });
      try {
        expect((await tracking.store.getRun(job.run_id)).info.status).toBe("KILLED");
      } finally {
        await tracking.close();
      }
    }
    await s.stop();
  });
});
