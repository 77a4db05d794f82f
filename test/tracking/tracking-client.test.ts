/**
 * createTracking and the fluent run API, on the memory store and on the real MLflow server.
 */
import { describe, expect, inject, it } from "vitest";
import { hasErrorCode } from "../../src/errors.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTracking, type Tracking } from "../../src/entries/tracking.js";
import { createTracking as createNodeTracking } from "../../src/entries/tracking.js";

const suffix = () => Math.random().toString(36).slice(2, 10);

function clientSuite(name: string, open: () => Promise<Tracking>): void {
  describe(name, () => {
    it("starts runs in an experiment by name, logs, and ends them", async () => {
      const tracking = await open();
      const experimentName = `fluent-${suffix()}`;
      const run = await tracking.startRun({ experimentName, runName: "tfidf", tags: { team: "nlp" } });
      await run.logParams({ C: 4, ngram: "1-2", sublinear: true });
      await run.logMetric("loss", 0.5, { step: 1 });
      await run.logMetrics({ accuracy: 0.9, f1: 0.89 });
      await run.setTag("stage", "dev");
      await run.logInput({ name: "imdb", digest: "abc123", sourceType: "local", source: "imdb/train.csv" }, { context: "train" });
      await run.end();
      await run.end(); // idempotent
      const got = await tracking.store.getRun(run.runId);
      expect(got.info.status).toBe("FINISHED");
      expect(got.info.endTime).toBeGreaterThan(0);
      expect(got.info.runName).toBe("tfidf");
      expect(got.data.params).toMatchObject({ C: "4", ngram: "1-2", sublinear: "true" });
      expect(got.data.metrics).toMatchObject({ loss: 0.5, accuracy: 0.9, f1: 0.89 });
      expect(got.data.tags).toMatchObject({ team: "nlp", stage: "dev", "mlflow.source.type": "LOCAL", "mlflow.runName": "tfidf" });
      expect(got.inputs.datasetInputs.map((d) => d.dataset.name)).toEqual(["imdb"]);
      expect(await tracking.getOrCreateExperiment(experimentName)).toBe(run.experimentId);
      await expect(run.logMetric("late", 1)).rejects.toMatchObject({ code: "INVALID_STATE" });
    });

    it("withRun ends FAILED on a throw and rethrows; nested runs carry mlflow.parentRunId", async () => {
      const tracking = await open();
      const experimentName = `fluent-${suffix()}`;
      let runId = "";
      await expect(
        tracking.withRun({ experimentName }, async (run) => {
          runId = run.runId;
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      expect((await tracking.store.getRun(runId)).info.status).toBe("FAILED");
      const parent = await tracking.startRun({ experimentName });
      const child = await tracking.startRun({ experimentName, parentRunId: parent.runId });
      expect((await tracking.store.getRun(child.runId)).data.tags["mlflow.parentRunId"]).toBe(parent.runId);
      await child.end();
      await parent.end();
    });

    it("buffers metrics and flushes them by size, by interval and at the end", async () => {
      const tracking = await open();
      const run = await tracking.startRun({ experimentName: `fluent-${suffix()}`, buffer: { maxBatch: 50, flushIntervalMs: 50 } });
      for (let step = 0; step < 120; step++) await run.logMetric("loss", 1 / (step + 1), { step });
      // 100 points were flushed by size; the other 20 wait for the interval or the end.
      await new Promise((r) => setTimeout(r, 200));
      expect((await tracking.store.getMetricHistory(run.runId, "loss")).items).toHaveLength(120);
      await run.logMetric("acc", 0.5);
      await run.end();
      const history = (await tracking.store.getMetricHistory(run.runId, "loss")).items;
      expect(history.map((m) => m.step)).toEqual(Array.from({ length: 120 }, (_, i) => i));
      expect((await tracking.store.getRun(run.runId)).data.metrics.acc).toBe(0.5);
    });

    it("surfaces store errors with MLflow's codes", async () => {
      const tracking = await open();
      const run = await tracking.startRun({ experimentName: `fluent-${suffix()}` });
      await run.logParam("C", 1);
      const err = await run.logParam("C", 2).catch((e) => e);
      expect(hasErrorCode(err, "INVALID_PARAMETER_VALUE")).toBe(true);
      await run.end();
    });
  });
}

clientSuite("memory store", () => createTracking("memory:"));
clientSuite("MLflow server (REST)", () => createTracking(inject("mlflowUrl")));
clientSuite("SQLite file in MLflow's schema (Node entry)", () =>
  createNodeTracking(`sqlite:///${join(mkdtempSync(join(tmpdir(), "senti-track-")), "mlflow.db")}`),
);

describe("createTracking URIs", () => {
  it("reads MLFLOW_TRACKING_URI and refuses unknown schemes clearly", async () => {
    const t = await createTracking(undefined, { env: { MLFLOW_TRACKING_URI: "memory:" } });
    expect(t.uri).toBe("memory:");
    await expect(createTracking("ftp://x")).rejects.toMatchObject({ code: "INVALID_PARAMETER_VALUE" });
    await expect(createTracking("./mlruns")).rejects.toThrow(/not supported/);
    await expect(createTracking(42 as unknown as string)).rejects.toMatchObject({ code: "INVALID_PARAMETER_VALUE" });
  });

  it("sends MLFLOW_TRACKING_TOKEN as a bearer token", async () => {
    const seen: string[] = [];
    const fetch = (async (_url: RequestInfo | URL, init?: RequestInit) => {
      seen.push(String((init?.headers as Record<string, string>).Authorization));
      return new Response(JSON.stringify({ experiment_id: "7" }), { status: 200 });
    }) as typeof globalThis.fetch;
    const t = await createTracking("http://127.0.0.1:9", { env: { MLFLOW_TRACKING_TOKEN: "s3cret" }, fetch });
    expect(await t.store.createExperiment("x")).toBe("7");
    expect(seen).toEqual(["Bearer s3cret"]);
  });

  it("retries 503s with backoff, then succeeds; gives up with TEMPORARILY_UNAVAILABLE", async () => {
    let calls = 0;
    const flaky = (async () => {
      calls++;
      return calls < 3 ? new Response("busy", { status: 503 }) : new Response(JSON.stringify({ experiment_id: "1" }), { status: 200 });
    }) as typeof globalThis.fetch;
    const t = await createTracking("http://127.0.0.1:9", { fetch: flaky, backoffMs: 1 });
    expect(await t.store.createExperiment("x")).toBe("1");
    expect(calls).toBe(3);
    const down = (async () => {
      throw new TypeError("fetch failed");
    }) as typeof globalThis.fetch;
    const t2 = await createTracking("http://127.0.0.1:9", { fetch: down, backoffMs: 1, retries: 2 });
    await expect(t2.store.createExperiment("x")).rejects.toMatchObject({ code: "TEMPORARILY_UNAVAILABLE" });
  });
});
