/**
 * Training: a CSV dropped on the zone (or picked) is trained in a Web Worker; the progress bar and
 * the loss curve follow the worker's reports, and when the run, the model version and the alias
 * are stored, the other panels are told.
 */
import { byId } from "./dom.js";
import { announceChange } from "./local-tracking.js";
import { createLossChart } from "./loss-chart.js";
import type { FromWorker, Phase, ToWorker, TrainSettings } from "./train-messages.js";

const PHASE_TEXT: Record<Phase, string> = {
  reading: "Reading the file",
  tokenizing: "Tokenizing",
  vocabulary: "Building the vocabulary",
  optimizing: "Optimizing",
  evaluating: "Evaluating on the held-out 20%",
  logging: "Logging and registering the model",
  done: "Done",
};
/** Where each phase starts on the progress bar (optimizing takes most of the time). */
const PHASE_START: Record<Phase, number> = { reading: 0, tokenizing: 0.02, vocabulary: 0.2, optimizing: 0.25, evaluating: 0.85, logging: 0.9, done: 1 };
const PHASE_ORDER: readonly Phase[] = ["reading", "tokenizing", "vocabulary", "optimizing", "evaluating", "logging", "done"];

function overall(phase: Phase, fraction: number): number {
  const next = PHASE_ORDER[PHASE_ORDER.indexOf(phase) + 1];
  const end = next ? PHASE_START[next] : 1;
  return PHASE_START[phase] + (end - PHASE_START[phase]) * Math.min(1, Math.max(0, fraction));
}

export function mountTrainPanel(): void {
  const zone = byId("drop-zone");
  const input = byId<HTMLInputElement>("csv-input");
  const fileName = byId("csv-name");
  const form = byId<HTMLFormElement>("train-form");
  const trainButton = byId<HTMLButtonElement>("train");
  const cancelButton = byId<HTMLButtonElement>("cancel-train");
  const progress = byId<HTMLProgressElement>("train-progress");
  const phase = byId("train-phase");
  const result = byId("train-result");
  const chart = createLossChart(byId("loss-chart"));
  let file: File | undefined;
  let worker: Worker | undefined;

  const choose = (chosen: File | undefined): void => {
    file = chosen;
    fileName.textContent = chosen ? `${chosen.name} (${Math.ceil(chosen.size / 1024)} kB)` : "no file chosen";
    trainButton.disabled = !chosen || worker !== undefined;
  };
  input.addEventListener("change", () => choose(input.files?.[0]));
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    const files = event.dataTransfer?.files;
    if (files?.length) input.files = files; // the input shows what was dropped, as if picked
    choose(files?.[0]);
  });

  const finish = (message: string, state: "done" | "failed"): void => {
    worker?.terminate();
    worker = undefined;
    result.textContent = message;
    result.dataset.state = state;
    form.dataset.state = state;
    cancelButton.disabled = true;
    trainButton.disabled = !file;
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!file || worker) return;
    const data = new FormData(form);
    const settings: TrainSettings = { C: Number(data.get("C")), maxNgram: data.get("bigrams") ? 2 : 1, minDf: Number(data.get("minDf")) };
    chart.clear();
    result.textContent = "";
    delete result.dataset.state;
    form.dataset.state = "training";
    trainButton.disabled = true;
    cancelButton.disabled = false;
    // A new worker per training: a cancelled or failed one leaves nothing behind.
    worker = new Worker(new URL("./train-worker.ts", import.meta.url), { type: "module", name: "senti-mlops training" });
    worker.addEventListener("message", (e: MessageEvent<FromWorker>) => {
      const message = e.data;
      if (message.type === "progress") {
        progress.value = overall(message.phase, message.fraction);
        phase.textContent = message.iteration === undefined ? PHASE_TEXT[message.phase] : `${PHASE_TEXT[message.phase]}: iteration ${message.iteration}, loss ${message.loss?.toFixed(4)}`;
        if (message.iteration !== undefined && message.loss !== undefined) chart.add(message.iteration, message.loss);
      } else if (message.type === "done") {
        const accuracy = message.accuracy === null ? "" : `, validation accuracy ${(message.accuracy * 100).toFixed(1)}%`;
        finish(`Trained on ${message.examples} examples${accuracy}. Registered as version ${message.version} and made champion.`, "done");
        announceChange();
      } else {
        finish(message.cancelled ? "Training cancelled." : `Training failed: ${message.message}`, "failed");
        announceChange(); // the run was ended KILLED or FAILED
      }
    });
    worker.addEventListener("error", (e) => finish(`The training worker failed: ${e.message}`, "failed"));
    worker.postMessage({ type: "train", file, settings } satisfies ToWorker);
  });
  cancelButton.addEventListener("click", () => worker?.postMessage({ type: "cancel" } satisfies ToWorker));
}
