/**
 * trainTfidf({ run }) leaves MLflow's trail: params, per-iteration loss, validation metrics and
 * SVG plots — checked in memory and through a real MLflow server (artifacts via its proxy).
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, inject, it } from "vitest";
import { trainTfidf } from "../../src/entries/tfidf.js";
import { createTracking } from "../../src/entries/tracking.js";
import { createTracking as createNodeTracking } from "../../src/entries/tracking.js";
import { dataFile } from "../peers/sklearn.js";

const read = (f: string) =>
  (parse(readFileSync(dataFile(f)), { columns: true }) as { text: string; label: string }[]).map((r) => ({ text: r.text, label: Number(r.label) }));
const train = read("rt-polarity/train.csv").slice(0, 3000);
const test = read("rt-polarity/test.csv");

describe("trainTfidf with a run", () => {
  it("logs params, train_loss by step, val_* metrics and plots (memory store)", async () => {
    const tracking = await createTracking("memory:");
    const run = await tracking.startRun({ experimentName: "sentiment", buffer: true });
    const { fit, metrics } = await trainTfidf(train, { ngramRange: [1, 2], C: 4, validation: test, run });
    await run.end();
    const got = await tracking.store.getRun(run.runId);
    expect(got.data.params).toMatchObject({ ngramRange: "1,2", C: "4", model: "tfidf-logistic-regression", labels: "Negative,Positive" });
    expect(got.data.metrics.val_accuracy).toBeCloseTo(metrics!.accuracy, 12);
    expect(got.data.metrics.iterations).toBe(fit.iterations);
    const loss = (await tracking.store.getMetricHistory(run.runId, "train_loss")).items;
    expect(loss.map((m) => m.step)).toEqual(Array.from({ length: fit.iterations }, (_, i) => i + 1));
    expect(loss[loss.length - 1]!.value).toBeLessThan(loss[0]!.value);
    const artifacts = await tracking.runArtifacts(run.runId);
    const svg = new TextDecoder().decode((await artifacts.readArtifact("plots/roc_curve.svg"))!);
    expect(svg).toMatch(/^<svg[\s\S]*ROC curve \(AUC = 0\.\d{4}\)[\s\S]*<\/svg>$/);
    expect((await artifacts.listArtifacts("plots")).map((a) => a.path)).toEqual(["plots/confusion_matrix.svg", "plots/roc_curve.svg"]);
  });

  it("writes plots under a local artifact root (SQLite store, Node)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "senti-train-log-"));
    const tracking = await createNodeTracking(`sqlite:///${join(dir, "mlflow.db")}`, { artifactRoot: join(dir, "artifacts") });
    const run = await tracking.startRun({ experimentName: "sentiment", buffer: true });
    await trainTfidf(train.slice(0, 1000), { validation: test.slice(0, 200), run });
    await run.end();
    const uri = (await tracking.store.getRun(run.runId)).info.artifactUri;
    expect(uri.startsWith(join(dir, "artifacts"))).toBe(true);
    expect(readFileSync(join(uri, "plots", "roc_curve.svg"), "utf8")).toMatch(/^<svg/);
    expect(existsSync(join(uri, "plots", "confusion_matrix.svg"))).toBe(true);
    // logArtifact copies a local file under its own name, at the root or in a given folder (MLflow's log_artifact).
    const other = await tracking.startRun({ experimentName: "sentiment" });
    await other.logArtifact(dataFile("rt-polarity/test.csv"));
    await other.logArtifact(dataFile("rt-polarity/test.csv"), "data");
    await other.logDict({ a: 1 }, "config.json");
    await other.end();
    const otherUri = (await tracking.store.getRun(other.runId)).info.artifactUri;
    expect(readFileSync(join(otherUri, "test.csv"))).toEqual(readFileSync(dataFile("rt-polarity/test.csv")));
    expect(existsSync(join(otherUri, "data", "test.csv"))).toBe(true);
    expect(JSON.parse(readFileSync(join(otherUri, "config.json"), "utf8"))).toEqual({ a: 1 });
    await expect(other.logText("x", "../escape.txt")).rejects.toMatchObject({ code: "INVALID_STATE" });
    await tracking.close();
  });

  it("the MLflow server shows the run, its metrics and its plots", async () => {
    const url = inject("mlflowUrl");
    const tracking = await createTracking(url);
    await tracking.withRun({ experimentName: `train-log-${Date.now()}`, runName: "tfidf", buffer: true }, async (run) => {
      await trainTfidf(train, { validation: test, run });
      const list = await fetch(`${url}/api/2.0/mlflow/artifacts/list?run_id=${run.runId}&path=plots`).then((r) => r.json());
      expect(list.files.map((f: { path: string }) => f.path).sort()).toEqual(["plots/confusion_matrix.svg", "plots/roc_curve.svg"]);
      await run.flush(); // buffered metrics reach the server at the latest when the run ends
      const got = await tracking.store.getRun(run.runId);
      expect(got.data.metrics.val_f1).toBeGreaterThan(0.5);
    });
  });
});
