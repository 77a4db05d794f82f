/**
 * loadModel's inputs as web pages have them: Blob/File, and relative URLs resolved against the
 * document (a stubbed globalThis.location here); failed downloads name the URL and the status.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadModel } from "../../src/index.js";
import { DEFAULT_CODECS } from "../../src/api/codecs.js";
import { loadModelWith } from "../../src/models/load-model.js";
import { predict } from "../../src/predict.js";
import { trainTfidf } from "../../src/entries/tfidf.js";
import { encodeTfidfModel } from "../../src/tfidf/model-format.js";
import { documentBaseUrl, resolveAgainstDocument } from "../../src/adapters/document-url.js";

const rows = [
  ...Array.from({ length: 20 }, (_, i) => ({ text: `great wonderful film ${i}`, label: 1 })),
  ...Array.from({ length: 20 }, (_, i) => ({ text: `awful boring film ${i}`, label: 0 })),
];
let bytes: Uint8Array;
let expected: unknown;

beforeAll(async () => {
  const { model } = await trainTfidf(rows);
  bytes = encodeTfidfModel(model);
  expected = await predict(model, ["great film", "boring film"]);
});

/** Stubs globalThis.location (as a page has it) until the test ends. */
const stubbed: (() => void)[] = [];
function stubLocation(href: string): void {
  const had = Object.getOwnPropertyDescriptor(globalThis, "location");
  Object.defineProperty(globalThis, "location", { value: new URL(href), configurable: true, writable: true });
  stubbed.push(() => {
    if (had) Object.defineProperty(globalThis, "location", had);
    else delete (globalThis as { location?: unknown }).location;
  });
}
afterEach(() => {
  while (stubbed.length > 0) stubbed.pop()!();
  expect((globalThis as { location?: unknown }).location).toBeUndefined();
});

/** A fetch that records its URLs and serves `files` (200) or 404. */
function fakeFetch(files: Record<string, Uint8Array>, status = 404): { fetch: typeof globalThis.fetch; urls: string[] } {
  const urls: string[] = [];
  const fetch = (async (input: RequestInfo | URL) => {
    const url = String(input);
    urls.push(url);
    const body = files[url];
    return body ? new Response(body as BodyInit) : new Response("nope", { status });
  }) as typeof globalThis.fetch;
  return { fetch, urls };
}

describe("loadModel from a Blob or File", () => {
  it("reads a Blob and a File as the bytes they hold", async () => {
    const fromBlob = await loadModel(new Blob([bytes as BlobPart]));
    expect(await predict(fromBlob, ["great film", "boring film"])).toEqual(expected);
    const fromFile = await loadModel(new File([bytes as BlobPart], "model.bin", { type: "application/octet-stream" }));
    expect(await predict(fromFile, ["great film", "boring film"])).toEqual(expected);
  });

  it("reports a Blob that is not a model as it reports such bytes", async () => {
    const bad = new Blob(["not a model"]);
    const fromBlob = await loadModel(bad).catch((e: unknown) => e);
    const fromBytes = await loadModel(new TextEncoder().encode("not a model")).catch((e: unknown) => e);
    expect(fromBlob).toMatchObject({ code: (fromBytes as { code: string }).code, message: (fromBytes as Error).message });
  });
});

