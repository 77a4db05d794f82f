/**
 * The `/predict` lane (examples/express-server/src/request-listener.ts): plain `POST /predict`
 * requests are answered before Express, the others by Express's route. Both must answer every
 * request alike (status, JSON body, headers that matter, log line and metrics), so each request
 * here is sent three ways over real HTTP — plain (the lane), with `Content-Encoding: identity`
 * and as a gzip body (Express, which inflates), and chunked (Express) — and the answers compared.
 * Which requests take the lane is checked on its own (`inPredictLane`).
 *
 * Needs `npm run build` and ../shared/data/sst2.
 */
import { request } from "node:http";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { inPredictLane } from "../../examples/express-server/src/request-listener.js";
import { TOKEN, startTestServer, tempDir, trainChampion, writeTrainingCsv, type TestServer } from "./helpers.js";

const MAX_BODY = 4096;
let t: TestServer;

beforeAll(async () => {
  const dir = tempDir();
  t = await startTestServer({ API_TOKEN: TOKEN, TRAIN_DATA: writeTrainingCsv(dir, 2000), MAX_REVIEWS: "8", MAX_REVIEW_CHARS: "300", MAX_BODY: String(MAX_BODY) });
  await trainChampion(t.url);
});

afterAll(async () => {
  await t?.stop();
});

type Way = "plain" | "identity" | "gzip" | "chunked";

interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string | undefined>;
}

/** One POST with exactly these headers and this body, sent the given way; its answer. */
function send(way: Way, path: string, headers: Record<string, string>, body: Buffer): Promise<Answer> {
  const url = new URL(path, t.url);
  const payload = way === "gzip" ? gzipSync(body) : body;
  const all: Record<string, string> = { ...headers };
  if (way === "identity") all["content-encoding"] = "identity";
  if (way === "gzip") all["content-encoding"] = "gzip";
  if (way !== "chunked") all["content-length"] = String(payload.length);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers: all, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({
          status: res.statusCode!,
          body: JSON.parse(text) as unknown,
          headers: { "content-type": res.headers["content-type"], "content-length": res.headers["content-length"], "x-request-id": res.headers["x-request-id"] as string },
        });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (way === "chunked") {
      // Two writes without a Content-Length: Node sends Transfer-Encoding: chunked.
      req.write(payload.subarray(0, Math.floor(payload.length / 2)));
      req.end(payload.subarray(Math.floor(payload.length / 2)));
    } else {
      req.end(payload);
    }
  });
}

const JSON_TYPE = { "content-type": "application/json" };
const body = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value));

const CASES: [string, string, Record<string, string>, Buffer][] = [
  ["two reviews", "/predict", JSON_TYPE, body({ reviews: ["This movie was amazing!", "Terrible film, waste of time."] })],
  ["?model=tfidf and a charset", "/predict?model=tfidf", { "content-type": "application/json; charset=UTF-8" }, body({ reviews: ["fine", "awful"], model: "tfidf" })],
  ["an empty review", "/predict", JSON_TYPE, body({ reviews: [""] })],
  ["astral and accented text", "/predict", JSON_TYPE, body({ reviews: ["Café 😀 naïve — superb"] })],
  ["BERT without BERT_MODEL (503)", "/predict?model=bert", JSON_TYPE, body({ reviews: ["ok"] })],
  ["an unknown query parameter", "/predict?token=abc", JSON_TYPE, body({ reviews: ["ok"] })],
  ["a repeated ?model", "/predict?model=tfidf&model=bert", JSON_TYPE, body({ reviews: ["ok"] })],
  ["?model and a different body model", "/predict?model=bert", JSON_TYPE, body({ reviews: ["ok"], model: "tfidf" })],
  ["a bad body model", "/predict", JSON_TYPE, body({ reviews: ["ok"], model: "gpt" })],
  ["missing reviews", "/predict", JSON_TYPE, body({})],
  ["too many reviews", "/predict", JSON_TYPE, body({ reviews: Array.from({ length: 9 }, () => "x") })],
  ["a review too long", "/predict", JSON_TYPE, body({ reviews: ["x".repeat(301)] })],
  ["invalid JSON", "/predict", JSON_TYPE, body('{"reviews": [')],
  ["JSON nested too deeply", "/predict", JSON_TYPE, body("[".repeat(3000))],
  ["invalid UTF-8", "/predict", JSON_TYPE, Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])],
  ["a UTF-8 BOM", "/predict", JSON_TYPE, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body({ reviews: ["ok"] })])],
  ["text/plain", "/predict", { "content-type": "text/plain" }, body({ reviews: ["ok"] })],
  ["no Content-Type", "/predict", {}, body({ reviews: ["ok"] })],
  ["a latin-1 charset", "/predict", { "content-type": "application/json; charset=latin1" }, body({ reviews: ["ok"] })],
  ["a malformed Content-Type", "/predict", { "content-type": "application json" }, body({ reviews: ["ok"] })],
];

