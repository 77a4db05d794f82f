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
    expectFailure(copy, "INVALID_PARAMETER_VALUE", /format version 2 is not supported.*upgrade senti-mlops/);
  });

  it("rejects something that is not a model", () => {
    expectFailure(new TextEncoder().encode("text,label\ngreat,1\n"), "INVALID_PARAMETER_VALUE", /not a senti-mlops TF-IDF model file/);
    expectFailure(new Uint8Array(0), "INVALID_PARAMETER_VALUE", /not a senti-mlops TF-IDF model file/);
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
