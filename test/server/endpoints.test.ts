/**
 * Every route of examples/express-server over real HTTP (127.0.0.1, port 0), each answer checked
 * against the service's own /openapi.json. The model is trained by the service itself (a real
 * POST /train_model on 4,000 SST-2 rows, memory: tracking) before the route tests run.
 *
 * Needs `npm run build` and ../shared/data/sst2.
 */
import { predict } from "senti-mlops";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  TOKEN,
  createOpenApiChecker,
  post,
  startTestServer,
  tempDir,
  trainChampion,
  writeTrainingCsv,
  type OpenApiChecker,
  type TestServer,
} from "./helpers.js";

const MAX_REVIEWS = 8;
const MAX_REVIEW_CHARS = 300;
const MAX_BODY = 4096;
const REVIEWS = ["This movie was amazing!", "Terrible film, waste of time."];

let t: TestServer;
let empty: TestServer;
let api: OpenApiChecker;
let doc: Record<string, unknown>;

/** Sends a request and checks the answer against /openapi.json; returns status, headers and body text. */
async function call(method: string, template: string, path: string, init: RequestInit = {}, base = () => t.url) {
  const res = await fetch(`${base()}${path}`, { method, ...init });
  const text = await res.text();
  api.check(method, template, res, text);
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

const json = (body: unknown): RequestInit => ({ headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });

beforeAll(async () => {
  const dir = tempDir();
  t = await startTestServer({
    API_TOKEN: TOKEN,
    TRAIN_DATA: writeTrainingCsv(dir, 4000),
    MAX_REVIEWS: String(MAX_REVIEWS),
    MAX_REVIEW_CHARS: String(MAX_REVIEW_CHARS),
    MAX_BODY: String(MAX_BODY),
  });
  empty = await startTestServer();
  doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as Record<string, unknown>;
  api = createOpenApiChecker(doc);
  await trainChampion(t.url);
});

afterAll(async () => {
  await t?.stop();
  await empty?.stop();
});

describe("GET /openapi.json", () => {
  test("is OpenAPI 3.1 with every route, the error schema on every error status, and the configured limits", async () => {
    const r = await call("GET", "/openapi.json", "/openapi.json");
    expect(r.status).toBe(200);
    const d = r.json() as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>> };
    expect(d.openapi).toBe("3.1.0");
    expect(Object.keys(d.paths).sort()).toEqual(
      ["/health", "/invocations", "/metrics", "/model_info", "/openapi.json", "/ping", "/predict", "/train_model", "/train_model/{job_id}", "/version"].sort(),
    );
    for (const [path, operations] of Object.entries(d.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) >= 400) expect(response.content?.["application/json"]?.schema, `${method} ${path} ${status}`).toEqual({ $ref: "#/components/schemas/Error" });
        }
      }
    }
    const schemas = (doc.components as { schemas: Record<string, { properties?: Record<string, unknown> }> }).schemas;
    expect(schemas.Error!.properties).toHaveProperty("error_code");
    expect(JSON.stringify(schemas.PredictRequest)).toContain(`"maxItems":${MAX_REVIEWS}`);
    expect(JSON.stringify(schemas.PredictRequest)).toContain(`"maxLength":${MAX_REVIEW_CHARS}`);
  });
});

