/**
 * The REST client in a page (stubbed globalThis.location/document): a fetch TypeError on a
 * cross-origin request (how browsers report a CORS refusal) is not retried and names MLflow's
 * --cors-allowed-origins and --allowed-hosts flags; MLflow's 403 "Invalid Host header" answer names
 * --allowed-hosts. The 403 text is MLflow's security_utils.INVALID_HOST_MSG.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createRestClient } from "../../src/mlflow/rest-client.js";
import { restoreGlobals, stubGlobal } from "../helpers/globals.js";

const INVALID_HOST_MSG = "Invalid Host header - possible DNS rebinding attack detected";

afterEach(restoreGlobals);

function failingFetch(): { fetch: typeof globalThis.fetch; calls: () => number } {
  let calls = 0;
  const fetch = (async () => {
    calls++;
    throw new TypeError("Failed to fetch");
  }) as typeof globalThis.fetch;
  return { fetch, calls: () => calls };
}

describe("a fetch TypeError in a page", () => {
  it("on another origin: not retried, names the page's origin and both server flags", async () => {
    stubGlobal("location", new URL("https://app.example.org/demo/"));
    const { fetch, calls } = failingFetch();
    const client = createRestClient("http://mlflow.internal:5000", { fetch, retries: 5, backoffMs: 1000 }, "tracking");
    const started = Date.now();
    const error = (await client.get("/api/2.0/mlflow/experiments/get", { experiment_id: "0" }).catch((e: unknown) => e));
    expect(Date.now() - started).toBeLessThan(500);
    expect(calls()).toBe(1);
    expect(error).toMatchObject({ code: "TEMPORARILY_UNAVAILABLE", component: "tracking", details: { corsOrigin: "https://app.example.org" } });
    const message = (error as Error).message;
    expect(message).toContain("GET http://mlflow.internal:5000/api/2.0/mlflow/experiments/get?experiment_id=0 failed: Failed to fetch");
    expect(message).toContain("may be refusing this origin");
    expect(message).toContain("--cors-allowed-origins https://app.example.org");
    expect(message).toContain("--allowed-hosts mlflow.internal:5000");
    expect(message).not.toContain("[senti-mlops]");
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });

  it("with a document but no location (origin unknown) it is reported the same way", async () => {
    stubGlobal("document", {});
    const { fetch, calls } = failingFetch();
    const client = createRestClient("http://mlflow.internal:5000", { fetch, backoffMs: 1000 });
    await expect(client.send("POST", "/api/2.0/mlflow/runs/create", {})).rejects.toMatchObject({
      code: "TEMPORARILY_UNAVAILABLE",
      component: "mlflow",
      message: expect.stringContaining("--cors-allowed-origins"),
    });
    expect(calls()).toBe(1);
  });

  it("on the page's own origin (no CORS involved) it is retried as a network error", async () => {
    stubGlobal("location", new URL("http://mlflow.internal:5000/ui/"));
    const { fetch, calls } = failingFetch();
    const client = createRestClient("http://mlflow.internal:5000", { fetch, retries: 2, backoffMs: 1 });
    const error = (await client.get("/api/2.0/mlflow/experiments/search").catch((e: unknown) => e)) as Error;
    expect(calls()).toBe(3);
    expect(error).toMatchObject({ code: "TEMPORARILY_UNAVAILABLE" });
    expect(error.message).not.toContain("--cors-allowed-origins");
  });

  it("in Node (no page) it is retried as a network error", async () => {
    const { fetch, calls } = failingFetch();
    const client = createRestClient("http://mlflow.internal:5000", { fetch, retries: 2, backoffMs: 1 });
    const error = (await client.get("/api/2.0/mlflow/experiments/search").catch((e: unknown) => e)) as Error;
    expect(calls()).toBe(3);
    expect(error.message).toBe("GET http://mlflow.internal:5000/api/2.0/mlflow/experiments/search failed: Failed to fetch");
  });
});

describe("MLflow's Host check", () => {
  it("a 403 Invalid Host header answer is PERMISSION_DENIED, not retried, and names --allowed-hosts", async () => {
    let calls = 0;
    const fetch = (async () => {
      calls++;
      return new Response(INVALID_HOST_MSG, { status: 403, headers: { "content-type": "text/plain" } });
    }) as typeof globalThis.fetch;
    const client = createRestClient("http://10.0.0.7:5000", { fetch, retries: 5, backoffMs: 1000 }, "registry");
    const error = (await client.get("/api/2.0/mlflow/registered-models/search").catch((e: unknown) => e)) as Error;
    expect(calls).toBe(1);
    expect(error).toMatchObject({ code: "PERMISSION_DENIED", component: "registry", details: { httpStatus: 403 } });
    expect(error.message).toBe(
      `GET http://10.0.0.7:5000/api/2.0/mlflow/registered-models/search failed with HTTP 403: ${INVALID_HOST_MSG}. ` +
        "The MLflow server refuses the Host header 10.0.0.7:5000: start it with --allowed-hosts 10.0.0.7:5000 (or set MLFLOW_SERVER_ALLOWED_HOSTS)",
    );
  });

  it("another 403 keeps the server's own message", async () => {
    const fetch = (async () =>
      new Response(JSON.stringify({ error_code: "PERMISSION_DENIED", message: "no access to experiment 1" }), { status: 403 })) as typeof globalThis.fetch;
    const client = createRestClient("http://10.0.0.7:5000", { fetch });
    await expect(client.get("/api/2.0/mlflow/experiments/get")).rejects.toMatchObject({ code: "PERMISSION_DENIED", message: "no access to experiment 1" });
  });
});

describe("the real MLflow server's Host check", () => {
  it("answers a Host outside its default allowed hosts with the 403 the client recognizes", async () => {
    const { inject } = await import("vitest");
    const { request } = await import("node:http");
    const base = inject("mlflowUrl");
    // A fetch that sends the request with another Host header, as a browser reaching the server
    // through a public name would (browsers do not let a page set Host).
    const fetch = ((input: RequestInfo | URL) =>
      new Promise<Response>((resolve, reject) => {
        const url = new URL(String(input));
        const req = request(url, { method: "GET", headers: { host: "mlflow.example.com" } }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 500 })));
        });
        req.on("error", reject);
        req.end();
      })) as typeof globalThis.fetch;
    const client = createRestClient(base, { fetch, retries: 0 });
    const error = (await client.get("/api/2.0/mlflow/experiments/search", { max_results: 1 }).catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: "PERMISSION_DENIED", details: { httpStatus: 403 } });
    expect(error.message).toContain(INVALID_HOST_MSG);
    expect(error.message).toContain(`--allowed-hosts ${new URL(base).host}`);
  });
});
