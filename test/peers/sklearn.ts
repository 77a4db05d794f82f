/**
 * Runs the scikit-learn peer (test/peers/sklearn_tfidf.py) in the project's virtualenv.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { PUNCTUATION_TOKENS, type CsrMatrix, type TfidfVectorizerOptions } from "../../src/entries/tfidf.js";
import { PYTHON_PUNCTUATION_PATTERN } from "../../src/tfidf/python-token-pattern.js";
import { PROJECT_ROOT, VENV_PYTHON } from "./python-env.js";

const run = promisify(execFile);
const SCRIPT = join(PROJECT_ROOT, "test", "peers", "sklearn_tfidf.py");

/** The read-only shared data folder (../shared beside the checkout, or SENTI_SHARED_DIR). */
export const SHARED = resolve(process.env.SENTI_SHARED_DIR ?? join(PROJECT_ROOT, "..", "shared"));
export const dataFile = (relative: string): string => {
  const path = join(SHARED, "data", relative);
  if (!existsSync(path)) throw new Error(`shared data file missing: ${path}`);
  return path;
};

/** Runs a subcommand of the peer and parses its JSON line. */
export async function sklearn<T = Record<string, unknown>>(...args: string[]): Promise<T> {
  const { stdout } = await run(VENV_PYTHON, [SCRIPT, ...args], { maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split("\n").pop()!) as T;
}

/** scikit-learn's spelling of PUNCTUATION_TOKENS (the only token pattern translated here): the python_function flavor's. */
export const SKLEARN_PUNCTUATION_PATTERN = PYTHON_PUNCTUATION_PATTERN;

/** Our option names → scikit-learn's TfidfVectorizer keyword arguments. */
export function toSklearnVectorizer(o: TfidfVectorizerOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const names: Record<string, string> = {
    analyzer: "analyzer",
    lowercase: "lowercase",
    stripAccents: "strip_accents",
    stopWords: "stop_words",
    ngramRange: "ngram_range",
    minDf: "min_df",
    maxDf: "max_df",
    maxFeatures: "max_features",
    binary: "binary",
    useIdf: "use_idf",
    smoothIdf: "smooth_idf",
    sublinearTf: "sublinear_tf",
    norm: "norm",
  };
  for (const [k, v] of Object.entries(o)) {
    if (k === "tokenPattern" && v instanceof RegExp && v.source === PUNCTUATION_TOKENS.source) {
      out.token_pattern = SKLEARN_PUNCTUATION_PATTERN;
      continue;
    }
    if (!(k in names)) throw new Error(`no scikit-learn name for ${k}`);
    out[names[k]!] = v;
  }
  return out;
}

/** scikit-learn's `build_analyzer()` output for each text (the features before vocabulary lookup). */
export async function sklearnAnalyze(texts: readonly string[], options: TfidfVectorizerOptions, dir: string): Promise<string[][]> {
  const path = join(dir, "texts.json");
  await writeFile(path, JSON.stringify(texts));
  return sklearn<string[][]>("analyze", path, JSON.stringify(toSklearnVectorizer(options)));
}

/** scikit-learn's fitted vectorizer, read back from the files the peer wrote. */
export async function sklearnVectorize(
  csv: string,
  options: TfidfVectorizerOptions,
  outdir: string,
): Promise<{ vocabulary: string[]; matrix: CsrMatrix; idf: Float64Array }> {
  const { rows, cols } = await sklearn<{ rows: number; cols: number }>(
    "vectorize",
    csv,
    JSON.stringify(toSklearnVectorizer(options)),
    outdir,
  );
  const bin = async (name: string) => {
    const b = await readFile(join(outdir, name));
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  };
  return {
    vocabulary: JSON.parse(await readFile(join(outdir, "vocab.json"), "utf8")),
    matrix: {
      rows,
      cols,
      indptr: new Int32Array(await bin("indptr.bin")),
      indices: new Int32Array(await bin("indices.bin")),
      data: new Float64Array(await bin("data.bin")),
    },
    idf: new Float64Array(await bin("idf.bin")),
  };
}
