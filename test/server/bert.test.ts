/**
 * BERT in the service: `BERT_MODEL` set to the shared bert-tiny-sst2 folder, `"model": "bert"` /
 * `?model=bert` answered by loadBert's model (onnxruntime-node), exactly as `predict` on that model.
 *
 * The service imports `loadBert` from `senti-mlops/bert` at run time (so it also runs on a build
 * without that entry, answering 501 NOT_IMPLEMENTED for bert). The first describe injects the
 * library's loader from src/bert; the second uses the service's own import of the built entry; the
 * third checks that a model that cannot be loaded leaves the service up with a 503 that says why.
 *
 * Needs `npm run build`, onnxruntime-node and ../shared/models/bert-tiny-sst2.
 */
import { join } from "node:path";
import { predict } from "senti-mlops";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadBert } from "../../src/entries/bert.js";
import type { BertLoader } from "../../examples/express-server/src/model-loading.js";
import { SHARED } from "../peers/sklearn.js";
import { createOpenApiChecker, post, startTestServer, type TestServer } from "./helpers.js";

const BERT_DIR = join(SHARED, "models", "bert-tiny-sst2");
const REVIEWS = ["A gorgeous, witty, seductive movie.", "The plot is nothing but boilerplate clichés."];

describe("BERT_MODEL with the library's loadBert", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ BERT_MODEL: BERT_DIR }, { loadBert: ((source, options) => loadBert(source, { ...options, threads: 1 })) as BertLoader });
  });
  afterAll(async () => {
    await t?.stop();
  });

  test('"model": "bert" and ?model=bert answer with the BERT model\'s predictions; /health and /model_info show it', async () => {
    const api = createOpenApiChecker((await (await fetch(`${t.url}/openapi.json`)).json()) as Record<string, unknown>);
    const served = t.server.models.bert.current();
    expect(served).not.toBeNull();
    const expected = await predict(served!.model, REVIEWS);
    expect(expected.map((p) => p.label)).toEqual(["POSITIVE", "NEGATIVE"]);
    for (const [path, body] of [
      ["/predict", { reviews: REVIEWS, model: "bert" }],
      ["/predict?model=bert", { reviews: REVIEWS }],
    ] as const) {
      const res = await post(`${t.url}${path}`, body);
      const text = await res.text();
      api.check("POST", "/predict", res, text);
      expect(res.status).toBe(200);
      // The model's POSITIVE/NEGATIVE, answered as the reference API's Positive/Negative.
      expect(JSON.parse(text)).toEqual({ model: "BERT", predictions: ["Positive", "Negative"], scores: expected.map((p) => p.score), count: 2, model_version: null });
    }
    expect(((await (await fetch(`${t.url}/health`)).json()) as { models: unknown }).models).toEqual({ tfidf: false, bert: true });
    const info = (await (await fetch(`${t.url}/model_info`)).json()) as { models: { bert: Record<string, unknown> } };
    expect(info.models.bert).toMatchObject({ loaded: true, uri: BERT_DIR, labels: ["NEGATIVE", "POSITIVE"] });
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/predictions_total\{model="bert",label="POSITIVE"\} 2/);
    expect(metrics).toMatch(/model_load_duration_seconds_count\{model="bert"\} 1/);
  });

  test("without a TF-IDF model, the default model is still TF-IDF: 503", async () => {
    const res = await post(`${t.url}/predict`, { reviews: REVIEWS });
    expect(res.status).toBe(503);
  });
});

describe("BERT_MODEL with the service's own import of senti-mlops/bert", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ BERT_MODEL: BERT_DIR });
  });
  afterAll(async () => {
    await t?.stop();
  });

  test("serves BERT through the built senti-mlops/bert entry", async () => {
    const res = await post(`${t.url}/predict?model=bert`, { reviews: REVIEWS });
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status, JSON.stringify(body)).toBe(200);
    const expected = await predict(t.server.models.bert.current()!.model, REVIEWS);
    expect(body).toEqual({ model: "BERT", predictions: ["Positive", "Negative"], scores: expected.map((p) => p.score), count: 2, model_version: null });
  });
});

describe("a BERT_MODEL that cannot be loaded", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ BERT_MODEL: join(BERT_DIR, "no-such-folder") });
  });
  afterAll(async () => {
    await t?.stop();
  });

  test("the service still starts; bert answers 503 with the loader's reason, shown by /model_info too", async () => {
    expect(((await (await fetch(`${t.url}/health`)).json()) as { models: unknown }).models).toEqual({ tfidf: false, bert: false });
    const res = await post(`${t.url}/predict`, { reviews: REVIEWS, model: "bert" });
    const body = (await res.json()) as { error_code: string; message: string };
    expect(res.status).toBe(503);
    expect(body.error_code).toBe("TEMPORARILY_UNAVAILABLE");
    expect(body.message).toMatch(/^the BERT model \(BERT_MODEL\) is not loaded: .*no-such-folder/);
    const info = (await (await fetch(`${t.url}/model_info`)).json()) as { models: { bert: { loaded: boolean; problem: string } } };
    expect(info.models.bert.loaded).toBe(false);
    expect(info.models.bert.problem).toContain("no-such-folder");
  });
});
