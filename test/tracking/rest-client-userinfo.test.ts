/**
 * A tracking URI with credentials in it (`http://user:password@host`, which Python MLflow's
 * requests accepts): fetch refuses such URLs, so the REST client sends them as basic auth instead,
 * percent-decoded, with explicit username/password options taking precedence.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createRestClient } from "../../src/mlflow/rest-client.js";
import { createTracking } from "../../src/entries/tracking.js";

const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
const server = createServer((req, res) => {
  seen.push({ url: req.url ?? "", headers: req.headers });
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ experiments: [] }));
});
let port = 0;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("credentials in the MLflow URL", () => {
  it("become a basic Authorization header (percent-decoded), and the URL is sent without them", async () => {
    seen.length = 0;
    const client = createRestClient(`http://alice:p%40ss%3Aword@127.0.0.1:${port}/`, { retries: 0 });
    await client.get("/api/2.0/mlflow/experiments/search", { max_results: 1 });
    expect(seen[0]!.headers.authorization).toBe(basic("alice", "p@ss:word"));
    expect(seen[0]!.url).toBe("/api/2.0/mlflow/experiments/search?max_results=1");
    expect(client.baseUrl).toBe(`http://127.0.0.1:${port}`);
  });

  it("explicit username and password win over the URL's", async () => {
    seen.length = 0;
    const client = createRestClient(`http://alice:secret@127.0.0.1:${port}`, { retries: 0, username: "bob", password: "other" });
    await client.get("/api/2.0/mlflow/experiments/search", { max_results: 1 });
    expect(seen[0]!.headers.authorization).toBe(basic("bob", "other"));
  });

  it("a real MLflow server is reachable through such a URI (before, every call failed in fetch)", async () => {
    const url = new URL(inject("mlflowUrl"));
    url.username = "alice";
    url.password = "p@ss";
    const tracking = await createTracking(url.href);
    try {
      const id = await tracking.getOrCreateExperiment(`userinfo-${Date.now()}`);
      expect(id).toMatch(/^\d+$/);
    } finally {
      await tracking.close();
    }
  });
});
