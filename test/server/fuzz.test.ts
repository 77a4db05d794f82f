/**
 * Fuzz: more than 300 malformed requests, written byte for byte on raw sockets (so that invalid
 * UTF-8, odd methods, malformed HTTP and wrong content types reach the server exactly as sent):
 * wrong JSON types, huge arrays, deep nesting, invalid UTF-8, malformed JSON, wrong content types
 * and encodings, odd methods on every route, odd paths, bad credentials, malformed HTTP. Every
 * answer must be a 4xx with a JSON `{ error_code, message }` body and no stack trace, and the
 * service must still answer /health and a valid /predict afterwards. Cases come from a seeded
 * generator, so a failure names a reproducible case.
 *
 * Needs `npm run build` and ../shared/data/sst2.
 */
import { connect } from "node:net";
import { afterAll, beforeAll, expect, test } from "vitest";
import { TOKEN, post, startTestServer, tempDir, trainChampion, writeTrainingCsv, type TestServer } from "./helpers.js";

const MAX_BODY = 256 * 1024;
let t: TestServer;
let port: number;

interface Case {
  name: string;
  /** The whole request, or [head, body] joined with a Content-Length. */
  raw: Buffer;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A request with Connection: close and a Content-Length for its body. */
function request(method: string, path: string, headers: Record<string, string>, body: Buffer | string | null): Buffer {
  const bytes = body === null ? null : Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8");
  const lines = [`${method} ${path} HTTP/1.1`, "Host: 127.0.0.1", "Connection: close", ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  if (bytes) lines.push(`Content-Length: ${bytes.length}`);
  const head = Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1");
  return bytes ? Buffer.concat([head, bytes]) : head;
}

const JSON_TYPE = { "Content-Type": "application/json" };
const AUTH = { Authorization: `Bearer ${TOKEN}` };

/** Sends raw bytes and reads the answer until the server closes the connection. */
function send(raw: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("no answer within 20 s"));
    }, 20_000);
    socket.on("data", (c) => chunks.push(c));
    const finish = () => {
      clearTimeout(timer);
      const all = Buffer.concat(chunks);
      const split = all.indexOf("\r\n\r\n");
      if (split < 0) {
        reject(new Error(`no HTTP answer (got ${JSON.stringify(all.toString("latin1").slice(0, 200))})`));
        return;
      }
      const [statusLine, ...headerLines] = all.subarray(0, split).toString("latin1").split("\r\n");
      const headers = Object.fromEntries(headerLines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
      resolve({ status: Number(statusLine!.split(" ")[1]), headers, body: all.subarray(split + 4).toString("utf8") });
    };
    socket.on("end", finish);
    socket.on("error", (e: NodeJS.ErrnoException) => {
      // The server may close while a large body is still being written: the answer read so far counts.
      if (e.code === "EPIPE" || e.code === "ECONNRESET") finish();
      else {
        clearTimeout(timer);
        reject(e);
      }
    });
    socket.write(raw);
  });
}