describe("loadModel with relative URLs", () => {
  it("resolves a relative string against the page and fetches it (no local files: a browser)", async () => {
    stubLocation("https://app.example.org/demo/index.html?x=1");
    const { fetch, urls } = fakeFetch({ "https://app.example.org/demo/models/model.bin": bytes, "https://app.example.org/model.bin": bytes });
    const model = await loadModelWith({}, "models/model.bin", { fetch, codecs: DEFAULT_CODECS });
    expect(await predict(model, ["great film", "boring film"])).toEqual(expected);
    await loadModelWith({}, "../model.bin", { fetch, codecs: DEFAULT_CODECS });
    await loadModelWith({}, "/model.bin", { fetch, codecs: DEFAULT_CODECS });
    expect(urls).toEqual([
      "https://app.example.org/demo/models/model.bin",
      "https://app.example.org/model.bin",
      "https://app.example.org/model.bin",
    ]);
  });

  it("prefers document.baseURI (a <base href>) to location", async () => {
    stubLocation("https://app.example.org/demo/");
    const had = Object.getOwnPropertyDescriptor(globalThis, "document");
    Object.defineProperty(globalThis, "document", { value: { baseURI: "https://cdn.example.org/assets/" }, configurable: true });
    stubbed.push(() => {
      if (had) Object.defineProperty(globalThis, "document", had);
      else delete (globalThis as { document?: unknown }).document;
    });
    expect(documentBaseUrl()).toBe("https://cdn.example.org/assets/");
    const { fetch, urls } = fakeFetch({ "https://cdn.example.org/assets/model.bin": bytes });
    await loadModelWith({}, "model.bin", { fetch, codecs: DEFAULT_CODECS });
    expect(urls).toEqual(["https://cdn.example.org/assets/model.bin"]);
  });

  it("leaves runs:/, models:/ and artifact URIs alone (they need tracking)", async () => {
    stubLocation("https://app.example.org/");
    const { fetch, urls } = fakeFetch({});
    for (const uri of ["runs:/abc/model", "models:/m/1", "mlflow-artifacts:/1/abc/artifacts/model", "s3://bucket/model"]) {
      await expect(loadModelWith({}, uri, { fetch, codecs: DEFAULT_CODECS })).rejects.toMatchObject({ code: "INVALID_PARAMETER_VALUE", component: "models", message: expect.stringContaining("needs a tracking client") });
    }
    expect(urls).toEqual([]);
  });

  it("in Node (no location), a relative string stays a file path", async () => {
    expect(documentBaseUrl()).toBeUndefined();
    expect(resolveAgainstDocument("model.bin")).toBeUndefined();
    const { fetch, urls } = fakeFetch({});
    await expect(loadModel("no-such-dir/model.bin", { fetch })).rejects.toMatchObject({ component: "models" });
    expect(urls).toEqual([]);
    // With a location, a runtime that reads local files (Node's binding) still reads paths.
    stubLocation("https://app.example.org/");
    await expect(loadModel("no-such-dir/model.bin", { fetch })).rejects.toMatchObject({ component: "models" });
    expect(urls).toEqual([]);
  });

  it("without local files and without a page, a path still asks for Node", async () => {
    await expect(loadModelWith({}, "models/model.bin", { codecs: DEFAULT_CODECS })).rejects.toMatchObject({ code: "NOT_IMPLEMENTED", component: "models" });
  });

  it("a page served from about:blank or file: does not fetch relative strings", async () => {
    stubLocation("file:///home/me/page.html");
    expect(resolveAgainstDocument("model.bin")).toBeUndefined();
  });
});

describe("a failed download names the URL and the HTTP status", () => {
  it("404 is RESOURCE_DOES_NOT_EXIST, other statuses TEMPORARILY_UNAVAILABLE, both with the resolved URL", async () => {
    stubLocation("https://app.example.org/demo/");
    const missing = fakeFetch({}, 404);
    await expect(loadModelWith({}, "models/gone.bin", { fetch: missing.fetch, codecs: DEFAULT_CODECS })).rejects.toMatchObject({
      code: "RESOURCE_DOES_NOT_EXIST",
      component: "models",
      message: "no model at https://app.example.org/demo/models/gone.bin (HTTP 404)",
    });
    const failing = fakeFetch({}, 502);
    await expect(loadModel("https://app.example.org/model.bin", { fetch: failing.fetch })).rejects.toMatchObject({
      code: "TEMPORARILY_UNAVAILABLE",
      component: "models",
      message: "fetching https://app.example.org/model.bin failed with HTTP 502",
    });
  });
});
