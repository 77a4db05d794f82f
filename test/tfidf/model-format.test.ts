/**
 * The model file: save → load gives identical predictions; damaged or foreign files fail clearly.
 */
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { loadModel, saveModel } from "../../src/index.js";
import { decodeTfidfModel, encodeTfidfModel, trainTfidf, TFIDF_FORMAT_VERSION, type TfidfModel } from "../../src/entries/tfidf.js";
import { dataFile } from "../peers/sklearn.js";

const rows = (parse(readFileSync(dataFile("rt-polarity/train.csv")), { columns: true }) as { text: string; label: string }[]).map((r) => ({
  text: r.text,
  label: Number(r.label),
}));
const texts = (parse(readFileSync(dataFile("rt-polarity/test.csv")), { columns: true }) as { text: string }[]).map((r) => r.text);

let model: TfidfModel;
let bytes: Uint8Array;
beforeAll(async () => {
  ({ model } = await trainTfidf(rows, { ngramRange: [1, 3], minDf: 2, sublinearTf: true, stopWords: "english", stripAccents: "unicode" }));
  bytes = encodeTfidfModel(model);
});

function expectFailure(input: Uint8Array, code: string, message: RegExp): void {
  let error: { code?: string; message?: string } | undefined;
  try {
    decodeTfidfModel(input);
  } catch (e) {
    error = e as { code: string; message: string };
  }
  expect(error, "decoding should fail").toBeDefined();
  expect(error!.code).toBe(code);
  expect(error!.message).toMatch(message);
}

describe("model file format", () => {
  it("round-trips to identical probabilities, options and labels", () => {
    const copy = decodeTfidfModel(bytes);
    expect(copy.probabilities(texts)).toEqual(model.probabilities(texts));
    expect(copy.labels).toEqual(model.labels);
    expect(copy.vectorizer.options).toEqual(model.vectorizer.options);
    expect(copy.vectorizer.vocabulary).toEqual(model.vectorizer.vocabulary);
    expect(copy.info.trainingExamples).toBe(rows.length);
  });

  it("stores weights as binary, not JSON numbers", () => {
    // 8 bytes per weight plus the vocabulary text: far smaller than JSON arrays of doubles would be.
    const weights = model.classifier.coef.length + model.vectorizer.size;
    expect(bytes.length).toBeLessThan(weights * 8 + model.vectorizer.vocabulary.join("").length * 2 + 4096);
    expect(new TextDecoder().decode(bytes.subarray(0, 7))).toBe("SENTITF");
  });

  it("round-trips a multinomial model with a custom token pattern", async () => {
    const { model: m } = await trainTfidf(
      rows.slice(0, 3000).map((r, i) => ({ text: r.text, label: ["neg", "pos", "mixed"][i % 3 === 2 ? 2 : r.label]! })),
      { tokenPattern: /[a-z']+/, ngramRange: [1, 2] },
    );
    expect(m.labels).toEqual(["mixed", "neg", "pos"]);
    const copy = decodeTfidfModel(encodeTfidfModel(m));
    expect(copy.probabilities(texts)).toEqual(m.probabilities(texts));
  });

  it("rejects a truncated file", () => {
    expectFailure(bytes.subarray(0, bytes.length - 100), "DATA_LOSS", /truncated model file/);
    expectFailure(bytes.subarray(0, 40), "DATA_LOSS", /truncated model file/);
    expectFailure(bytes.subarray(0, 10), "DATA_LOSS", /truncated model file/);
  });

  it("rejects a corrupt file (one flipped byte in the weights)", () => {
    const copy = bytes.slice();
    copy[copy.length - 200]! ^= 0x01;
    expectFailure(copy, "DATA_LOSS", /checksum mismatch/);
  });

  it("rejects a file from a newer format version", () => {
    const copy = bytes.slice();
    new DataView(copy.buffer).setUint32(8, TFIDF_FORMAT_VERSION + 1, true);
    expectFailure(copy, "INVALID_PARAMETER_VALUE", new RegExp(`format version ${TFIDF_FORMAT_VERSION + 1} is not supported.*upgrade senti-mlops`));
  });

  it("rejects something that is not a model", () => {
    expectFailure(new TextEncoder().encode("text,label\ngreat,1\n"), "INVALID_PARAMETER_VALUE", /not a senti-mlops TF-IDF model file/);
    expectFailure(new Uint8Array(0), "INVALID_PARAMETER_VALUE", /not a senti-mlops TF-IDF model file/);
  });

  it("writes format version 2, its weights as f64 (lossless) and a front-coded vocabulary", () => {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(view.getUint32(8, true)).toBe(2);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + view.getUint32(12, true)))) as {
      sections: { name: string; dtype: string; length: number }[];
    };
    const dtypes = Object.fromEntries(header.sections.map((s) => [s.name, s.dtype]));
    expect(dtypes).toEqual({ vocabShared: "u8", vocabLengths: "u8", vocabText: "utf8", idf: "f64", coef: "f64", intercept: "f64" });
    const text = header.sections.find((s) => s.name === "vocabText")!.length;
    expect(text).toBeLessThan(new TextEncoder().encode(model.vectorizer.vocabulary.join("")).length * 0.7);
  });

  it("reads a version-1 file (written by the version-1 encoder, test/fixtures/tfidf-model-v1.bin)", () => {
    const v1 = readFileSync(new URL("../fixtures/tfidf-model-v1.bin", import.meta.url));
    expect(new DataView(v1.buffer, v1.byteOffset).getUint32(8, true)).toBe(1);
    const expected = JSON.parse(readFileSync(new URL("../fixtures/tfidf-model-v1.expected.json", import.meta.url), "utf8")) as {
      labels: string[];
      vocabularySize: number;
      texts: string[];
      probabilities: number[][];
    };
    const old = decodeTfidfModel(v1);
    expect(old.labels).toEqual(expected.labels);
    expect(old.vectorizer.size).toBe(expected.vocabularySize);
    expect(old.predictProba(expected.texts)).toEqual(expected.probabilities);
    // Re-encoded as version 2, it predicts the same.
    const again = decodeTfidfModel(encodeTfidfModel(old));
    expect(again.vectorizer.vocabulary).toEqual(old.vectorizer.vocabulary);
    expect(again.predictProba(expected.texts)).toEqual(expected.probabilities);
  });

  it("front-codes terms that share a prefix up to a surrogate pair, and long terms", async () => {
    const { model: m } = await trainTfidf(
      [
        { text: "😀a 😀b 😁a " + "x".repeat(300) + " " + "x".repeat(300) + "y", label: 1 },
        { text: "😀a 😁b plain " + "é".repeat(70000), label: 0 },
      ],
      { tokenPattern: /\S+/ },
    );
    const copy = decodeTfidfModel(encodeTfidfModel(m));
    expect(copy.vectorizer.vocabulary).toEqual(m.vectorizer.vocabulary);
    expect(copy.probabilities(["😀a x", "plain"])).toEqual(m.probabilities(["😀a x", "plain"]));
  });

  it("rejects trailing garbage", () => {
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    expectFailure(longer, "DATA_LOSS", /unexpected trailing bytes/);
  });
});

