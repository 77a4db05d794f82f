/**
 * Where loadBert reads models from, and what it says when something is wrong: a local hub over
 * node:http (hub URL layout, cached so a second load makes no request), folders with files missing
 * or changed, and ONNX graphs that are not sequence classifiers. Needs ../shared/models/bert-tiny-sst2.
 */
import { rm, unlink, writeFile } from "node:fs/promises";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { indexedDB, IDBKeyRange } from "fake-indexeddb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFsByteStore } from "../../src/adapters/fs.js";
import { createIndexedDbByteStore } from "../../src/adapters/indexeddb.js";
import { createMemoryByteStore } from "../../src/adapters/memory.js";
import { hubCacheKey } from "../../src/entries/bert.js";
import { loadBertWith } from "../../src/bert/load-bert.js";
import { loadBert, type BertModel } from "../../src/entries/bert.js";
import { BERT_DIR, copyModel, editConfig, onnxModel, ONNX_FLOAT, ONNX_INT64, reference, startHub, writeInto } from "./helpers.js";

const texts = reference.slice(0, 20).map((r) => r.text);
const MODEL_FILES = ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"];

let local: BertModel;
let expected: number[][];
let scratch: string;

beforeAll(async () => {
  local = await loadBert(BERT_DIR);
  expected = await local.predictProba(texts);
  scratch = await mkdtemp(join(tmpdir(), "senti-bert-cache-"));
});
afterAll(async () => {
  await local?.dispose();
  await rm(scratch, { recursive: true, force: true });
});

describe("loadBert from an http(s) hub (layout \"hub\": not the default for 127.0.0.1)", () => {
  it("downloads the four files from {base}/resolve/main/{file} once; a second load is served from the cache", async () => {
    const hub = await startHub(BERT_DIR, "org/bert-tiny-sst2");
    try {
      const root = join(scratch, "fs-cache");
      const first = await loadBert(hub.base, { layout: "hub", cache: createFsByteStore({ root }) });
      expect(await first.predictProba(texts)).toEqual(expected);
      expect(first.source).toBe(hub.base);
      expect([...hub.requests].sort()).toEqual(MODEL_FILES.map((f) => `/org/bert-tiny-sst2/resolve/main/${f}`).sort());
      await first.dispose();

      // A new store over the same folder, as a new process would open it: no request at all.
      const second = await loadBert(hub.base, { layout: "hub", cache: createFsByteStore({ root }) });
      expect(hub.requests).toHaveLength(4);
      expect(await second.predictProba(texts)).toEqual(expected);
      await second.dispose();
      // The cache holds the files under their hub key.
      const cached = await createFsByteStore({ root }).get(hubCacheKey(hub.base, "main", "onnx/model.onnx"));
      expect(cached?.byteLength).toBeGreaterThan(1_000_000);
    } finally {
      await hub.close();
    }
  });

  it("caches under $SENTI_MLOPS_CACHE/models by default in Node", async () => {
    const hub = await startHub(BERT_DIR, "org/bert-tiny-sst2");
    const previous = process.env.SENTI_MLOPS_CACHE;
    process.env.SENTI_MLOPS_CACHE = join(scratch, "env-cache");
    try {
      await (await loadBert(hub.base, { layout: "hub" })).dispose();
      expect(hub.requests).toHaveLength(4);
      const model = await loadBert(hub.base, { layout: "hub" });
      expect(hub.requests).toHaveLength(4);
      expect(await model.predictProba(texts)).toEqual(expected);
      await model.dispose();
      const store = createFsByteStore({ root: join(scratch, "env-cache", "models") });
      expect(await store.has(hubCacheKey(hub.base, "main", "config.json"))).toBe(true);
    } finally {
      if (previous === undefined) delete process.env.SENTI_MLOPS_CACHE;
      else process.env.SENTI_MLOPS_CACHE = previous;
      await hub.close();
    }
  });

  it("caches in IndexedDB (the browser default's store), and with cache: false always downloads", async () => {
    const hub = await startHub(BERT_DIR, "org/bert-tiny-sst2");
    try {
      const idb = () => createIndexedDbByteStore({ dbName: "senti-bert-test", storeName: "models", indexedDB, IDBKeyRange });
      for (let i = 0; i < 2; i++) {
        const cache = idb();
        const model = await loadBert(hub.base, { layout: "hub", cache });
        expect(await model.predictProba(texts.slice(0, 3))).toEqual(expected.slice(0, 3));
        await model.dispose();
        await cache.dispose();
      }
      expect(hub.requests).toHaveLength(4);
      await (await loadBert(hub.base, { layout: "hub", cache: false })).dispose();
      expect(hub.requests).toHaveLength(8);
    } finally {
      await hub.close();
    }
  });

  it("asks for the given revision", async () => {
    const hub = await startHub(BERT_DIR, "org/bert-tiny-sst2", "v1.0");
    try {
      const model = await loadBert(hub.base, { revision: "v1.0", cache: createMemoryByteStore() });
      expect(await model.predictProba(texts.slice(0, 2))).toEqual(expected.slice(0, 2));
      await model.dispose();
      expect(hub.requests.every((p) => p.startsWith("/org/bert-tiny-sst2/resolve/v1.0/"))).toBe(true);
      // Branch main does not exist on this hub: config.json is reported missing, with the URL.
      await expect(loadBert(hub.base, { layout: "hub", cache: false })).rejects.toMatchObject({
        code: "RESOURCE_DOES_NOT_EXIST",
        message: expect.stringMatching(new RegExp(`config\\.json is missing from ${hub.base.replace(/[.]/g, "\\.")}`)),
      });
    } finally {
      await hub.close();
    }
  });

  it("names the missing file and the URL, and reports an unreachable hub", async () => {
    const copy = await copyModel((dir) => unlink(join(dir, "tokenizer_config.json")));
    const hub = await startHub(copy.dir, "org/partial");
    try {
      await expect(loadBert(hub.base, { layout: "hub", cache: false })).rejects.toMatchObject({
        code: "RESOURCE_DOES_NOT_EXIST",
        component: "bert",
        message: `tokenizer_config.json is missing from ${hub.base}: GET ${hub.base}/resolve/main/tokenizer_config.json → 404`,
      });
    } finally {
      await hub.close();
      await copy.remove();
    }
    await expect(loadBert(hub.base, { layout: "hub", cache: false })).rejects.toMatchObject({ code: "TEMPORARILY_UNAVAILABLE", message: expect.stringContaining(hub.base) });
  });
});

