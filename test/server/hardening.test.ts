/**
 * The service's hardening: connection and slow-body limits (applyHttpLimits on a real HTTP
 * server), credentials masked in URIs and logs, query strings kept out of the logs, unknown query
 * parameters refused on every route, weak API tokens refused at start, and the same labels from
 * /predict whatever the model.
 *
 * Needs `npm run build` and ../shared/data/sst2.
 */
import { createServer as createHttpServer, type Server } from "node:http";
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from "node:net";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadConfig } from "../../examples/express-server/src/config.js";
import { applyHttpLimits } from "../../examples/express-server/src/http-limits.js";
import { createLogger } from "../../examples/express-server/src/logger.js";
import { createServer } from "../../examples/express-server/src/server.js";
import { toErrorAnswer } from "../../examples/express-server/src/service-error.js";
import type { BertLoader } from "../../examples/express-server/src/model-loading.js";
import { TOKEN, createOpenApiChecker, post, startTestServer, type TestServer } from "./helpers.js";

/** A logger whose JSON lines are kept in `lines`. */
function capturedLogger(level = "debug") {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      callback();
    },
  });
  return { lines, logger: createLogger({ level }, destination) };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Resolves with everything the server sent once the socket closes. */
function collect(socket: Socket): Promise<string> {
  let received = "";
  socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
  socket.on("error", () => {});
  return new Promise((resolve) => socket.on("close", () => resolve(received)));
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => resolve(socket));
    socket.once("error", reject);
  });
}

describe("applyHttpLimits (MAX_CONNECTIONS, BODY_TIMEOUT_MS)", () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    // A short check interval so the request timeout is enforced within the test's time.
    server = createHttpServer({ connectionsCheckingInterval: 100 }, (req, res) => {
      req.resume();
      req.on("end", () => res.end("ok"));
    });
    applyHttpLimits(server, { maxConnections: 2, bodyTimeoutMs: 1000 });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test("sets maxConnections, requestTimeout and headersTimeout (at most 15 s)", () => {
    expect(server.maxConnections).toBe(2);
    expect(server.requestTimeout).toBe(1000);
    expect(server.headersTimeout).toBe(1000);
    const other = createHttpServer();
    applyHttpLimits(other, { maxConnections: 1024, bodyTimeoutMs: 30_000 });
    expect([other.maxConnections, other.requestTimeout, other.headersTimeout]).toEqual([1024, 30_000, 15_000]);
  });

  test("connections above MAX_CONNECTIONS are closed without an answer", async () => {
    const held = [await open(port), await open(port)];
    await new Promise((resolve) => setTimeout(resolve, 50));
    const extra = await open(port);
    const closed = collect(extra);
    extra.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(await closed).toBe("");
    for (const socket of held) socket.destroy();
    // Below the cap again, requests are answered.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { connection: "close" } });
    expect(await res.text()).toBe("ok");
  });

  test("a client that trickles its body slower than BODY_TIMEOUT_MS gets 408 or a closed socket", async () => {
    const socket = await open(port);
    const answer = collect(socket);
    socket.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n");
    const started = Date.now();
    const trickle = setInterval(() => socket.writable && socket.write("a"), 200);
    const received = await answer;
    clearInterval(trickle);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(received === "" || received.startsWith("HTTP/1.1 408"), received).toBe(true);
  });
});

describe("credentials in the tracking URI", () => {
  test("a tracking store that cannot be reached at start: no log line and no error answer contains the password (even with @ in it)", async () => {
    const { lines, logger } = capturedLogger();
    const config = loadConfig({ HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "debug", MLFLOW_TRACKING_URI: `http://user:p%40ss@w0rd@127.0.0.1:${await closedPort()}` });
    let failure: unknown;
    try {
      const server = await createServer(config, { logger, defaultMetrics: false });
      await server.close();
    } catch (e) {
      failure = e;
      // What main.ts does with a failed start.
      logger.fatal({ err: e, tracking_uri: config.trackingUri, url: config.trackingUri, uri: config.trackingUri }, "could not start");
    }
    expect(failure).toBeDefined();
    logger.error({ err: new Error(`wrapped: ${String(failure)}`, { cause: failure }) }, `start failed for ${config.trackingUri}`);
    logger.flush();
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).not.toMatch(/w0rd|p%40ss|p@ss/);
      JSON.parse(line);
    }
    expect(lines.join("\n")).toContain("user:***@127.0.0.1");
    const { body } = toErrorAnswer(failure);
    expect(body.message).not.toMatch(/w0rd|p%40ss|p@ss/);
  }, 60_000);
});