describe("saveModel / loadModel", () => {
  it("saves atomically and loads from a path, a file: URL, bytes and http", async () => {
    const dir = mkdtempSync(join(tmpdir(), "senti-model-"));
    const path = join(dir, "model.bin");
    await saveModel(model, path);
    expect(readdirSync(dir)).toEqual(["model.bin"]);
    const expected = model.predictProba(texts.slice(0, 20));
    expect((await loadModel(path)).predictProba(texts.slice(0, 20))).toEqual(expected);
    expect((await loadModel(new URL(`file://${path}`))).predictProba(texts.slice(0, 20))).toEqual(expected);
    expect((await loadModel(readFileSync(path))).predictProba(texts.slice(0, 20))).toEqual(expected);

    const server = createServer((req, res) => {
      if (req.url === "/model.bin") res.end(readFileSync(path));
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await loadModel(`${base}/model.bin`)).predictProba(texts.slice(0, 20))).toEqual(expected);
      await expect(loadModel(`${base}/missing.bin`)).rejects.toMatchObject({ code: "RESOURCE_DOES_NOT_EXIST" });
    } finally {
      server.close();
    }
  });

  it("names a missing file and refuses a directory", async () => {
    await expect(loadModel("/nonexistent/model.bin")).rejects.toMatchObject({
      code: "RESOURCE_DOES_NOT_EXIST",
      message: expect.stringContaining("/nonexistent/model.bin"),
    });
    await expect(loadModel(tmpdir())).rejects.toMatchObject({ code: "INVALID_PARAMETER_VALUE" });
  });

  it("leaves the old file whole when a save fails", async () => {
    const dir = mkdtempSync(join(tmpdir(), "senti-model-"));
    const path = join(dir, "model.bin");
    writeFileSync(path, "old");
    await expect(saveModel(model, join(dir, "missing-dir", "model.bin"))).rejects.toMatchObject({ code: "INTERNAL_ERROR" });
    expect(readFileSync(path, "utf8")).toBe("old");
    expect(existsSync(join(dir, "missing-dir"))).toBe(false);
  });
});
