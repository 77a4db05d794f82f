/**
 * The runs of the example's experiment, newest first, with their validation metrics and the
 * registered version each produced; selecting a run shows the confusion matrix and ROC curve that
 * training logged as SVG artifacts (`plots/…`), read back from the run's IndexedDB artifacts.
 */
import type { ModelVersion } from "senti-mlops/registry";
import type { Run } from "senti-mlops/tracking";
import { EXPERIMENT_NAME, MODEL_NAME } from "./config.js";
import { byId, element } from "./dom.js";
import { showError } from "./errors.js";
import { localTracking, onChange } from "./local-tracking.js";

const METRICS = [
  ["val_accuracy", "accuracy"],
  ["val_f1", "F1"],
  ["val_roc_auc", "ROC AUC"],
  ["train_examples", "examples"],
] as const;
const PLOTS = [
  ["plots/confusion_matrix.svg", "confusion matrix"],
  ["plots/roc_curve.svg", "ROC curve"],
] as const;

const formatMetric = (key: string, value: number | undefined): string =>
  value === undefined ? "—" : key === "train_examples" ? String(value) : value.toFixed(3);

export function mountRunsPanel(): void {
  const body = byId<HTMLTableSectionElement>("runs-body");
  const plots = byId("run-plots");
  const caption = byId("run-plots-caption");
  const error = byId("runs-error");
  let selected: string | undefined;
  let plotUrls: string[] = [];

  const showPlots = async (run: Run): Promise<void> => {
    selected = run.info.runId;
    for (const row of body.rows) row.setAttribute("aria-selected", String(row.dataset.runId === selected));
    plotUrls.forEach((url) => URL.revokeObjectURL(url));
    plotUrls = [];
    const tracking = await localTracking();
    const artifacts = await tracking.runArtifacts(run.info.runId);
    try {
      const images = [];
      for (const [path, title] of PLOTS) {
        const bytes = await artifacts.readArtifact(path);
        if (!bytes) continue;
        // As an <img> (not inline markup): an SVG artifact is data, and an image cannot run script.
        const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "image/svg+xml" }));
        plotUrls.push(url);
        images.push(element("img", undefined, { src: url, alt: `${title} of run ${run.info.runName}`, "data-artifact": path }));
      }
      plots.replaceChildren(...images);
      caption.textContent = images.length > 0 ? `Plots of run ${run.info.runName}` : `Run ${run.info.runName} has no plots (it did not finish training).`;
    } finally {
      await artifacts.dispose();
    }
  };

  const refresh = async (): Promise<void> => {
    try {
      const tracking = await localTracking();
      const experiment = await tracking.store.getExperimentByName(EXPERIMENT_NAME);
      const runs = experiment ? (await tracking.store.searchRuns({ experimentIds: [experiment.experimentId], maxResults: 100 })).items : [];
      const versions = new Map<string, ModelVersion>();
      for (const v of (await tracking.registry.searchModelVersions({ filter: `name = '${MODEL_NAME}'` })).items) versions.set(v.runId, v);
      // As in MLflow, searched versions come without their aliases; the registered model lists them.
      const aliases = new Map<string, string[]>();
      if (versions.size > 0) {
        for (const { alias, version } of (await tracking.registry.getRegisteredModel(MODEL_NAME)).aliases) aliases.set(version, [...(aliases.get(version) ?? []), alias]);
      }
      body.replaceChildren(
        ...runs.map((run) => {
          const version = versions.get(run.info.runId);
          const row = element("tr", undefined, { "data-run-id": run.info.runId, tabindex: "0" });
          row.append(
            element("td", run.info.runName),
            element("td", new Date(run.info.startTime).toLocaleString()),
            element("td", run.info.status, { "data-status": run.info.status }),
            ...METRICS.map(([key]) => element("td", formatMetric(key, run.data.metrics[key]), { "data-metric": key })),
            element("td", version ? [`v${version.version}`, ...(aliases.get(version.version) ?? []).map((a) => `@${a}`)].join(" ") : "—", { "data-column": "model" }),
          );
          row.addEventListener("click", () => void showPlots(run).catch((e: unknown) => showError(error, e)));
          row.addEventListener("keydown", (e) => e.key === "Enter" && row.click());
          return row;
        }),
      );
      if (runs.length === 0) {
        const empty = element("tr");
        empty.append(element("td", "No runs yet.", { colspan: String(4 + METRICS.length) }));
        body.append(empty);
      }
      showError(error, undefined);
      const current = runs.find((r) => r.info.runId === selected) ?? runs[0];
      if (current) await showPlots(current);
    } catch (e) {
      showError(error, e);
    }
  };

  byId("runs-head").append(...["Run", "Started", "Status", ...METRICS.map(([, title]) => title), "Model"].map((title) => element("th", title, { scope: "col" })));
  onChange(() => void refresh());
  void refresh();
}
