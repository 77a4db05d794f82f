/**
 * The training worker: reads the CSV, trains TF-IDF + logistic regression, and leaves the MLflow
 * trail in the same IndexedDB store as the page (the store takes a cross-tab Web Lock around each
 * call, so the page and this worker can both use it). Training runs here so the page stays
 * responsive while the optimizer works.
 */
import { hasErrorCode, trainTfidf } from "senti-mlops";
import { createTracking, type ActiveRun } from "senti-mlops/tracking";
import { ALIAS, EXPERIMENT_NAME, MODEL_NAME, TRACKING_URI } from "./config.js";
import { readLabeledCsv, splitForValidation } from "./csv.js";
import { describeError } from "./errors.js";
import type { FromWorker, ToWorker, TrainSettings } from "./train-messages.js";

const post = (message: FromWorker): void => postMessage(message);
let controller: AbortController | undefined;

addEventListener("message", (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === "cancel") controller?.abort();
  else if (message.type === "train") void train(message.file, message.settings);
});

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function train(file: File, settings: TrainSettings): Promise<void> {
  controller = new AbortController();
  const { signal } = controller;
  const tracking = await createTracking(TRACKING_URI);
  let run: ActiveRun | undefined;
  try {
    post({ type: "progress", phase: "reading", fraction: 0 });
    const text = await file.text();
    const { train: rows, validation } = splitForValidation(readLabeledCsv(text));
    // Metrics are buffered: one IndexedDB write per batch instead of one per optimizer iteration.
    run = await tracking.startRun({ experimentName: EXPERIMENT_NAME, runName: `tfidf-C${settings.C}-${file.name}`, buffer: true });
    await run.logInput({ name: file.name, digest: (await sha256Hex(text)).slice(0, 8), sourceType: "local", source: file.name }, { context: "train" });
    const { model, metrics } = await trainTfidf(rows, {
      ngramRange: [1, settings.maxNgram],
      minDf: settings.minDf,
      sublinearTf: true,
      C: settings.C,
      validation,
      run,
      threads: 1,
      signal,
      onProgress: (p) => {
        if (p.phase !== "done") post({ type: "progress", phase: p.phase, fraction: p.fraction, ...(p.iteration !== undefined ? { iteration: p.iteration, loss: p.loss } : {}) });
      },
    });
    post({ type: "progress", phase: "logging", fraction: 0 });
    const logged = await run.logModel(model, "model", { registeredModelName: MODEL_NAME, inputExample: [rows[0]!.text] });
    await run.end("FINISHED");
    const version = logged.version!.version;
    // The newest model becomes the one the page predicts with.
    await tracking.registry.setRegisteredModelAlias(MODEL_NAME, ALIAS, version);
    post({ type: "progress", phase: "done", fraction: 1 });
    post({ type: "done", runId: run.runId, version, accuracy: metrics?.accuracy ?? null, examples: rows.length });
  } catch (error) {
    const cancelled = hasErrorCode(error, "CANCELLED");
    await run?.end(cancelled ? "KILLED" : "FAILED").catch(() => {});
    post({ type: "failed", message: describeError(error), cancelled });
  } finally {
    await tracking.close().catch(() => {});
    controller = undefined;
  }
}
