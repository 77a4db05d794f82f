/**
 * The service started before its tracking store (as compose or Kubernetes may start it): it waits
 * and retries with backoff, logging each retry with its cause, and comes up once MLflow listens;
 * past STORE_STARTUP_TIMEOUT_SECONDS it exits 1 saying why; a malformed configuration fails at
 * once (exit 2) without waiting; a SIGTERM while it waits stops it (exit 0).
 *
 * Needs `npm run build`, the project's .venv (mlflow) and ../shared/data/sst2.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { MLFLOW_BIN, MLFLOW_QUIET_ENV, freePort } from "../peers/mlflow-server.js";
import { TOKEN, writeTrainingCsv } from "../server/helpers.js";
import { getJson, startProgram, startService, stopAll, waitFor, type ServiceProgram } from "./processes.js";

const dir = mkdtempSync(join(tmpdir(), "senti-store-startup-"));
afterAll(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

const logs = (...programs: { name: string; tail(): string }[]) => programs.map((p) => `--- ${p.name}:\n${p.tail()}`).join("\n");
const retries = (s: ServiceProgram) => s.lines.filter((l) => /cannot be reached yet; retrying/.test(String(l.msg)));

test("a service started before MLflow retries until MLflow listens, then serves (training included)", async () => {
  const port = await freePort();
  const storeUrl = `http://127.0.0.1:${port}`;
  const service = startService("service", await freePort(), {
    MLFLOW_TRACKING_URI: storeUrl,
    WORKERS: "1",
    API_TOKEN: TOKEN,
    TRAIN_DATA: writeTrainingCsv(dir, 1500),
    STORE_STARTUP_TIMEOUT_SECONDS: "300",
  });
  // Two retries logged with the refused connection as their cause, and still no "listening".
  await waitFor("two logged retries", 60_000, () => (retries(service).length >= 2 ? true : undefined), () => logs(service));
  expect(service.exit(), logs(service)).toBeNull();
  expect(service.lines.some((l) => l.msg === "listening")).toBe(false);
  const [first, second] = retries(service);
  expect(String(first!.cause), logs(service)).toMatch(/failed/);
  expect(first!.msg).toContain(`the tracking store ${storeUrl} cannot be reached yet`);
  expect(Number(second!.retry_in_ms)).toBeGreaterThan(Number(first!.retry_in_ms));

  const mlflow = startProgram(
    "mlflow",
    MLFLOW_BIN,
    ["server", "--host", "127.0.0.1", "--port", String(port), "--backend-store-uri", `sqlite:///${join(dir, "mlflow.db")}`, "--artifacts-destination", join(dir, "artifacts"), "--workers", "1"],
    { cwd: dir, env: { ...process.env, ...MLFLOW_QUIET_ENV } },
  );
  await waitFor("the service to listen once MLflow is up", 240_000, () => (service.lines.some((l) => l.msg === "listening") ? true : undefined), () => logs(service, mlflow));
  expect(service.lines.some((l) => l.msg === "the tracking store is reachable: started")).toBe(true);
  const health = await getJson(`${service.url}/health`);
  expect(health?.status, logs(service)).toBe(200);

  // It serves: trains through MLflow, then predicts with the model it registered.
  const started = await fetch(`${service.url}/train_model`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` } });
  expect(started.status, logs(service)).toBe(202);
  const jobId = ((await started.json()) as { job_id: string }).job_id;
  const job = await waitFor(
    "the training job to finish",
    180_000,
    async () => {
      const j = (await getJson(`${service.url}/train_model/${jobId}`, { authorization: `Bearer ${TOKEN}` }))?.body;
      return j && j.status !== "queued" && j.status !== "running" ? j : undefined;
    },
    () => logs(service, mlflow),
  );
  expect(job, logs(service, mlflow)).toMatchObject({ status: "succeeded", promoted: true, registered_model: { version: "1" } });
  const predicted = await fetch(`${service.url}/predict`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ reviews: ["a wonderful film"] }) });
  expect(predicted.status).toBe(200);
  expect(await predicted.json()).toMatchObject({ model_version: "1", count: 1 });
  await service.stop();
  expect(await service.exited).toBe(0);
  await mlflow.stop();
});

test("past STORE_STARTUP_TIMEOUT_SECONDS the service exits 1 naming the store and the limit (every worker gives up), never showing its password", async () => {
  const port = await freePort();
  const service = startService("service", await freePort(), { MLFLOW_TRACKING_URI: `http://senti:s3cret-pw@127.0.0.1:${port}`, WORKERS: "2", STORE_STARTUP_TIMEOUT_SECONDS: "12" });
  const code = await Promise.race([service.exited, waitFor("the service to give up", 90_000, () => undefined, () => logs(service), 1_000)]);
  expect(code, logs(service)).toBe(1);
  expect(service.tail()).toContain(`could not start: the tracking store http://senti:***@127.0.0.1:${port} could not be reached within STORE_STARTUP_TIMEOUT_SECONDS=12`);
  expect(service.tail()).not.toContain("s3cret-pw");
  expect(retries(service).length).toBeGreaterThanOrEqual(1);
  expect(service.lines.some((l) => l.msg === "listening")).toBe(false);
});

test("a malformed configuration fails at once, without waiting for a store", async () => {
  for (const [env, message] of [
    [{ MLFLOW_TRACKING_URI: "ftp://127.0.0.1:1" }, /MLFLOW_TRACKING_URI must be an http\(s\):\/\/ MLflow server URL/],
    [{ MLFLOW_TRACKING_URI: "http://127.0.0.1:1", STORE_STARTUP_TIMEOUT_SECONDS: "a while" }, /STORE_STARTUP_TIMEOUT_SECONDS must be an integer number of seconds from 0 \(no retry\) to 86400, got "a while"/],
  ] as const) {
    const service = startService("service", await freePort(), { ...env, WORKERS: "1" });
    expect(await service.exited, logs(service)).toBe(2);
    expect(service.tail()).toMatch(message);
    expect(retries(service)).toEqual([]);
  }
});

test("STORE_STARTUP_TIMEOUT_SECONDS=0 does not retry; a SIGTERM while waiting stops the service at once with exit 0", async () => {
  const none = startService("service", await freePort(), { MLFLOW_TRACKING_URI: `http://127.0.0.1:${await freePort()}`, WORKERS: "1", STORE_STARTUP_TIMEOUT_SECONDS: "0" });
  expect(await none.exited, logs(none)).toBe(1);
  expect(retries(none)).toEqual([]);
  expect(none.tail()).toContain("could not be reached within STORE_STARTUP_TIMEOUT_SECONDS=0 (1 attempt)");

  const waiting = startService("service", await freePort(), { MLFLOW_TRACKING_URI: `http://127.0.0.1:${await freePort()}`, WORKERS: "2", STORE_STARTUP_TIMEOUT_SECONDS: "3600" });
  await waitFor("a logged retry", 60_000, () => (retries(waiting).length >= 1 ? true : undefined), () => logs(waiting));
  waiting.child.kill("SIGTERM"); // the primary only, as an engine stopping the container does
  expect(await waiting.exited, logs(waiting)).toBe(0);
  expect(waiting.lines.some((l) => l.msg === "stopped while waiting for the tracking store")).toBe(true);
});
