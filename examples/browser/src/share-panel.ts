/**
 * Leaving the browser: "Push" copies every experiment, run (params, metric histories, artifacts)
 * and registered model, version and alias of the IndexedDB store to an MLflow server (pushing
 * again sends only what is new; a cancelled push is completed by the next), and "Download" saves
 * the store itself, an SQLite file in MLflow's schema (`mlflow ui --backend-store-uri sqlite:///…`).
 */
import { createTracking, pushTracking, type Tracking } from "senti-mlops/tracking";
import { byId, download } from "./dom.js";
import { describeError } from "./errors.js";
import { localTracking } from "./local-tracking.js";
import { initialMlflowUrl } from "./settings.js";

export function mountSharePanel(): void {
  const form = byId<HTMLFormElement>("push-form");
  const url = byId<HTMLInputElement>("mlflow-url");
  const pushButton = byId<HTMLButtonElement>("push");
  const cancelButton = byId<HTMLButtonElement>("cancel-push");
  const progress = byId<HTMLProgressElement>("push-progress");
  const status = byId("push-status");
  const exportButton = byId<HTMLButtonElement>("export");
  const exportStatus = byId("export-status");
  let controller: AbortController | undefined;

  const report = (text: string, state: "running" | "done" | "failed"): void => {
    status.textContent = text;
    status.dataset.state = state;
    status.setAttribute("role", state === "failed" ? "alert" : "status");
  };

  url.value = initialMlflowUrl;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (controller) return;
    controller = new AbortController();
    pushButton.disabled = true;
    cancelButton.disabled = false;
    progress.value = 0;
    report(`Pushing to ${url.value}…`, "running");
    void (async () => {
      let server: Tracking | undefined;
      try {
        server = await createTracking(url.value.trim());
        const result = await pushTracking(await localTracking(), server, {
          signal: controller.signal,
          onProgress: (p) => {
            progress.value = p.total === 0 ? 1 : p.done / p.total;
            report(`${p.done}/${p.total}: ${p.step}`, "running");
          },
        });
        progress.value = 1;
        report(
          `Pushed to ${server.uri}: ${result.runs.created} new run(s) (${result.runs.matched} already there), ${result.metrics} metric point(s), ` +
            `${result.artifacts} artifact file(s), ${result.modelVersions.created} new model version(s), ${result.aliases} alias(es).`,
          "done",
        );
      } catch (error) {
        report(`Push failed: ${describeError(error)}`, "failed");
      } finally {
        await server?.close().catch(() => {});
        controller = undefined;
        pushButton.disabled = false;
        cancelButton.disabled = true;
      }
    })();
  });
  cancelButton.addEventListener("click", () => controller?.abort());

  exportButton.addEventListener("click", () => {
    void (async () => {
      try {
        const bytes = await (await localTracking()).exportDatabase();
        download(bytes, "senti-mlops-example.db", "application/vnd.sqlite3");
        exportStatus.textContent = `Saved senti-mlops-example.db (${Math.ceil(bytes.byteLength / 1024)} kB): open it with mlflow ui --backend-store-uri sqlite:///senti-mlops-example.db`;
        exportStatus.removeAttribute("data-state");
      } catch (error) {
        exportStatus.textContent = `Export failed: ${describeError(error)}`;
        exportStatus.dataset.state = "failed";
      }
    })();
  });
}