describe("GET /health and /model_info", () => {
  test("/health reports the service and which models are loaded", async () => {
    const r = await call("GET", "/health", "/health");
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ status: "healthy", service: "ML Prediction Service", version: "0.1.0", models: { tfidf: true, bert: false } });
    const e = await call("GET", "/health", "/health", {}, () => empty.url);
    expect(e.json().models).toEqual({ tfidf: false, bert: false });
  });

  test("/model_info shows the served version, where it came from and the tracking URI", async () => {
    const r = await call("GET", "/model_info", "/model_info");
    expect(r.status).toBe(200);
    const info = r.json() as { models: { tfidf: Record<string, unknown>; bert: Record<string, unknown> }; mlflow_tracking_uri: string };
    expect(info.mlflow_tracking_uri).toBe("memory:");
    expect(info.models.tfidf).toMatchObject({
      loaded: true,
      uri: "models:/sentiment-tfidf@champion",
      registered_model: { name: "sentiment-tfidf", version: "1" },
      labels: ["Negative", "Positive"],
      problem: null,
    });
    expect(info.models.tfidf.validation_accuracy).toBeGreaterThan(0.6);
    expect(info.models.bert).toMatchObject({ loaded: false, uri: null });
    const e = (await call("GET", "/model_info", "/model_info", {}, () => empty.url)).json() as typeof info;
    expect(e.models.tfidf).toMatchObject({ loaded: false, uri: "models:/sentiment-tfidf@champion", problem: "models:/sentiment-tfidf@champion does not exist yet" });
  });
});

describe("POST /predict", () => {
  test("answers the reference service's JSON with per-review scores, exactly the served model's predictions", async () => {
    const r = await call("POST", "/predict", "/predict", json({ reviews: REVIEWS }));
    expect(r.status).toBe(200);
    const expected = await predict(t.server.models.tfidf.current()!.model, REVIEWS);
    expect(r.json()).toEqual({
      model: "TF-IDF",
      predictions: expected.map((p) => p.label),
      scores: expected.map((p) => p.score),
      count: 2,
      model_version: "1",
    });
    expect(r.json().predictions).toEqual(["Positive", "Negative"]);
    const explicit = await call("POST", "/predict", "/predict?model=tfidf", json({ reviews: REVIEWS, model: "tfidf" }));
    expect(explicit.json().predictions).toEqual(["Positive", "Negative"]);
  });

  test("an empty review still gets a prediction; MAX_REVIEWS reviews of MAX_REVIEW_CHARS are accepted", async () => {
    expect((await call("POST", "/predict", "/predict", json({ reviews: [""] }))).status).toBe(200);
    const r = await call("POST", "/predict", "/predict", json({ reviews: Array.from({ length: MAX_REVIEWS }, () => "a".repeat(MAX_REVIEW_CHARS - 100)) }));
    expect(r.status, r.text).toBe(200);
  });

  test("bert without BERT_MODEL is a 503 that says to set BERT_MODEL", async () => {
    for (const [path, body] of [
      ["/predict?model=bert", { reviews: REVIEWS }],
      ["/predict", { reviews: REVIEWS, model: "bert" }],
    ] as const) {
      const r = await call("POST", "/predict", path, json(body));
      expect(r.status).toBe(503);
      expect(r.json()).toMatchObject({ error_code: "TEMPORARILY_UNAVAILABLE" });
      expect(r.json().message).toContain("BERT_MODEL");
    }
  });

  test("with no model, 503 says how to train one or configure MODEL_URI", async () => {
    const r = await call("POST", "/predict", "/predict", json({ reviews: REVIEWS }), () => empty.url);
    expect(r.status).toBe(503);
    expect(r.json().error_code).toBe("TEMPORARILY_UNAVAILABLE");
    expect(r.json().message).toMatch(/POST \/train_model/);
    expect(r.json().message).toMatch(/MODEL_URI/);
  });

  const invalid: [string, RequestInit, RegExp][] = [
    ["missing reviews", json({}), /^reviews is required$/],
    ["reviews not an array", json({ reviews: "Great" }), /^reviews must be an array, got string$/],
    ["empty reviews", json({ reviews: [] }), /^reviews must hold at least one text$/],
    ["a non-string review", json({ reviews: ["ok", 42] }), /^reviews\[1\] must be a string, got number$/],
    ["a null review", json({ reviews: [null] }), /^reviews\[0\] must be a string, got null$/],
    ["too many reviews", json({ reviews: Array.from({ length: MAX_REVIEWS + 1 }, () => "x") }), /^reviews must hold at most 8 texts \(MAX_REVIEWS\), got 9$/],
    ["a review too long", json({ reviews: ["ok", "x".repeat(MAX_REVIEW_CHARS + 1)] }), /^reviews\[1\] has more than 300 characters \(MAX_REVIEW_CHARS\), got 301$/],
    ["an unknown field", json({ reviews: ["ok"], review: "x" }), /^unknown field "review" in request body$/],
    ["a bad model", json({ reviews: ["ok"], model: "gpt" }), /^model must be one of "tfidf", "bert", got "gpt"$/],
    ["a body that is not an object", json([1, 2]), /^request body must be an object, got array$/],
    ["invalid JSON", json('{"reviews": ['), /^request body is not valid JSON/],
    ["no content type", { body: new Blob([JSON.stringify({ reviews: ["ok"] })]) }, /^Content-Type header is missing; send application\/json$/],
    ["text/plain", { headers: { "content-type": "text/plain" }, body: JSON.stringify({ reviews: ["ok"] }) }, /^Content-Type text\/plain is not supported; send application\/json$/],
    ["a latin-1 charset", { headers: { "content-type": "application/json; charset=latin1" }, body: "{}" }, /charset "latin1" is not supported/],
    ["invalid UTF-8", { headers: { "content-type": "application/json" }, body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]) }, /^request body is not valid UTF-8$/],
    ["no body", { headers: { "content-type": "application/json" } }, /^request body is empty$/],
  ];
  test.each(invalid)("%s → 400 INVALID_PARAMETER_VALUE naming the field", async (_what, init, message) => {
    const r = await call("POST", "/predict", "/predict", init);
    expect(r.status, r.text).toBe(400);
    expect(r.json().error_code).toBe("INVALID_PARAMETER_VALUE");
    expect(r.json().message).toMatch(message);
  });

  test("?model=bert with a different body model, and an invalid ?model, are 400", async () => {
    const both = await call("POST", "/predict", "/predict?model=bert", json({ reviews: ["ok"], model: "tfidf" }));
    expect(both.status).toBe(400);
    expect(both.json().message).toMatch(/give one/);
    const bad = await call("POST", "/predict", "/predict?model=xx", json({ reviews: ["ok"] }));
    expect(bad.status).toBe(400);
    expect(bad.json().message).toMatch(/^model \(query\) must be one of/);
  });

  test("a body over MAX_BODY is 413", async () => {
    const r = await call("POST", "/predict", "/predict", json({ reviews: ["x".repeat(MAX_BODY)] }));
    expect(r.status).toBe(413);
    expect(r.json()).toEqual({ error_code: "REQUEST_LIMIT_EXCEEDED", message: `request body is larger than the limit (MAX_BODY = ${MAX_BODY} bytes)` });
  });
});