/** mulberry32 */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function cases(): Case[] {
  const out: Case[] = [];
  const add = (name: string, raw: Buffer) => out.push({ name, raw });
  const rand = seeded(20261130);

  // Wrong JSON types in every field of /predict, and as the whole body.
  const values: unknown[] = [null, true, false, 0, -1, 1.5, 1e308, "", "a review", [], {}, [[]], [{}], [null], [1, 2], { a: 1 }, ["ok", null], ["ok", ["nested"]], ["ok", { text: "x" }], ["ok", 7]];
  for (const v of values) {
    add(`predict reviews=${JSON.stringify(v)}`, request("POST", "/predict", JSON_TYPE, JSON.stringify({ reviews: v })));
    if (v !== null && typeof v !== "object" && v !== "") add(`predict body=${JSON.stringify(v)}`, request("POST", "/predict", JSON_TYPE, JSON.stringify(v)));
    add(`predict model=${JSON.stringify(v)}`, request("POST", "/predict", JSON_TYPE, JSON.stringify({ reviews: ["ok"], model: v })));
    add(`train promotion_policy=${JSON.stringify(v)}`, request("POST", "/train_model", { ...JSON_TYPE, ...AUTH }, JSON.stringify({ promotion_policy: v })));
  }
  for (const model of ["BERT", "tf-idf", "TF-IDF", "gpt", " tfidf"]) add(`predict model=${model}`, request("POST", "/predict", JSON_TYPE, JSON.stringify({ reviews: ["ok"], model })));
  for (const q of ["model=gpt", "model=bert&model=tfidf", "model[]=bert", "model=", "model[a]=b"]) add(`predict ?${q}`, request("POST", `/predict?${q}`, JSON_TYPE, JSON.stringify({ reviews: ["ok"] })));

  // Huge arrays and long strings: over MAX_REVIEWS / MAX_REVIEW_CHARS (400) or over MAX_BODY (413).
  for (const n of [257, 300, 1000, 5000, 20_000, 60_000]) {
    add(`predict ${n} reviews`, request("POST", "/predict", JSON_TYPE, JSON.stringify({ reviews: Array.from({ length: n }, () => "x") })));
    add(`invocations ${n} rows`, request("POST", "/invocations", JSON_TYPE, JSON.stringify({ inputs: Array.from({ length: n }, () => "x") })));
  }
  for (const n of [20_001, 100_000, 250_000, 300_000]) add(`predict a ${n}-char review`, request("POST", "/predict", JSON_TYPE, JSON.stringify({ reviews: ["y".repeat(n)] })));
  add("csv 5000 rows", request("POST", "/invocations", { "Content-Type": "text/csv" }, `text\n${"row\n".repeat(5000)}`));
  add("predict 100000 numbers", request("POST", "/predict", JSON_TYPE, JSON.stringify({ reviews: Array.from({ length: 100_000 }, (_, i) => i) })));

  // Deep nesting.
  for (const depth of [10, 100, 1000, 10_000, 100_000]) {
    add(`predict reviews nested ${depth} arrays deep`, request("POST", "/predict", JSON_TYPE, `{"reviews":${"[".repeat(depth)}"x"${"]".repeat(depth)}}`));
    add(`predict body nested ${depth} objects deep`, request("POST", "/predict", JSON_TYPE, `${'{"reviews":'.repeat(depth)}["x"]${"}".repeat(depth)}`));
    add(`invocations data nested ${depth} deep`, request("POST", "/invocations", JSON_TYPE, `{"dataframe_split":{"columns":["text"],"data":${"[".repeat(depth)}${"]".repeat(depth)}}}`));
  }
  add("predict unbalanced nesting", request("POST", "/predict", JSON_TYPE, `{"reviews":${"[".repeat(50_000)}`));

  // Invalid UTF-8 inside otherwise valid requests.
  const invalidUtf8 = [[0xff], [0xfe], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0x80], [0xf4, 0x90, 0x80, 0x80], [0xc3]];
  for (const bytes of invalidUtf8) {
    const hex = bytes.map((b) => b.toString(16)).join(" ");
    const inString = (prefix: string, suffix: string) => Buffer.concat([Buffer.from(prefix), Buffer.from(bytes), Buffer.from(suffix)]);
    add(`predict invalid UTF-8 ${hex}`, request("POST", "/predict", JSON_TYPE, inString('{"reviews":["', '"]}')));
    add(`invocations JSON invalid UTF-8 ${hex}`, request("POST", "/invocations", JSON_TYPE, inString('{"inputs":["', '"]}')));
    add(`invocations CSV invalid UTF-8 ${hex}`, request("POST", "/invocations", { "Content-Type": "text/csv" }, inString("text\n", "\n")));
    add(`train invalid UTF-8 ${hex}`, request("POST", "/train_model", { ...JSON_TYPE, ...AUTH }, inString('{"promotion_policy":"', '"}')));
  }
  for (let i = 0; i < 20; i++) {
    const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 400) }, () => Math.floor(rand() * 256)));
    add(`predict random bytes #${i}`, request("POST", "/predict", JSON_TYPE, bytes));
    add(`invocations random bytes #${i}`, request("POST", "/invocations", i % 2 ? JSON_TYPE : { "Content-Type": "text/csv" }, bytes));
  }

  // Malformed JSON.
  const malformed = ["{", "}", '{"reviews":', "{'reviews': ['x']}", '{"reviews": ["x",]}', '{"reviews": ["x"],}', "NaN", '{"reviews": [NaN]}', "/*c*/{}", '{"reviews":["x"]}garbage', '{"reviews":["x"]}{}', "\u0000", '{"reviews":["\\x41"]}', '{"reviews":["\\uZZZZ"]}', '{"reviews":["a\nb"]}', "[", "tru", '{"reviews" ["x"]}', '{reviews: ["x"]}', " "];
  for (const body of malformed) {
    add(`predict malformed ${JSON.stringify(body)}`, request("POST", "/predict", JSON_TYPE, body));
    add(`invocations malformed ${JSON.stringify(body)}`, request("POST", "/invocations", JSON_TYPE, body));
  }

  // Wrong content types (400 on /predict and /train_model, 415 on /invocations).
  const types = ["text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/json; charset=latin1", "application/json; charset=utf-16", "application/javascript", "json", "application/", "*/*", "application/json, text/plain", "application/csv", "text/html", "image/png", "application/octet-stream"];
  for (const type of types) {
    const body = JSON.stringify({ reviews: ["ok"] });
    add(`predict Content-Type ${type}`, request("POST", "/predict", { "Content-Type": type }, body));
    add(`invocations Content-Type ${type}`, request("POST", "/invocations", { "Content-Type": type }, JSON.stringify({ inputs: ["ok"] })));
    add(`train Content-Type ${type}`, request("POST", "/train_model", { "Content-Type": type, ...AUTH }, "{}"));
  }
  add("predict no Content-Type", request("POST", "/predict", {}, JSON.stringify({ reviews: ["ok"] })));
  add("invocations no Content-Type", request("POST", "/invocations", {}, JSON.stringify({ inputs: ["ok"] })));
  add("invocations format parameter", request("POST", "/invocations", { "Content-Type": "application/json; format=pandas-records" }, JSON.stringify({ inputs: ["ok"] })));
  add("predict gzip that is not gzip", request("POST", "/predict", { ...JSON_TYPE, "Content-Encoding": "gzip" }, JSON.stringify({ reviews: ["ok"] })));
  add("predict deflate that is not deflate", request("POST", "/predict", { ...JSON_TYPE, "Content-Encoding": "deflate" }, "not deflate"));
  add("predict unknown encoding", request("POST", "/predict", { ...JSON_TYPE, "Content-Encoding": "compress" }, JSON.stringify({ reviews: ["ok"] })));

  // MLflow scoring payloads that are wrong.
  const scoring: unknown[] = [
    ["x"],
    { inputs: ["a"], instances: ["b"] },
    { data: ["a"] },
    {},
    { dataframe_split: "x" },
    { dataframe_split: { columns: ["a", "b"], data: [["x", "y"]] } },
    { dataframe_split: { columns: ["text"], data: "x" } },
    { dataframe_split: { columns: [1], data: [["x"]] } },
    { dataframe_split: { columns: ["text", "b"], data: [["x"]] } },
    { dataframe_split: { columns: ["text"], data: [[1]] } },
    { dataframe_records: "x" },
    { dataframe_records: [1] },
    { dataframe_records: [{ a: "x", b: "y" }] },
    { dataframe_records: [{ text: null }] },
    { instances: {} },
    { instances: [[1]] },
    { inputs: 5 },
    { inputs: { a: ["x"], b: ["y"] } },
    { inputs: { text: [1] } },
    { inputs: ["ok"], params: 3 },
    { inputs: ["ok"], extra: 1 },
    { messages: [] },
    { prompt: "x" },
    { input: "x" },
    { inputs: [] },
    null,
    "text",
    42,
  ];
  for (const body of scoring) add(`invocations ${JSON.stringify(body)}`, request("POST", "/invocations", JSON_TYPE, JSON.stringify(body)));
  for (const csv of ["", "a,b\n1,2\n", 'text\n"open', 'text\nx"y\n', "text,other\nonly-one\n", "\n\n\n"]) add(`invocations CSV ${JSON.stringify(csv)}`, request("POST", "/invocations", { "Content-Type": "text/csv" }, csv));

  // Odd methods on every route (and an unknown path).
  const paths = ["/health", "/predict", "/train_model", "/train_model/abc", "/model_info", "/ping", "/version", "/invocations", "/metrics", "/openapi.json", "/nope"];
  const methods = ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "PURGE", "MKCOL", "LOCK", "UNLOCK", "SEARCH", "COPY", "MOVE", "REPORT", "FOO", "GETT"];
  for (const path of paths) for (const method of methods) add(`${method} ${path}`, request(method, path, {}, null));
  for (const path of ["/health", "/model_info", "/ping", "/version", "/metrics", "/openapi.json"]) add(`POST ${path}`, request("POST", path, JSON_TYPE, "{}"));
  for (const path of ["/predict", "/invocations", "/train_model"]) add(`GET ${path}`, request("GET", path, {}, null));

  // Odd paths.
  for (const path of ["/", "//predict", "/%ff", "/predict%00", "/..%2f..%2fetc/passwd", "/predict/", "/PREDICT", `/${"a".repeat(8000)}`, "/health/../../etc/passwd", "/train_model/%", "/invocations;x"]) {
    add(`GET ${path.slice(0, 40)}`, request("GET", path, {}, null));
  }

  // Bad credentials on the training routes.
  const credentials = ["", "Bearer", "Bearer ", `Bearer ${TOKEN} extra`, `bearer${TOKEN}`, `Basic ${TOKEN}`, "Bearer \u00e9\u00e9", `Token ${TOKEN}`, `Bearer ${TOKEN.toUpperCase()}`, `Bearer ${"x".repeat(5000)}`];
  for (const value of credentials) {
    add(`train Authorization ${JSON.stringify(value.slice(0, 30))}`, request("POST", "/train_model", value ? { Authorization: value } : {}, null));
    add(`job Authorization ${JSON.stringify(value.slice(0, 30))}`, request("GET", "/train_model/abc", value ? { Authorization: value } : {}, null));
  }

  // Malformed HTTP: answered by the server's clientError handler.
  const rawRequests = [
    "GET /health HTTP/1.1\r\nHost: x\r\nBad Header\r\nConnection: close\r\n\r\n",
    "GET /health HTTP/1.1\r\nHost: x\r\nX\u0001Y: 1\r\nConnection: close\r\n\r\n",
    `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\nConnection: close\r\n\r\n`,
    "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\nConnection: close\r\n\r\n",
    "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{}",
    "POST /predict HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n",
    "POST /predict HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    "GET /health HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n",
    "GET /he alth HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "G@T /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "\r\n\r\nGET\r\n\r\n",
  ];
  for (const text of rawRequests) add(`raw ${JSON.stringify(text.slice(0, 50))}`, Buffer.from(text, "latin1"));
  return out;
}

