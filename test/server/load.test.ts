/**
 * A bounded load test with autocannon (at most 3 s and 4,000 requests): /predict with 1 and 32
 * reviews, /invocations and /health, mixed, over 8 connections. Every request must succeed: 0
 * errors, 0 timeouts, 0 non-2xx. Throughput is printed, never asserted (bench/server measures it).
 *
 * Needs `npm run build` and ../shared/data/sst2.
 */
import autocannon from "autocannon";
import { afterAll, beforeAll, expect, test } from "vitest";
import { TOKEN, startTestServer, tempDir, trainChampion, writeTrainingCsv, type TestServer } from "./helpers.js";

let t: TestServer;

beforeAll(async () => {
  const dir = tempDir();
  t = await startTestServer({ API_TOKEN: TOKEN, TRAIN_DATA: writeTrainingCsv(dir, 2000), LOG_LEVEL: "warn" });
  await trainChampion(t.url);
});

afterAll(async () => {
  await t?.stop();
});

test("mixed load: 0 errors, 0 timeouts, 0 non-2xx", async () => {
  const one = JSON.stringify({ reviews: ["This movie was amazing!"] });
  const many = JSON.stringify({ reviews: Array.from({ length: 32 }, (_, i) => (i % 2 ? "A tedious, joyless mess of a film." : "An absolute joy from start to finish, warm and funny.")) });
  const json = { "content-type": "application/json" };
  const result = await autocannon({
    url: t.url,
    connections: 8,
    duration: 3,
    maxOverallRequests: 4000,
    timeout: 10,
    requests: [
      { method: "POST", path: "/predict", headers: json, body: one },
      { method: "POST", path: "/predict", headers: json, body: many },
      { method: "POST", path: "/invocations", headers: json, body: JSON.stringify({ inputs: ["Great!", "Awful."] }) },
      { method: "GET", path: "/health" },
    ],
  });
  process.stdout.write(`[load] ${result.requests.total} requests, ${result.requests.average} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms\n`);
  expect(result.requests.total).toBeGreaterThan(0);
  expect(result.errors).toBe(0);
  expect(result.timeouts).toBe(0);
  expect(result.non2xx).toBe(0);
  expect(result["2xx"]).toBe(result.requests.total);
  const health = await fetch(`${t.url}/health`);
  expect(health.status).toBe(200);
});
