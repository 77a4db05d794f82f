/**
 * loadBert over http(s): plain folder URLs (`{url}/{file}`) beside the Hugging Face hub layout
 * (`{url}/resolve/{revision}/{file}`), the default rule between them, cache keys kept apart per
 * layout, URLs relative to the page (a stubbed globalThis.location), and missing files reported
 * with the URL fetched and its status. Needs ../shared/models/bert-tiny-sst2.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createMemoryByteStore } from "../../src/adapters/memory.js";
import { createHubFiles, defaultUrlLayout, folderCacheKey, hubCacheKey, loadBert, type BertModel } from "../../src/entries/bert.js";
import { loadBertWith } from "../../src/bert/load-bert.js";
import type { OrtLike } from "../../src/bert/ort-like.js";
import { BERT_DIR, reference, startFolder, startHub } from "./helpers.js";
import { restoreGlobals, stubGlobal } from "../helpers/globals.js";

const texts = reference.slice(0, 5).map((r) => r.text);
const MODEL_FILES = ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"];

let local: BertModel;
let expected: number[][];
let ort: OrtLike;

beforeAll(async () => {
  local = await loadBert(BERT_DIR);
  expected = await local.predictProba(texts);
  ort = (await import("onnxruntime-node")) as unknown as OrtLike;
});
afterAll(async () => {
  await local?.dispose();
});

afterEach(restoreGlobals);

describe("the default layout", () => {
  it('is "hub" for huggingface.co and hf.co or with a revision, else "folder"', () => {
    expect(defaultUrlLayout("https://huggingface.co/org/model")).toBe("hub");
    expect(defaultUrlLayout("https://HF.co/org/model")).toBe("hub");
    expect(defaultUrlLayout("https://cdn-lfs.huggingface.co/org/model")).toBe("hub");
    expect(defaultUrlLayout("https://nothuggingface.co/org/model")).toBe("folder");
    expect(defaultUrlLayout("https://cdn.example.org/models/bert")).toBe("folder");
    expect(defaultUrlLayout("http://127.0.0.1:8000/org/model", "v1")).toBe("hub");
  });

  it("keeps cache keys apart per layout", () => {
    const base = "https://cdn.example.org/org/model";
    expect(folderCacheKey(base, "config.json")).toBe("url/https/cdn.example.org/org/model/config.json");
    expect(hubCacheKey(base, "main", "config.json")).toBe("hub/https/cdn.example.org/org/model/main/config.json");
    // A folder whose path ends in a segment named like a revision still differs from the hub key.
    expect(folderCacheKey(`${base}/main`, "config.json")).not.toBe(hubCacheKey(base, "main", "config.json"));
  });

  it('refuses a revision with layout "folder", and an unknown layout', async () => {
    expect(() => createHubFiles({ baseUrl: "https://cdn.example.org/m", layout: "folder", revision: "v1" })).toThrow(
      expect.objectContaining({ code: "INVALID_PARAMETER_VALUE", component: "bert" }),
    );
    await expect(loadBert("https://cdn.example.org/m", { layout: "flat" as "hub", cache: false })).rejects.toMatchObject({
      code: "INVALID_PARAMETER_VALUE",
      component: "bert",
      message: 'layout must be "hub" or "folder", got "flat"',
    });
  });
});

describe("loadBert from a plain folder URL", () => {
  it("reads {url}/{file} by default for a host other than the hub's, and caches under the folder key", async () => {
    const server = await startFolder(BERT_DIR, "/static/models/bert-tiny-sst2");
    try {
      const cache = createMemoryByteStore();
      const model = await loadBert(server.base, { cache });
      expect(await model.predictProba(texts)).toEqual(expected);
      await model.dispose();
      expect([...server.requests].sort()).toEqual(MODEL_FILES.map((f) => `/static/models/bert-tiny-sst2/${f}`).sort());
      expect(await cache.has(folderCacheKey(server.base, "onnx/model.onnx"))).toBe(true);
      expect(await cache.has(hubCacheKey(server.base, "main", "onnx/model.onnx"))).toBe(false);
      // Served from the cache the second time.
      await (await loadBert(`${server.base}/`, { cache })).dispose();
      expect(server.requests).toHaveLength(4);
      // The same URL as a hub is another model: its files are asked for under /resolve/main/.
      await expect(loadBert(server.base, { layout: "hub", cache })).rejects.toMatchObject({
        code: "RESOURCE_DOES_NOT_EXIST",
        message: expect.stringContaining(`: GET ${server.base}/resolve/main/`),
      });
    } finally {
      await server.close();
    }
  });

  it('reads the hub layout with layout: "hub" (or a revision) on any host, under the hub key', async () => {
    const hub = await startHub(BERT_DIR, "org/bert-tiny-sst2", "v2");
    try {
      const cache = createMemoryByteStore();
      const model = await loadBert(hub.base, { revision: "v2", cache });
      expect(await model.predictProba(texts)).toEqual(expected);
      await model.dispose();
      expect(hub.requests.every((p) => p.startsWith("/org/bert-tiny-sst2/resolve/v2/"))).toBe(true);
      expect(await cache.has(hubCacheKey(hub.base, "v2", "config.json"))).toBe(true);
      expect(await cache.has(folderCacheKey(hub.base, "config.json"))).toBe(false);
    } finally {
      await hub.close();
    }
  });

  it("names the file, the URL fetched and its status when a file is missing", async () => {
    const server = await startFolder(BERT_DIR, "/other");
    try {
      await expect(loadBert(`${server.origin}/models/absent`, { cache: false })).rejects.toMatchObject({
        code: "RESOURCE_DOES_NOT_EXIST",
        component: "bert",
        message: expect.stringMatching(/^(config\.json|tokenizer\.json|tokenizer_config\.json|onnx\/model\.onnx) is missing from /),
      });
      const error = (await loadBert(`${server.origin}/models/absent`, { cache: false }).catch((e: unknown) => e)) as Error;
      const file = /^(\S+) is missing/.exec(error.message)![1];
      expect(error.message).toBe(`${file} is missing from ${server.origin}/models/absent: GET ${server.origin}/models/absent/${file} → 404`);
    } finally {
      await server.close();
    }
  });

  it("names the URL and status of an error answer", async () => {
    const fetch = (async () => new Response("busy", { status: 503, statusText: "Service Unavailable" })) as typeof globalThis.fetch;
    const files = createHubFiles({ baseUrl: "https://cdn.example.org/m", fetch });
    await expect(files.read("config.json")).rejects.toMatchObject({
      code: "TEMPORARILY_UNAVAILABLE",
      component: "bert",
      message: "config.json: GET https://cdn.example.org/m/config.json → 503 Service Unavailable",
    });
  });
});

describe("loadBert with a URL relative to the page", () => {
  it("resolves it against location (no local folders: a browser) and reads the folder there", async () => {
    const server = await startFolder(BERT_DIR, "/app/models/bert-tiny-sst2");
    try {
      stubGlobal("location", new URL(`${server.origin}/app/index.html`));
      const model = await loadBertWith({}, "models/bert-tiny-sst2", { runtime: ort, cache: false });
      expect(model.source).toBe(server.base);
      expect(await model.predictProba(texts)).toEqual(expected);
      await model.dispose();
      expect(server.requests).toHaveLength(4);
    } finally {
      await server.close();
    }
  });

  it("in Node (local folders), a relative string stays a folder path", async () => {
    stubGlobal("location", new URL("http://127.0.0.1:9/app/"));
    await expect(loadBert("no-such-dir/bert", { cache: false })).rejects.toMatchObject({
      code: "RESOURCE_DOES_NOT_EXIST",
      message: "no model folder at no-such-dir/bert",
    });
  });
});