describe("loadBert from a local folder", () => {
  it("loads a file: URL too", async () => {
    const model = await loadBert(new URL(`file://${BERT_DIR}`));
    expect(await model.predictProba(texts)).toEqual(expected);
    await model.dispose();
  });

  it("names a folder that does not exist", async () => {
    const missing = join(scratch, "no-such-model");
    await expect(loadBert(missing)).rejects.toMatchObject({ code: "RESOURCE_DOES_NOT_EXIST", component: "bert", message: `no model folder at ${missing}` });
  });

  for (const file of MODEL_FILES) {
    it(`names ${file} and the folder when it is missing`, async () => {
      const copy = await copyModel((dir) => unlink(join(dir, file)));
      try {
        await expect(loadBert(copy.dir)).rejects.toMatchObject({
          code: "RESOURCE_DOES_NOT_EXIST",
          message: expect.stringContaining(`${file} is missing from ${copy.dir}`),
        });
      } finally {
        await copy.remove();
      }
    });
  }

  it("reads onnx/model_quantized.onnx for dtype q8 and says so when it is missing", async () => {
    await expect(loadBert(BERT_DIR, { dtype: "q8" })).rejects.toMatchObject({
      code: "RESOURCE_DOES_NOT_EXIST",
      component: "bert",
      message: `onnx/model_quantized.onnx is missing from ${BERT_DIR} (dtype "q8" runs onnx/model_quantized.onnx)`,
    });
    // A folder whose quantized file is there (here: the fp32 graph under that name) loads it.
    const copy = await copyModel(async (dir) => {
      await unlink(join(dir, "onnx", "model.onnx"));
      const { copyFile } = await import("node:fs/promises");
      await copyFile(join(BERT_DIR, "onnx", "model.onnx"), join(dir, "onnx", "model_quantized.onnx"));
    });
    try {
      const model = await loadBert(copy.dir, { dtype: "q8" });
      expect(model.dtype).toBe("q8");
      expect(await model.predictProba(texts)).toEqual(expected);
      expect((await model.sourceFiles()).map((f) => f.path)).toEqual(["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model_quantized.onnx"]);
      await model.dispose();
    } finally {
      await copy.remove();
    }
  });
});

