// senti-mlops side of bench/tracking: the built package's SQL store on SQLite files, one JSON line out.
// Usage:
//   node bench/tracking/ours.mjs seed DB RUNS                       # the search data set (not timed)
//   node bench/tracking/ours.mjs bench LOG_DB SEARCH_DB SPEC_JSON   # the timed side
// SPEC_JSON: { single: N, batches: B, batchSize: S, searchRepeat: R, filter: F, maxResults: M }
import { openSqlStores } from "senti-mlops/node";

const T0 = 1_700_000_000_000; // fixed epoch ms for metric timestamps and run start times (same on both sides)
const [mode, ...args] = process.argv.slice(2);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const out = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

if (mode === "seed") {
  // 10 000 runs in one experiment, each with two metrics and two params; `acc` is spread
  // deterministically over [0.5, 1) so that `metrics.acc > 0.9` matches 20% of the runs.
  const [db, rawRuns] = args;
  const runs = Number(rawRuns);
  const store = (await openSqlStores(db, { artifactRoot: "/tmp/senti-bench-artifacts" })).store;
  const experimentId = await store.createExperiment("bench-search");
  const t = performance.now();
  for (let i = 0; i < runs; i++) {
    const run = await store.createRun({ experimentId, startTime: T0 + i, runName: `run-${i}` });
    const frac = ((i * 7919) % runs) / runs;
    await store.logBatch(run.info.runId, {
      metrics: [
        { key: "acc", value: 0.5 + 0.5 * frac, timestamp: T0 + i, step: 0 },
        { key: "loss", value: 1 - frac, timestamp: T0 + i, step: 0 },
      ],
      params: [
        { key: "C", value: String(1 + (i % 8)) },
        { key: "ngram", value: i % 2 ? "1-2" : "1-1" },
      ],
    });
  }
  await store.close();
  out({ experimentId, runs, seed_s: (performance.now() - t) / 1000 });
} else if (mode === "bench") {
  const [logDb, searchDb, rawSpec] = args;
  const spec = JSON.parse(rawSpec);

  // 1 + 2: logging into a fresh file; store, experiment and run exist before the clock starts.
  const store = (await openSqlStores(logDb, { artifactRoot: "/tmp/senti-bench-artifacts" })).store;
  const experimentId = await store.createExperiment("bench-log");
  const single = (await store.createRun({ experimentId, runName: "single" })).info.runId;
  await store.logBatch(single, { metrics: [{ key: "warmup", value: 0, timestamp: T0, step: 0 }] });
  let t = performance.now();
  for (let i = 0; i < spec.single; i++) {
    await store.logBatch(single, { metrics: [{ key: "loss", value: 1 / (i + 1), timestamp: T0 + i, step: i }] });
  }
  const singleSeconds = (performance.now() - t) / 1000;

  const batched = (await store.createRun({ experimentId, runName: "batch" })).info.runId;
  const batches = [];
  for (let b = 0; b < spec.batches; b++) {
    const metrics = [];
    for (let j = 0; j < spec.batchSize; j++) {
      const step = b * (spec.batchSize / 10) + Math.floor(j / 10);
      metrics.push({ key: `m${j % 10}`, value: Math.sin(step + j), timestamp: T0 + step, step });
    }
    batches.push(metrics);
  }
  t = performance.now();
  for (const metrics of batches) await store.logBatch(batched, { metrics });
  const batchSeconds = (performance.now() - t) / 1000;
  await store.close();

  // 3: search over the seeded file (this side's own copy).
  const search = (await openSqlStores(searchDb)).store;
  const [experiment] = (await search.searchExperiments({ filter: "name = 'bench-search'" })).items;
  const query = { experimentIds: [experiment.experimentId], filter: spec.filter, maxResults: spec.maxResults };
  const first = await search.searchRuns(query); // warm-up
  const times = [];
  for (let r = 0; r < spec.searchRepeat; r++) {
    t = performance.now();
    await search.searchRuns(query);
    times.push(performance.now() - t);
  }
  await search.close();
  out({
    single_calls: spec.single,
    single_s: singleSeconds,
    batch_points: spec.batches * spec.batchSize,
    batch_s: batchSeconds,
    search_ms: median(times),
    search_times_ms: times,
    search_results: first.items.length,
    search_has_next: Boolean(first.nextPageToken),
    search_ids: first.items.map((r) => r.info.runId),
  });
} else {
  throw new Error(`unknown mode ${mode}`);
}
