/**
 * A replica whose tracking store goes away: the service on a real `mlflow server` (through a TCP
 * relay on 127.0.0.1 that the test can cut and restore) keeps serving the model it has while the
 * store cannot be reached, and says so in /health (degraded), /model_info (refresh.last_error) and
 * /metrics; once the store is back, the next check clears it.
 *
 * Needs `npm run build`, ../shared/data/sst2 and the shared MLflow server of the test run.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server, type Socket, connect } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, expect, inject, test } from "vitest";
import { TOKEN, post, startTestServer, tempDir, waitForJob, writeTrainingCsv, type JobView, type TestServer } from "./helpers.js";

/** A TCP relay to `target` that can be cut (listener closed, connections destroyed) and restored on the same port. */
function createRelay(target: URL): { port: () => number; up(): Promise<void>; down(): Promise<void> } {
  let server: Server | null = null;
  let port = 0;
  const sockets = new Set<Socket>();
  return {
    port: () => port,
    async up() {
      server = createServer((client) => {
        const upstream = connect(Number(target.port), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on("close", () => sockets.delete(s));
          s.on("error", () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      await new Promise<void>((resolve) => server!.listen(port, "127.0.0.1", resolve));
      port = (server.address() as AddressInfo).port;
    },
    async down() {
      const closing = new Promise<void>((resolve) => server!.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closing;
      server = null;
    },
  };
}

let service: TestServer | undefined;
const relay = createRelay(new URL(inject("mlflowUrl")));
afterAll(async () => {
  await service?.stop();
});

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test("a replica that cannot reach the store keeps serving its model and says so; it recovers when the store is back", async () => {
  await relay.up();
  const name = `outage-${randomUUID().slice(0, 8)}`;
  service = await startTestServer({
    MLFLOW_TRACKING_URI: `http://127.0.0.1:${relay.port()}`,
    REGISTERED_MODEL_NAME: name,
    EXPERIMENT_NAME: name,
    API_TOKEN: TOKEN,
    TRAIN_DATA: writeTrainingCsv(tempDir(), 1500),
    MODEL_REFRESH_SECONDS: "0.5",
  });
  const started = await post(`${service.url}/train_model`, "", { authorization: `Bearer ${TOKEN}`, "content-type": "" });
  expect(started.status).toBe(202);
  const job = await waitForJob(service.url, ((await started.json()) as JobView).job_id);
  expect(job).toMatchObject({ status: "succeeded", promoted: true, registered_model: { version: "1" } });

  type Info = { refresh: { last_checked_at: string | null; last_error: string | null } };
  // Let the refresh settle on version 1 with the store up first.
  const trained = Date.parse((job as JobView & { finished_at: string }).finished_at);
  await until(
    async () => (await (await fetch(`${service!.url}/model_info`)).json()) as Info,
    (i) => i.refresh.last_checked_at !== null && Date.parse(i.refresh.last_checked_at) > trained && i.refresh.last_error === null,
  );
  await relay.down();
  const info = await until(async () => (await (await fetch(`${service!.url}/model_info`)).json()) as Info, (i) => i.refresh.last_error !== null);
  expect(info.refresh.last_error).toMatch(/^the registry could not be reached/);
  const health = (await (await fetch(`${service.url}/health`)).json()) as { status: string; problems: string[] };
  expect(health.status).toBe("degraded");
  expect(health.problems.join(" ")).toMatch(/refresh: the registry could not be reached/);
  const predicted = await post(`${service.url}/predict`, { reviews: ["a fine film"] });
  expect(predicted.status).toBe(200);
  expect(((await predicted.json()) as { model_version: string }).model_version).toBe("1");
  expect(await (await fetch(`${service.url}/metrics`)).text()).toMatch(/model_refresh_checks_total\{outcome="error"\} [1-9]/);

  await relay.up();
  await until(async () => (await (await fetch(`${service!.url}/health`)).json()) as { status: string }, (h) => h.status === "healthy");
  expect(((await (await fetch(`${service.url}/model_info`)).json()) as Info).refresh.last_error).toBeNull();
});