describe("loadBert refuses what it cannot run, saying what it found", () => {
  const withFolder = async (change: (dir: string) => Promise<void>, check: (dir: string) => Promise<void>): Promise<void> => {
    const copy = await copyModel(change);
    try {
      await check(copy.dir);
    } finally {
      await copy.remove();
    }
  };

  it("a config.json without id2label, or with a gap in it", async () => {
    await withFolder(
      (dir) => editConfig(dir, (c) => delete c.id2label),
      (dir) => expect(loadBert(dir)).rejects.toMatchObject({ code: "INVALID_PARAMETER_VALUE", message: expect.stringContaining(`config.json of ${dir}: id2label must be an object`) }),
    );
    await withFolder(
      (dir) => editConfig(dir, (c) => (c.id2label = { 0: "NEGATIVE", 2: "POSITIVE" })),
      (dir) => expect(loadBert(dir)).rejects.toMatchObject({ code: "INVALID_PARAMETER_VALUE", message: expect.stringContaining('id2label keys must be the ids 0…1, found "2"') }),
    );
  });

  it("a file that is not JSON", async () => {
    await withFolder(
      (dir) => writeFile(join(dir, "tokenizer.json"), "{ not json"),
      (dir) => expect(loadBert(dir)).rejects.toMatchObject({ code: "INVALID_PARAMETER_VALUE", message: expect.stringContaining(`tokenizer.json of ${dir} is not valid JSON`) }),
    );
  });

  it("more labels in config.json than the model's logits have", async () => {
    await withFolder(
      (dir) => editConfig(dir, (c) => (c.id2label = { 0: "NEGATIVE", 1: "NEUTRAL", 2: "POSITIVE" })),
      (dir) =>
        expect(loadBert(dir)).rejects.toMatchObject({
          code: "INVALID_PARAMETER_VALUE",
          message: expect.stringContaining("output logits has 2 columns but config.json id2label names 3 labels (inputs: input_ids, attention_mask, token_type_ids; outputs: logits)"),
        }),
    );
  });

  it("an ONNX graph without input_ids", async () => {
    const bytes = onnxModel({ op: "Identity", input: { name: "x", type: ONNX_INT64, shape: ["b", "s"] }, output: { name: "y", type: ONNX_INT64, shape: ["b", "s"] } });
    await withFolder(
      (dir) => writeInto(dir, "onnx/model.onnx", bytes),
      (dir) =>
        expect(loadBert(dir)).rejects.toMatchObject({
          code: "INVALID_PARAMETER_VALUE",
          message: expect.stringContaining(`onnx/model.onnx of ${dir} is not a sequence classifier senti-mlops can run: it has no input_ids input (inputs: x; outputs: y)`),
        }),
    );
  });

  it("an ONNX graph whose logits are not [batch, labels] at run time", async () => {
    const bytes = onnxModel({ op: "Cast", input: { name: "input_ids", type: ONNX_INT64, shape: ["b", "s"] }, output: { name: "logits", type: ONNX_FLOAT, shape: ["b", "s"] } });
    await withFolder(
      (dir) => writeInto(dir, "onnx/model.onnx", bytes),
      (dir) =>
        expect(loadBert(dir)).rejects.toMatchObject({
          code: "INVALID_PARAMETER_VALUE",
          message: expect.stringMatching(/output logits came back as \[1, \d+\], expected \[1, 2\].*\(inputs: input_ids; outputs: logits\)/),
        }),
    );
  });

  it("bytes that are not an ONNX model", async () => {
    await withFolder(
      (dir) => writeInto(dir, "onnx/model.onnx", "not a model"),
      (dir) => expect(loadBert(dir)).rejects.toMatchObject({ code: "INVALID_PARAMETER_VALUE", message: expect.stringContaining(`ONNX Runtime cannot load onnx/model.onnx of ${dir}`) }),
    );
  });

  it("without a runtime (an environment that supplies none), or a tracking client for runs:/ and models:/", async () => {
    await expect(loadBertWith({}, "https://example.invalid/org/model")).rejects.toMatchObject({ code: "INVALID_PARAMETER_VALUE", message: expect.stringContaining("no ONNX Runtime") });
    await expect(loadBert("models:/sentiment-bert/1")).rejects.toMatchObject({ code: "INVALID_PARAMETER_VALUE", message: expect.stringContaining("needs a tracking client") });
    await expect(loadBert(42 as unknown as string)).rejects.toMatchObject({ code: "INVALID_PARAMETER_VALUE", message: expect.stringContaining("got number") });
  });
});

describe("problem_type", () => {
  it("multi_label_classification scores each label with a sigmoid", async () => {
    const copy = await copyModel((dir) => editConfig(dir, (c) => (c.problem_type = "multi_label_classification")));
    try {
      const model = await loadBert(copy.dir);
      expect(model.activation).toBe("sigmoid");
      const logits = await model.predictLogits(texts);
      const proba = await model.predictProba(texts);
      proba.forEach((row, i) => row.forEach((p, c) => expect(p).toBeCloseTo(1 / (1 + Math.exp(-logits[i]![c]!)), 12)));
      await model.dispose();
    } finally {
      await copy.remove();
    }
  });
});