describe("query strings", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ API_TOKEN: TOKEN });
  });
  afterAll(async () => {
    await t?.stop();
  });

  test("an unknown query parameter is 400 INVALID_PARAMETER_VALUE on every route, documented in /openapi.json", async () => {
    const api = createOpenApiChecker((await (await fetch(`${t.url}/openapi.json`)).json()) as Record<string, unknown>);
    const auth = { authorization: `Bearer ${TOKEN}` };
    const routes: [string, string, string, RequestInit?][] = [
      ["GET", "/health", "/health"],
      ["GET", "/model_info", "/model_info"],
      ["GET", "/metrics", "/metrics"],
      ["GET", "/openapi.json", "/openapi.json"],
      ["GET", "/ping", "/ping"],
      ["GET", "/version", "/version"],
      ["POST", "/invocations", "/invocations", { headers: { "content-type": "application/json" }, body: '{"inputs": ["fine"]}' }],
      ["POST", "/predict", "/predict?model=tfidf&", { headers: { "content-type": "application/json" }, body: '{"reviews": ["fine"]}' }],
      ["POST", "/train_model", "/train_model", { headers: auth }],
      ["GET", "/train_model/{job_id}", "/train_model/nope", { headers: auth }],
    ];
    for (const [method, template, path, init] of routes) {
      const res = await fetch(`${t.url}${path}${path.includes("?") ? "" : "?"}bogus=1`, { method, ...init });
      const body = await res.text();
      expect(res.status, `${method} ${path}: ${body}`).toBe(400);
      api.check(method, template, res, body);
      expect(JSON.parse(body)).toMatchObject({ error_code: "INVALID_PARAMETER_VALUE", message: expect.stringMatching(/^unknown query parameter "bogus"; \/\S+ takes (no query parameters|only \?model=)$/) });
    }
    // The parameters a route takes still work.
    const ok = await fetch(`${t.url}/predict?model=tfidf`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"reviews": ["fine"]}' });
    expect(ok.status).not.toBe(400);
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
  });

  test("query strings never reach the log: POST /train_model?token=secret123", async () => {
    t.logs.length = 0;
    await fetch(`${t.url}/train_model?token=secret123`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` } });
    await fetch(`${t.url}/predict?model=secret123`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"reviews": ["fine"]}' });
    await fetch(`${t.url}/nope?api_key=secret123`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const requests = t.logs.filter((line) => line.includes('"request completed"'));
    expect(requests).toHaveLength(3);
    for (const line of t.logs) expect(line).not.toContain("secret123");
    expect(requests.map((line) => (JSON.parse(line) as { req: { url: string } }).req.url)).toEqual(["/train_model?token=***", "/predict?model=***", "/nope?api_key=***"]);
  });
});

describe("labels from /predict are the reference API's whatever the model", () => {
  let t: TestServer;
  // A stand-in for loadBert: id2label in upper case (as bert-tiny-sst2's), plus a label that is neither.
  const fakeBert: BertLoader = async () => ({
    kind: "bert",
    labels: ["NEGATIVE", "mixed", "positive"],
    predictProba: (texts: readonly string[]) => texts.map((text) => (text.includes("great") ? [0.1, 0.1, 0.8] : text.includes("meh") ? [0.2, 0.7, 0.1] : [0.8, 0.1, 0.1])),
  });
  beforeAll(async () => {
    t = await startTestServer({ BERT_MODEL: "/fake/bert" }, { loadBert: fakeBert });
  });
  afterAll(async () => {
    await t?.stop();
  });

  test("positive/negative in any case become Positive/Negative; other labels pass through unchanged", async () => {
    const api = createOpenApiChecker((await (await fetch(`${t.url}/openapi.json`)).json()) as Record<string, unknown>);
    const res = await post(`${t.url}/predict`, { reviews: ["a great film", "awful", "meh"], model: "bert" });
    const text = await res.text();
    api.check("POST", "/predict", res, text);
    expect(res.status, text).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ model: "BERT", predictions: ["Positive", "Negative", "mixed"], scores: [0.8, 0.8, 0.7], count: 3 });
  });
});