describe("MLflow scoring protocol", () => {
  test("GET /ping is 200 with a newline when a model is loaded, 404 JSON when none is; GET /version is text", async () => {
    const r = await call("GET", "/ping", "/ping");
    expect(r.status).toBe(200);
    expect(r.text).toBe("\n");
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
    const e = await call("GET", "/ping", "/ping", {}, () => empty.url);
    expect(e.status).toBe(404);
    expect(e.json().error_code).toBe("RESOURCE_DOES_NOT_EXIST");
    const v = await call("GET", "/version", "/version");
    expect(v.status).toBe(200);
    expect(v.text).toBe("0.1.0");
  });

  const formats: [string, string, string][] = [
    ["dataframe_split", "application/json", JSON.stringify({ dataframe_split: { columns: ["text"], data: REVIEWS.map((r) => [r]) } })],
    ["dataframe_split with index and two columns", "application/json", JSON.stringify({ dataframe_split: { index: [0, 1], columns: ["id", "text"], data: REVIEWS.map((r, i) => [i, r]) } })],
    ["dataframe_records", "application/json", JSON.stringify({ dataframe_records: REVIEWS.map((text) => ({ text })) })],
    ["instances (strings)", "application/json", JSON.stringify({ instances: REVIEWS })],
    ["instances (objects)", "application/json; charset=utf-8", JSON.stringify({ instances: REVIEWS.map((text) => ({ text })) })],
    ["inputs (list) with params", "application/json", JSON.stringify({ inputs: REVIEWS, params: {} })],
    ["inputs (columns)", "application/json", JSON.stringify({ inputs: { text: REVIEWS } })],
    ["text/csv", "text/csv", `text\n${REVIEWS.map((r) => `"${r.replaceAll('"', '""')}"`).join("\r\n")}\n`],
    ["text/csv, two columns", "text/csv", `id,text\n1,${REVIEWS[0]}\n2,"${REVIEWS[1]}"`],
  ];
  test.each(formats)("POST /invocations with %s → { predictions: [{ label, score }] }", async (_what, type, body) => {
    const r = await call("POST", "/invocations", "/invocations", { headers: { "content-type": type }, body });
    expect(r.status, r.text).toBe(200);
    const expected = await predict(t.server.models.tfidf.current()!.model, REVIEWS);
    expect(r.json()).toEqual({ predictions: expected.map((p) => ({ label: p.label, score: p.score })) });
  });

  const refused: [string, string, string, number, RegExp][] = [
    ["text/plain", "text/plain", "text\nGreat", 415, /Content-Type text\/plain is not supported/],
    ["application/csv (only text/csv, as MLflow)", "application/csv", "text\nGreat", 415, /not supported/],
    ["a non-UTF-8 charset", "application/json; charset=latin-1", "{}", 415, /charset/],
    ["another content-type parameter", "application/json; format=pandas-split", "{}", 415, /parameter "format"/],
    ["a top-level list (pre-2.0 protocol)", "application/json", JSON.stringify(["Great"]), 400, /scoring protocol changed in MLflow 2\.0/],
    ["two formats", "application/json", JSON.stringify({ inputs: ["a"], instances: ["b"] }), 400, /exactly one of the input fields/],
    ["no format", "application/json", JSON.stringify({ data: ["a"] }), 400, /exactly one of the input fields/],
    ["an LLM payload", "application/json", JSON.stringify({ messages: [{ role: "user", content: "hi" }] }), 400, /no chat or completion input/],
    ["a non-string value", "application/json", JSON.stringify({ instances: ["ok", 3] }), 400, /^instances\[1\] must be an object or a string, got number$/],
    ["records without text", "application/json", JSON.stringify({ dataframe_records: [{ a: "x", b: "y" }] }), 400, /"text" field/],
    ["too many rows", "application/json", JSON.stringify({ inputs: Array.from({ length: MAX_REVIEWS + 1 }, () => "x") }), 400, /MAX_REVIEWS/],
    ["a text too long", "application/json", JSON.stringify({ inputs: ["x".repeat(MAX_REVIEW_CHARS + 1)] }), 400, /MAX_REVIEW_CHARS/],
    ["CSV without a text column", "text/csv", "a,b\n1,2\n", 400, /"text" column/],
    ["CSV with an open quote", "text/csv", 'text\n"Great\n', 400, /not closed/],
    ["invalid JSON", "application/json", "{", 400, /not valid JSON/],
  ];
  test.each(refused)("POST /invocations with %s is refused", async (_what, type, body, status, message) => {
    const r = await call("POST", "/invocations", "/invocations", { headers: { "content-type": type }, body });
    expect(r.status, r.text).toBe(status);
    expect(r.json().error_code).toBe("BAD_REQUEST");
    expect(r.json().message).toMatch(message);
  });

  test("POST /invocations with no model is 503", async () => {
    const r = await call("POST", "/invocations", "/invocations", json({ inputs: ["x"] }), () => empty.url);
    expect(r.status).toBe(503);
  });
});

describe("GET /metrics", () => {
  test("counts requests by route and status, predictions by model and label, and model load time", async () => {
    await post(`${t.url}/predict`, { reviews: REVIEWS });
    const r = await call("GET", "/metrics", "/metrics");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(r.text).toMatch(/http_requests_total\{method="POST",route="\/predict",status="200"\} \d+/);
    expect(r.text).toMatch(/http_requests_total\{method="POST",route="\/predict",status="400"\} \d+/);
    expect(r.text).toMatch(/http_request_duration_seconds_bucket\{le="0\.005",method="POST",route="\/predict",status="200"\} \d+/);
    expect(r.text).toMatch(/predictions_total\{model="tfidf",label="Positive"\} \d+/);
    expect(r.text).toMatch(/predictions_total\{model="tfidf",label="Negative"\} \d+/);
    expect(r.text).toMatch(/model_load_duration_seconds_count\{model="tfidf"\} 1/);
    expect(r.text).toMatch(/served_model_info\{model="tfidf",uri="models:\/sentiment-tfidf@champion",version="1"\} 1/);
    expect(r.text).toMatch(/training_jobs_total\{status="promoted"\} 1/);
  });
});

describe("errors, request ids and logs", () => {
  test("an unknown route is 404 ENDPOINT_NOT_FOUND JSON; a wrong method is 405 with Allow", async () => {
    const r = await fetch(`${t.url}/nope`);
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ error_code: "ENDPOINT_NOT_FOUND", message: "no route GET /nope; see GET /openapi.json" });
    const cases: [string, string, string][] = [
      ["GET", "/predict", "POST"],
      ["DELETE", "/health", "GET, HEAD"],
      ["PUT", "/train_model", "POST"],
      ["POST", "/train_model/abc", "GET, HEAD"],
      ["OPTIONS", "/invocations", "POST"],
      ["POST", "/ping", "GET, HEAD"],
      ["PATCH", "/version", "GET, HEAD"],
      ["POST", "/model_info", "GET, HEAD"],
      ["POST", "/metrics", "GET, HEAD"],
      ["DELETE", "/openapi.json", "GET, HEAD"],
    ];
    for (const [method, path, allow] of cases) {
      const res = await fetch(`${t.url}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get("allow")).toBe(allow);
      expect(((await res.json()) as { error_code: string }).error_code).toBe("BAD_REQUEST");
    }
  });

  test("X-Request-Id is echoed when well-formed, replaced otherwise, and in the log line", async () => {
    const mine = await fetch(`${t.url}/health`, { headers: { "x-request-id": "abc-123" } });
    expect(mine.headers.get("x-request-id")).toBe("abc-123");
    const odd = await fetch(`${t.url}/health`, { headers: { "x-request-id": "bad id with spaces" } });
    expect(odd.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const line = t.logs.map((l) => JSON.parse(l) as { req?: { id?: string; url?: string }; res?: { statusCode: number } }).find((l) => l.req?.id === "abc-123");
    expect(line).toMatchObject({ req: { id: "abc-123", url: "/health" }, res: { statusCode: 200 } });
  });

  test("logs are JSON lines and never contain the token, an Authorization header or a stack sent to clients", async () => {
    await fetch(`${t.url}/train_model/unknown`, { headers: { authorization: `Bearer ${TOKEN}` } });
    await fetch(`${t.url}/train_model`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}-wrong` } });
    expect(t.logs.length).toBeGreaterThan(10);
    for (const line of t.logs) {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      expect(parsed).toHaveProperty("level");
      expect(line).not.toContain(TOKEN);
      expect(line.toLowerCase()).not.toContain("bearer");
    }
  });
});

describe("coverage of the document", () => {
  test("every documented operation was called by these tests", () => {
    const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const called = new Set([...api.seen].map((s) => s.split(" ").slice(0, 2).join(" ")));
    // The training routes are called (and checked) by training.test.ts.
    expect(operations.filter((o) => !called.has(o) && !o.includes("/train_model"))).toEqual([]);
  });
});
