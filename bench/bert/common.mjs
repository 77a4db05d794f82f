// Shared by both sides of bench/bert: reads the texts, times load / warm-up / passes, prints one JSON
// line. Each side is its own process (bench/bert/peer.mjs, bench/bert/ours.mjs), started by run.ts.
//
// A side is { name, load(spec) → handle, classify(handle, texts) → [{ label, score }], dispose(handle) }.
// The spec (argv[2], JSON) says: folder, data (CSV with a `text` column), n (first n rows), threads,
// batchSize, passes (timed passes after one untimed warm-up pass over the same texts).
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";

export function readSpec() {
  const spec = JSON.parse(process.argv[2] ?? "{}");
  for (const key of ["folder", "data", "n", "threads", "batchSize", "passes"]) {
    if (spec[key] === undefined) throw new Error(`spec lacks ${key}: ${process.argv[2]}`);
  }
  return spec;
}

export function readTexts(path, n) {
  const rows = parse(readFileSync(path), { columns: true });
  if (rows.length < n) throw new Error(`${path} has ${rows.length} rows, fewer than ${n}`);
  return rows.slice(0, n).map((r) => r.text);
}

/** Threads of this process right now (Linux): the ONNX Runtime intra-op pool adds threads - 1. */
export function processThreads() {
  const m = /^Threads:\s+(\d+)/m.exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) : -1;
}

/** P(label named `positive`) from a top-1 { label, score } of a binary classifier. */
function positiveProbability({ label, score }) {
  return String(label).toUpperCase() === "POSITIVE" ? score : 1 - score;
}

export async function measure(side) {
  const spec = readSpec();
  const texts = readTexts(spec.data, spec.n);
  const threadsBefore = processThreads();
  let t0 = performance.now();
  const handle = await side.load(spec);
  const loadSeconds = (performance.now() - t0) / 1000;
  const threadsAfterLoad = processThreads();

  t0 = performance.now();
  let out = await side.classify(handle, texts, spec);
  const warmupSeconds = (performance.now() - t0) / 1000;
  const passSeconds = [];
  for (let i = 0; i < spec.passes; i++) {
    t0 = performance.now();
    out = await side.classify(handle, texts, spec);
    passSeconds.push((performance.now() - t0) / 1000);
  }
  if (out.length !== texts.length) throw new Error(`${side.name}: ${out.length} results for ${texts.length} texts`);
  const threadsAfterRun = processThreads();
  const extra = side.report ? await side.report(handle, texts, spec) : {};
  await side.dispose(handle);
  process.stdout.write(
    JSON.stringify({
      side: side.name,
      texts: texts.length,
      load_s: loadSeconds,
      warmup_s: warmupSeconds,
      pass_s: passSeconds,
      threads: { before: threadsBefore, afterLoad: threadsAfterLoad, afterRun: threadsAfterRun },
      peak_rss_mb: process.resourceUsage().maxRSS / 1024,
      labels: out.map((r) => String(r.label).toUpperCase()),
      p_positive: out.map(positiveProbability),
      ...extra,
    }) + "\n",
  );
}
