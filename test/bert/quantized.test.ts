/**
 * dtype "q8" on a really quantized model: bert-tiny-sst2 quantized to int8 by onnxruntime's own
 * dynamic quantization (the Python peer, test/peers/quantize_bert.py), loaded from
 * onnx/model_quantized.onnx. An int8 model is not bit-equal to fp32: it must be smaller, agree on
 * nearly every SST-2 dev label, and keep the accuracy within a point or two.
 */
import { execFile } from "node:child_process";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadBert } from "../../src/entries/bert.js";
import { predict } from "../../src/predict.js";
import { VENV_PYTHON, PROJECT_ROOT } from "../peers/python-env.js";
import { BERT_DIR, copyModel, readSst2Dev, readmeAccuracy } from "./helpers.js";

const execFileAsync = promisify(execFile);
let copy: { dir: string; remove: () => Promise<void> };

beforeAll(async () => {
  copy = await copyModel(async (dir) => {
    await execFileAsync(VENV_PYTHON, [
      join(PROJECT_ROOT, "test", "peers", "quantize_bert.py"),
      join(dir, "onnx", "model.onnx"),
      join(dir, "onnx", "model_quantized.onnx"),
    ]);
  });
});
afterAll(async () => {
  await copy?.remove();
});

describe('loadBert(…, { dtype: "q8" }) on an int8 model', () => {
  it("runs onnx/model_quantized.onnx: smaller, same labels on ≥ 97% of SST-2 dev, accuracy within 2 points", async () => {
    const fp32Size = (await stat(join(BERT_DIR, "onnx", "model.onnx"))).size;
    const q8Size = (await stat(join(copy.dir, "onnx", "model_quantized.onnx"))).size;
    expect(q8Size).toBeLessThan(fp32Size / 2.5);

    const dev = readSst2Dev();
    const texts = dev.map((r) => r.text);
    const q8 = await loadBert(copy.dir, { dtype: "q8", threads: 1 });
    const fp32 = await loadBert(BERT_DIR, { threads: 1 });
    expect(q8.dtype).toBe("q8");
    const [a, b] = await Promise.all([predict(q8, texts), predict(fp32, texts)]);
    const agree = a.filter((p, i) => p.label === b[i]!.label).length / texts.length;
    expect(agree).toBeGreaterThanOrEqual(0.97);
    const labelOf = (p: { label: string }) => (p.label === "POSITIVE" ? 1 : 0);
    const correct = a.filter((p, i) => labelOf(p) === dev[i]!.label).length;
    const { correct: reference, total } = readmeAccuracy();
    expect(total).toBe(texts.length);
    expect(Math.abs(correct - reference) / total).toBeLessThanOrEqual(0.02);
    await q8.dispose();
    await fp32.dispose();
  });
});
