/**
 * The same model through onnxruntime-web (WASM, one thread) run in Node: the web entry, with its
 * runtime injected and with the one it imports itself. The WASM files come from node_modules; no
 * network. Needs ../shared/models/bert-tiny-sst2 and ../shared/data/sst2.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createArtifactStore } from "../../src/adapters/artifact-store.js";
import { createFsByteStore } from "../../src/adapters/fs.js";
import { loadBert, type BertModel, type OrtLike } from "../../src/entries/bert.js";
import { loadBertWith } from "../../src/bert/load-bert.js";
import { predict } from "../../src/predict.js";
import { bertEnvironment as webEnvironment } from "../../src/runtime/web/bert.js";
import { BERT_DIR, maxAbsDiff, onnxruntimeWeb, readSst2Dev, readmeAccuracy, reference } from "./helpers.js";

const folder = () => createArtifactStore(createFsByteStore({ root: BERT_DIR }), { uri: BERT_DIR });

describe("loadBert on onnxruntime-web (WASM in Node)", () => {
  let runtime: OrtLike;
  let model: BertModel;

  beforeAll(async () => {
    runtime = await onnxruntimeWeb();
    model = await loadBert(folder(), { runtime, executionProviders: ["wasm"] });
  });
  afterAll(() => model?.dispose());

  it("gives the reference logits within 1e-4", async () => {
    const logits = await model.predictLogits(reference.map((r) => r.text));
    const diff = maxAbsDiff(logits, reference.map((r) => r.logits));
    expect(diff).toBeLessThan(1e-4);
    console.info(`[bert] onnxruntime-web (wasm) max |logit - torch| on reference.jsonl: ${diff.toExponential(2)}`);
  });

  it("reaches the README's SST-2 dev accuracy exactly", async () => {
    const dev = readSst2Dev();
    const { correct, total } = readmeAccuracy();
    expect(dev.length).toBe(total);
    const predictions = await predict(model, dev.map((r) => r.text));
    expect(predictions.filter((p, i) => p.label === model.labels[dev[i]!.label]).length).toBe(correct);
  });

  it("gives identical results whatever the batching, order and concurrency", async () => {
    const texts = reference.map((r) => r.text);
    const base = await model.predictProba(texts);
    for (const limits of [{ maxBatchSize: 1 }, { maxBatchSize: 256, maxTokensPerBatch: 100_000 }, { maxTokensPerBatch: 100 }]) {
      const other = await loadBert(folder(), { runtime, ...limits });
      try {
        expect(await other.predictProba([...texts].reverse())).toEqual([...base].reverse());
        const halves = await Promise.all([other.predictProba(texts.slice(0, 50)), other.predictProba(texts.slice(50))]);
        expect(halves.flat()).toEqual(base);
      } finally {
        await other.dispose();
      }
    }
  });

  it("the web binding imports onnxruntime-web itself when no runtime is given", async () => {
    const own = await loadBertWith(webEnvironment, folder());
    try {
      expect(await own.predictLogits([reference[0]!.text])).toEqual(await model.predictLogits([reference[0]!.text]));
    } finally {
      await own.dispose();
    }
  });

  it("the web binding cannot read local folders (they need Node)", async () => {
    await expect(loadBertWith(webEnvironment, BERT_DIR, { runtime })).rejects.toMatchObject({ code: "NOT_IMPLEMENTED", message: expect.stringContaining(BERT_DIR) });
  });
});