beforeAll(async () => {
  const dir = tempDir();
  t = await startTestServer({ API_TOKEN: TOKEN, TRAIN_DATA: writeTrainingCsv(dir, 1000), MAX_BODY: String(MAX_BODY), LOG_LEVEL: "error" });
  port = t.server.port;
  await trainChampion(t.url);
});

afterAll(async () => {
  await t?.stop();
});

test("≥ 300 malformed requests are each answered by a 4xx JSON error without a stack; the service is healthy after", async () => {
  const all = cases();
  expect(all.length).toBeGreaterThanOrEqual(300);
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < all.length) {
      const c = all[next++]!;
      let answer: Answer;
      try {
        answer = await send(c.raw);
      } catch (e) {
        failures.push(`${c.name}: ${(e as Error).message}`);
        continue;
      }
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      let body: unknown = null;
      try {
        body = JSON.parse(answer.body);
      } catch {
        /* reported below */
      }
      const ok =
        answer.status >= 400 &&
        answer.status < 500 &&
        /^application\/json/.test(answer.headers["content-type"] ?? "") &&
        typeof (body as { error_code?: unknown })?.error_code === "string" &&
        typeof (body as { message?: unknown })?.message === "string" &&
        Object.keys(body as object).length === 2 &&
        !/\bat .+:\d+:\d+|stack/i.test(answer.body);
      if (!ok) failures.push(`${c.name}: ${answer.status} ${answer.headers["content-type"]} ${answer.body.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  expect(failures, `status counts: ${JSON.stringify([...statuses])}`).toEqual([]);
  expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([400, 401, 404, 405, 413, 415]));

  const health = await fetch(`${t.url}/health`);
  expect(health.status).toBe(200);
  expect(((await health.json()) as { models: { tfidf: boolean } }).models.tfidf).toBe(true);
  const predicted = await post(`${t.url}/predict`, { reviews: ["Still working?"] });
  expect(predicted.status).toBe(200);
});