describe("POST /predict answers alike in the lane and in Express", () => {
  test.each(CASES)("%s", async (_what, path, headers, payload) => {
    const lane = await send("plain", path, headers, payload);
    for (const way of ["identity", "gzip", "chunked"] as const) {
      const express = await send(way, path, headers, payload);
      expect(express.status, way).toBe(lane.status);
      expect(express.body, way).toEqual(lane.body);
      expect(express.headers["content-type"], way).toBe(lane.headers["content-type"]);
      expect(express.headers["content-length"], way).toBe(lane.headers["content-length"]);
    }
  });

  test("request ids, the log line and the metrics are the same on both paths", async () => {
    const payload = body({ reviews: ["great"] });
    for (const way of ["plain", "gzip"] as const) {
      const id = `lane-test-${way}`;
      const answer = await send(way, "/predict?model=tfidf", { ...JSON_TYPE, "x-request-id": id }, payload);
      expect(answer.headers["x-request-id"]).toBe(id);
      const line = t.logs.map((l) => JSON.parse(l) as { req?: { id?: string } }).find((l) => l.req?.id === id);
      expect(line, way).toMatchObject({ msg: "request completed", req: { id, method: "POST", url: "/predict?model=***" }, res: { statusCode: 200 } });
    }
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    // Every /predict request of this file, lane or Express, is counted under the one route label.
    const counted = [...metrics.matchAll(/^http_requests_total\{method="POST",route="([^"]*)",status="\d+"\} \d+$/gm)].map((m) => m[1]);
    expect(new Set(counted)).toEqual(new Set(["/predict", "/train_model"]));
  });

  test("a body over MAX_BODY goes to Express, which answers 413 after reading it; the lane never buffers it", async () => {
    const payload = body({ reviews: ["x".repeat(MAX_BODY)] });
    const answer = await send("plain", "/predict", JSON_TYPE, payload);
    expect(answer.status).toBe(413);
    expect(answer.body).toEqual({ error_code: "REQUEST_LIMIT_EXCEEDED", message: `request body is larger than the limit (MAX_BODY = ${MAX_BODY} bytes)` });
  });
});

describe("inPredictLane", () => {
  const req = (method: string, url: string, headers: Record<string, string>) => ({ method, url, headers });
  test.each([
    ["POST /predict with a length", req("POST", "/predict", { "content-length": "10" }), true],
    ["with a query", req("POST", "/predict?model=bert", { "content-length": "10" }), true],
    ["a length of 0", req("POST", "/predict", { "content-length": "0" }), true],
    ["at MAX_BODY", req("POST", "/predict", { "content-length": String(MAX_BODY) }), true],
    ["over MAX_BODY", req("POST", "/predict", { "content-length": String(MAX_BODY + 1) }), false],
    ["no length (chunked)", req("POST", "/predict", { "transfer-encoding": "chunked" }), false],
    ["gzip", req("POST", "/predict", { "content-length": "10", "content-encoding": "gzip" }), false],
    ["identity encoding", req("POST", "/predict", { "content-length": "10", "content-encoding": "identity" }), false],
    ["GET", req("GET", "/predict", { "content-length": "10" }), false],
    ["a trailing slash", req("POST", "/predict/", { "content-length": "10" }), false],
    ["upper case", req("POST", "/PREDICT", { "content-length": "10" }), false],
    ["a longer path", req("POST", "/predictions", { "content-length": "10" }), false],
    ["/invocations", req("POST", "/invocations", { "content-length": "10" }), false],
  ])("%s", (_what, r, expected) => {
    expect(inPredictLane(r, MAX_BODY)).toBe(expected);
  });
});
