/**
 * BERT in the service: `BERT_MODEL` set to the shared bert-tiny-sst2 folder, `"model": "bert"` /
 * `?model=bert` answered by loadBert's model (onnxruntime-node), exactly as `predict` on that model.
 *
 * The service imports `loadBert` from `senti-mlops/bert` at run time. The first describe injects
 * the library's loader (src/bert) so the wiring is tested whatever the installed build has; the
 * second uses the service's own import: with a `senti-mlops/bert` entry in the build it must serve
 * BERT, without one it must answer 501 NOT_IMPLEMENTED saying so (and still serve TF-IDF routes).
 *
 * Needs `npm run build`, onnxruntime-node and ../shared/models/bert-tiny-sst2.
 */
import { join } from "node:path";
import { predict } from "senti-mlops";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadBert } from "../../src/bert/index.node.js";
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
      expect(JSON.parse(text)).toEqual({ model: "BERT", predictions: ["POSITIVE", "NEGATIVE"], scores: expected.map((p) => p.score), count: 2, model_version: null });
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
  let available: boolean;
  beforeAll(async () => {
    const specifier = ["senti-mlops", "bert"].join("/");
    available = await import(specifier).then(
      () => true,
      () => false,
    );
    t = await startTestServer({ BERT_MODEL: BERT_DIR });
  });
  afterAll(async () => {
    await t?.stop();
  });

  test("serves BERT when the build has senti-mlops/bert, else 501 NOT_IMPLEMENTED that says why", async () => {
    const res = await post(`${t.url}/predict?model=bert`, { reviews: REVIEWS });
    const body = (await res.json()) as Record<string, unknown>;
    if (available) {
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(body).toMatchObject({ model: "BERT", predictions: ["POSITIVE", "NEGATIVE"] });
    } else {
      expect(res.status).toBe(501);
      expect(body.error_code).toBe("NOT_IMPLEMENTED");
      expect(body.message).toMatch(/senti-mlops\/bert/);
      const info = (await (await fetch(`${t.url}/model_info`)).json()) as { models: { bert: Record<string, unknown> } };
      expect(info.models.bert).toMatchObject({ loaded: false, uri: BERT_DIR });
      expect(info.models.bert.problem).toMatch(/senti-mlops\/bert/);
    }
  });
});
