/**
 * loadBert hands onnxruntime-node the ONNX model's path when the model is a local folder (the
 * runtime reads the file; the bytes are never held in JavaScript), and bytes for every other source
 * (artifact stores, hub downloads). The logits are the same either way, bit for bit. Needs
 * ../shared/models/bert-tiny-sst2.
 */
import { unlink } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { createArtifactStore } from "../../src/adapters/artifact-store.js";
import { createFsByteStore } from "../../src/adapters/fs.js";
import { createMemoryByteStore } from "../../src/adapters/memory.js";
import { bertFilesFromByteStore } from "../../src/bert/bert-files.js";
import { loadBertFromFiles } from "../../src/bert/load-bert.js";
import { loadBert, type OrtLike } from "../../src/entries/bert.js";
import { openLocalBertFolder } from "../../src/runtime/node/bert.js";
import { BERT_DIR, copyModel, reference } from "./helpers.js";

const texts = reference.slice(0, 12).map((r) => r.text);

/** onnxruntime-node with a record of what each InferenceSession.create was given. */
function spiedRuntime(): { runtime: OrtLike; models: (Uint8Array | string)[] } {
  const models: (Uint8Array | string)[] = [];
  const runtime: OrtLike = {
    Tensor: ort.Tensor,
    InferenceSession: {
      create(model, options) {
        models.push(model);
        return (ort as unknown as OrtLike).InferenceSession.create(model, options);
      },
    },
  };
  return { runtime, models };
}

describe("loadBert gives onnxruntime-node the model's path where it can", () => {
  it("passes the path of onnx/model.onnx for a local folder, with the same logits as bytes", async () => {
    const { runtime, models } = spiedRuntime();
    const model = await loadBert(BERT_DIR, { runtime });
    let fromPath: number[][];
    try {
      fromPath = await model.predictLogits(texts);
    } finally {
      await model.dispose();
    }
    expect(models).toHaveLength(1);
    expect(typeof models[0]).toBe("string");
    expect(models[0]).toMatch(/onnx[\\/]model\.onnx$/);
    expect(models[0]).toBe(`${resolve(BERT_DIR)}/onnx/model.onnx`);

    // The same folder as an artifact store: bytes, and identical logits.
    const spied = spiedRuntime();
    const artifacts = createArtifactStore(createFsByteStore({ root: BERT_DIR }), { uri: BERT_DIR });
    const fromStore = await loadBert(artifacts, { runtime: spied.runtime });
    try {
      expect(spied.models).toHaveLength(1);
      expect(spied.models[0]).toBeInstanceOf(Uint8Array);
      expect(await fromStore.predictLogits(texts)).toEqual(fromPath);
    } finally {
      await fromStore.dispose();
      await artifacts.dispose();
    }
  });

  it("passes the path for a file: URL and a relative folder path too", async () => {
    for (const source of [pathToFileURL(BERT_DIR), pathToFileURL(BERT_DIR).href, relative(process.cwd(), BERT_DIR)]) {
      const { runtime, models } = spiedRuntime();
      const model = await loadBert(source, { runtime });
      await model.dispose();
      expect(models, String(source)).toEqual([`${resolve(BERT_DIR)}/onnx/model.onnx`]);
    }
  });

  it("opens local folders with their absolute root", async () => {
    const folder = await openLocalBertFolder(BERT_DIR);
    expect(folder?.root).toBe(resolve(BERT_DIR));
    await folder?.store.dispose();
    expect(await openLocalBertFolder(join(BERT_DIR, "config.json"))).toBeNull();
  });

  it("still names the missing model file and the folder", async () => {
    const copy = await copyModel((dir) => unlink(join(dir, "onnx", "model.onnx")));
    try {
      const { runtime, models } = spiedRuntime();
      await expect(loadBert(copy.dir, { runtime })).rejects.toMatchObject({
        code: "RESOURCE_DOES_NOT_EXIST",
        message: expect.stringContaining(`onnx/model.onnx is missing from ${copy.dir}`),
      });
      expect(models).toEqual([]);
    } finally {
      await copy.remove();
    }
  });

  it("byte stores without a local root (memory, caches) give bytes", async () => {
    const store = createMemoryByteStore();
    const disk = createFsByteStore({ root: BERT_DIR });
    for (const key of ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"]) await store.put(key, (await disk.get(key))!);
    const files = bertFilesFromByteStore(store, { source: "memory", owns: true });
    expect(files.localPath).toBeUndefined();
    const { runtime, models } = spiedRuntime();
    const model = await loadBertFromFiles(files, { runtime });
    await model.dispose();
    expect(models).toHaveLength(1);
    expect(models[0]).toBeInstanceOf(Uint8Array);
  });

  it("localPath joins plain keys to the root and refuses others", () => {
    const files = bertFilesFromByteStore(createMemoryByteStore(), { source: "x", localRoot: "/models/bert" });
    expect(files.localPath?.("onnx/model.onnx")).toBe("/models/bert/onnx/model.onnx");
    for (const key of ["", "/etc/passwd", "../x", "onnx/../../x", "a//b", "a\\b", "./a"]) expect(files.localPath?.(key), key).toBeUndefined();
    const slash = bertFilesFromByteStore(createMemoryByteStore(), { source: "x", localRoot: "/" });
    expect(slash.localPath?.("a.onnx")).toBe("/a.onnx");
  });
});
