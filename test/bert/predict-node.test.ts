/**
 * loadBert + predict on onnxruntime-node with the shared bert-tiny-sst2: logits against torch's
 * reference, the README's SST-2 dev accuracy, and results that do not depend on batching, order or
 * concurrency. Needs ../shared/models/bert-tiny-sst2 and ../shared/data/sst2.
 */
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadBert, type BertModel, type OrtLike } from "../../src/entries/bert.js";
import { predict, predictProba } from "../../src/predict.js";
import { BERT_DIR, maxAbsDiff, readSst2Dev, readmeAccuracy, reference } from "./helpers.js";

const runtime: OrtLike = ort;
const dev = readSst2Dev();
const texts = dev.map((r) => r.text);

describe("loadBert on onnxruntime-node", () => {
  let model: BertModel;
  let devProba: number[][];

  beforeAll(async () => {
    model = await loadBert(BERT_DIR, { threads: 2 });
    devProba = await predictProba(model, texts);
  });
  afterAll(() => model?.dispose());

  it("reads labels from id2label and the default maxLength from the config", () => {
    expect(model.kind).toBe("bert");
    expect(model.labels).toEqual(["NEGATIVE", "POSITIVE"]);
    expect(model.dtype).toBe("fp32");
    expect(model.activation).toBe("softmax");
    expect(model.tokenizer.maxLength).toBe(512);
  });

  it("gives the reference logits within 1e-4", async () => {
    const logits = await model.predictLogits(reference.map((r) => r.text));
    const diff = maxAbsDiff(logits, reference.map((r) => r.logits));
    expect(diff).toBeLessThan(1e-4);
    // The measured figure, kept in the test output for the record.
    console.info(`[bert] onnxruntime-node max |logit - torch| on reference.jsonl: ${diff.toExponential(2)}`);
  });

  it("gives softmax probabilities of the logits", async () => {
    const proba = await model.predictProba(reference.slice(0, 5).map((r) => r.text));
    reference.slice(0, 5).forEach((r, i) => {
      const e = r.logits.map((x) => Math.exp(x - Math.max(...r.logits)));
      const sum = e.reduce((a, b) => a + b, 0);
      e.forEach((v, c) => expect(proba[i]![c]).toBeCloseTo(v / sum, 5));
    });
  });

  it("reaches the README's SST-2 dev accuracy exactly", async () => {
    const { correct, total } = readmeAccuracy();
    expect(dev.length).toBe(total);
    const predictions = await predict(model, texts);
    const right = predictions.filter((p, i) => p.label === model.labels[dev[i]!.label]).length;
    expect(right).toBe(correct);
    predictions.forEach((p, i) => expect(p.score).toBe(Math.max(...devProba[i]!)));
  });

  it("gives identical results whatever the batch size, token limit and input order", async () => {
    const shuffled = texts.map((_, i) => (i * 389) % texts.length); // a permutation (389 and 872 are coprime)
    for (const limits of [
      { maxBatchSize: 1, maxTokensPerBatch: 8192 },
      { maxBatchSize: 7, maxTokensPerBatch: 8192 },
      { maxBatchSize: 256, maxTokensPerBatch: 100_000 },
      { maxBatchSize: 64, maxTokensPerBatch: 120 },
    ]) {
      const other = await loadBert(BERT_DIR, { runtime, threads: 2, ...limits });
      try {
        const proba = await other.predictProba(shuffled.map((i) => texts[i]!));
        expect(proba).toEqual(shuffled.map((i) => devProba[i]!));
      } finally {
        await other.dispose();
      }
    }
  });

  it("gives the same results to concurrent calls, each in its own input order", async () => {
    const parts = [texts.slice(0, 300), texts.slice(300, 301), [], texts.slice(301, 872).reverse()];
    const results = await Promise.all(parts.map((p) => model.predictProba(p)));
    expect(results[0]).toEqual(devProba.slice(0, 300));
    expect(results[1]).toEqual(devProba.slice(300, 301));
    expect(results[2]).toEqual([]);
    expect(results[3]).toEqual(devProba.slice(301, 872).reverse());
    const viaPredict = await Promise.all([predict(model, texts.slice(0, 10)), predict(model, texts.slice(10, 20))]);
    expect(viaPredict.flat().map((p) => p.score)).toEqual(devProba.slice(0, 20).map((row) => Math.max(...row)));
  });

  it("coalesces concurrent calls into shared batches padded per length bucket (counted on the real session)", async () => {
    const runs: number[][] = []; // dims of input_ids per session.run
    const counting: OrtLike = {
      Tensor: ort.Tensor,
      InferenceSession: {
        async create(bytes, options) {
          const session = await runtime.InferenceSession.create(bytes, options);
          return {
            inputNames: session.inputNames,
            outputNames: session.outputNames,
            inputMetadata: session.inputMetadata,
            outputMetadata: session.outputMetadata,
            run(feeds) {
              runs.push([...feeds.input_ids!.dims]);
              return session.run(feeds);
            },
            release: () => session.release(),
          };
        },
      },
    };
    const other = await loadBert(BERT_DIR, { runtime: counting, maxBatchSize: 64, maxTokensPerBatch: 100_000 });
    try {
      runs.length = 0; // the load's check run
      const results = await Promise.all([other.predictProba(texts.slice(0, 3)), other.predictProba(texts.slice(3, 6)), other.predictProba(texts.slice(6, 9))]);
      expect(results.flat()).toEqual(devProba.slice(0, 9));
      expect(runs).toHaveLength(1);
      expect(runs[0]![0]).toBe(9);

      // 128 texts in two batches of 64: sorted by length, each padded to its own longest (rounded up
      // to the padding multiple).
      runs.length = 0;
      await other.predictProba(texts.slice(0, 128));
      const m = other.padToMultipleOf;
      const lengths = texts.slice(0, 128).map((t) => Math.ceil(other.tokenizer.encode(t).ids.length / m) * m).sort((a, b) => a - b);
      expect(runs).toEqual([
        [64, lengths[63]],
        [64, lengths[127]],
      ]);
      expect(lengths[63]).toBeLessThan(lengths[127]!);
    } finally {
      await other.dispose();
    }
  });

  it("truncates over-long texts instead of failing", async () => {
    const long = Array.from({ length: 40 }, () => reference.map((r) => r.text).join(" ")).join(" ");
    expect(model.tokenizer.encode(long).ids.length).toBe(512);
    const [row] = await model.predictProba([long]);
    expect(row).toHaveLength(2);
    expect(row![0]! + row![1]!).toBeCloseTo(1, 12);
    const short = await loadBert(BERT_DIR, { runtime, maxLength: 16 });
    try {
      expect(short.tokenizer.encode(long).ids.length).toBe(16);
      await expect(short.predictProba([long, ""])).resolves.toHaveLength(2);
    } finally {
      await short.dispose();
    }
  });

  it("names the first item that is not a string", async () => {
    await expect(model.predictProba(["fine", 42 as unknown as string])).rejects.toMatchObject({
      code: "INVALID_PARAMETER_VALUE",
      message: "texts[1] must be a string, got number",
    });
    await expect(model.predictProba("text" as unknown as string[])).rejects.toMatchObject({ code: "INVALID_PARAMETER_VALUE" });
    await expect(predict(model, [null as unknown as string])).rejects.toMatchObject({ message: "texts[0] must be a string, got null" });
  });

  it("refuses calls after dispose with INVALID_STATE, lets running calls finish, and disposes once", async () => {
    const other = await loadBert(BERT_DIR, { runtime });
    const running = other.predictProba(texts.slice(0, 50));
    const disposed = other.dispose();
    await expect(running).resolves.toEqual(devProba.slice(0, 50));
    await disposed;
    await other.dispose();
    await expect(other.predictProba(["x"])).rejects.toMatchObject({ code: "INVALID_STATE" });
    await expect(predict(other, ["x"])).rejects.toMatchObject({ code: "INVALID_STATE" });
    await expect(other.sourceFiles()).rejects.toMatchObject({ code: "INVALID_STATE" });
  });

  it("checks its options", async () => {
    for (const [options, field] of [
      [{ threads: 0 }, "threads"],
      [{ maxBatchSize: 1.5 }, "maxBatchSize"],
      [{ maxTokensPerBatch: -1 }, "maxTokensPerBatch"],
      [{ dtype: "fp16" }, "dtype"],
      [{ maxLength: 513 }, "max_position_embeddings"],
      [{ executionProviders: "cpu" }, "executionProviders"],
    ] as const) {
      await expect(loadBert(BERT_DIR, { runtime, ...(options as object) })).rejects.toMatchObject({
        code: "INVALID_PARAMETER_VALUE",
        message: expect.stringContaining(field),
      });
    }
  });
});
