/**
 * The tokenizer loadBert builds from tokenizer.json: the reference ids exactly, the library's own
 * encoding on all of SST-2 dev, and truncation that keeps the special tokens.
 * Needs ../shared/models/bert-tiny-sst2 and ../shared/data/sst2.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { describe, expect, it } from "vitest";
import { createBertTokenizer } from "../../src/entries/bert.js";
import { parse } from "csv-parse/sync";
import { dataFile } from "../peers/sklearn.js";
import { BERT_DIR, readSst2Dev, reference } from "./helpers.js";

const tokenizerJson = JSON.parse(readFileSync(join(BERT_DIR, "tokenizer.json"), "utf8")) as object;
const tokenizerConfig = JSON.parse(readFileSync(join(BERT_DIR, "tokenizer_config.json"), "utf8")) as object;
const make = (maxLength: number) => createBertTokenizer({ tokenizerJson, tokenizerConfig, maxLength, source: BERT_DIR });

describe("bert tokenizer", () => {
  it("gives the ids of reference.jsonl exactly", async () => {
    const tokenizer = await make(512);
    expect(reference.length).toBe(100);
    for (const row of reference) expect(tokenizer.encode(row.text).ids).toEqual(row.input_ids);
  });

  it("agrees with @huggingface/tokenizers' own encode on every SST-2 dev sentence, type ids all 0", async () => {
    const tokenizer = await make(512);
    const library = new Tokenizer(tokenizerJson, tokenizerConfig);
    const dev = readSst2Dev();
    expect(dev.length).toBe(872);
    for (const { text } of dev) {
      const ours = tokenizer.encode(text);
      expect(ours.ids).toEqual(library.encode(text).ids);
      expect(ours.typeIds).toEqual(new Array(ours.ids.length).fill(0));
    }
  });

  it("truncates long texts to maxLength, keeping [CLS] first and [SEP] last", async () => {
    const library = new Tokenizer(tokenizerJson, tokenizerConfig);
    const cls = library.token_to_id("[CLS]");
    const sep = library.token_to_id("[SEP]");
    const text = reference.map((r) => r.text).join(" ");
    const full = library.encode(text).ids;
    for (const maxLength of [3, 16, 64]) {
      expect(full.length).toBeGreaterThan(maxLength);
      const ids = (await make(maxLength)).encode(text).ids;
      expect(ids.length).toBe(maxLength);
      expect(ids[0]).toBe(cls);
      expect(ids.at(-1)).toBe(sep);
      expect(ids.slice(0, -1)).toEqual(full.slice(0, maxLength - 1));
    }
    // Texts that fit are untouched.
    const short = (await make(64)).encode(reference[0]!.text).ids;
    expect(short).toEqual(reference[0]!.input_ids);
  });

  it("truncates IMDB reviews exactly as encoding the whole review and cutting it would (long-text prefix path)", async () => {
    const library = new Tokenizer(tokenizerJson, tokenizerConfig);
    const rows = parse(readFileSync(dataFile("imdb/test.csv"), "utf8"), { columns: true, to: 301 }) as { text: string }[];
    const reviews = rows.map((r) => r.text);
    // Two long stress texts as well: whitespace only at the very end, and none at all.
    reviews.push(`${"unbelievably".repeat(2000)} end`, "x".repeat(20_000));
    for (const maxLength of [512, 128]) {
      const tokenizer = await make(maxLength);
      let truncated = 0;
      for (const text of reviews) {
        const full = library.encode(text).ids;
        const expected = full.length <= maxLength ? full : [...full.slice(0, maxLength - 1), full.at(-1)!];
        if (full.length > maxLength) truncated++;
        expect(tokenizer.encode(text).ids).toEqual(expected);
      }
      expect(truncated).toBeGreaterThan(10);
    }
  });

  it("refuses a maxLength that leaves no room beside the special tokens", async () => {
    await expect(make(2)).rejects.toMatchObject({ code: "INVALID_PARAMETER_VALUE", message: expect.stringMatching(/maxLength.*2 special tokens/) });
  });

  it("names the file when tokenizer.json is not a tokenizer", async () => {
    await expect(createBertTokenizer({ tokenizerJson: { model: { type: "Nope" } }, tokenizerConfig, maxLength: 8, source: "here" })).rejects.toMatchObject({
      code: "INVALID_PARAMETER_VALUE",
      message: expect.stringContaining("tokenizer.json of here"),
    });
  });
});
