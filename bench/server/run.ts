/**
 * bench/server: requests/s and p50/p99 latency of `POST /predict` — the Express service
 * (examples/express-server) vs the same task in Flask + scikit-learn under gunicorn — same machine,
 * same load generator with the same settings, same run.
 *
 *   npm run bench:server                         # prints the table
 *   npm run bench:server -- --write              # and writes it into docs/benchmarks.md
 *   npm run bench:server -- --repeat 1 --duration 2 --warmup 1   # a quick development run
 *   npm run bench:server -- --sides ours1,ours --main some/other/dist/main.js   # another build of the service
 *   npx tsx bench/server/profile.ts              # where the service's time goes (see that file)
 *
 * Set-up, done by the benchmark itself on first run and cached in .cache/bench-server/:
 *  - a venv (.cache/bench-server/venv) with Flask, gunicorn and scikit-learn pinned in
 *    bench/server/requirements.txt, reused while that file is unchanged;
 *  - the peer's model: a scikit-learn Pipeline(TfidfVectorizer, LogisticRegression) fitted on IMDB
 *    train (25k) by bench/server/flask_app.py and pickled;
 *  - our model: the same data and options trained, logged and registered by the CLI
 *    (`senti-mlops train … --tracking-uri sqlite:///… --register sentiment-tfidf --alias champion`)
 *    into an SQLite store, served with MODEL_URI=models:/sentiment-tfidf@champion.
 * Options on both sides: word 1–2-grams, min_df 2, sublinear tf, C 4 (scikit-learn: lbfgs,
 * max_iter 1000) — bench/tfidf's configuration.
 *
 * Sides, each a real server process (tree) on 127.0.0.1, started fresh for every repeat, one at a
 * time (never concurrently), the order rotating between repeats:
 *  - flask: gunicorn 2 sync workers (`-k sync`, gunicorn's default worker class: one request at a
 *    time per worker, no keep-alive), the app loading the pickle once per worker;
 *  - ours: the service as `npm start` runs it: `node examples/express-server/dist/main.js` with the
 *    service's defaults, WORKERS unset (so os.availableParallelism() node:cluster workers sharing
 *    the port; LOG_LEVEL info: one JSON log line per request, to a file; prom-client metrics; no
 *    API_TOKEN): the figure that compares with gunicorn's 2 workers and with the issue's target;
 *  - ours1: the same main.js with WORKERS=1 (one process), to show what the extra workers add;
 *  - flask-gthread: for reference, gunicorn 2 gthread workers with 1 thread each (still one request
 *    at a time per worker, but keep-alive), to show what per-request reconnects cost Flask.
 * Before measuring, every side answers the same sample of IMDB test reviews and the labels are
 * compared (agreement). Workloads: 1 review per request and 32 reviews per request, real IMDB test
 * reviews (256 single-review bodies, 64 different 32-review bodies, cycled). Each workload gets a
 * warm-up run, then a measured run: autocannon 9 driven from this process with `--connections`
 * connections, pipelining 1, `--duration` seconds, at most `--max-requests` requests, 10 s timeout.
 * Latency percentiles are exact, from every response's own time (autocannon's histogram rounds to
 * whole milliseconds); requests/s = responses / time from start to the last response. Figures are
 * medians over `--repeat` processes per side.
 *
 * gunicorn's sync workers answer `Connection: close`, so clients reconnect for every request.
 * autocannon 9 mishandles that (a request it writes on the closing socket stays in its queue, so
 * later responses are matched with ever older requests and latencies grow without bound): the
 * load generator's clients drop that unanswered request when they reconnect (`setupClient` below).
 * On keep-alive connections (ours) that never happens.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { writeBenchmarkSection } from "../docs.js";
import {
  BATCHES, CACHE, DEFAULT_MAIN, DEFAULT_WORKERS, GUNICORN_WORKERS, LOGS, PROJECT_ROOT, SAMPLE_TRUTH, SIDE_LABEL, SINGLES,
  bodiesFor, load, log, median, prepare, sampleLabels, start, type Measured, type SideName,
} from "./common.js";

const { values } = parseArgs({
  options: {
    write: { type: "boolean", default: false },
    repeat: { type: "string", default: "3" },
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "3" },
    connections: { type: "string", default: "10" },
    "max-requests": { type: "string", default: "400000" },
    sides: { type: "string", default: "flask,ours1,ours,flask-gthread" },
    workloads: { type: "string", default: "1,32" },
    // Another build of the service's main.js (e.g. a change measured before it lands); the table says so.
    main: { type: "string" },
  },
});
const REPEAT = Number(values.repeat);
const DURATION = Number(values.duration);
const WARMUP = Number(values.warmup);
const CONNECTIONS = Number(values.connections);
const MAX_REQUESTS = Number(values["max-requests"]);
const SIDES = values.sides!.split(",") as SideName[];
for (const side of SIDES) if (!(side in SIDE_LABEL)) throw new Error(`--sides: unknown side ${side} (known: ${Object.keys(SIDE_LABEL).join(", ")})`);
const WORKLOADS = values.workloads!.split(",").map(Number);
const MAIN = values.main ? resolve(values.main) : DEFAULT_MAIN;
const TARGET_RATIO = 8;
const TARGET_P99 = 10;
for (const n of [REPEAT, DURATION, WARMUP, CONNECTIONS, MAX_REQUESTS]) if (!(n > 0)) throw new Error("--repeat, --duration, --warmup, --connections and --max-requests must be positive");
if (!existsSync(MAIN) || !existsSync(join(PROJECT_ROOT, "dist", "index.js"))) throw new Error("run `npm run build` first");

// ---------------------------------------------------------------- run

async function main(): Promise<void> {
  const models = prepare();
  const python = models.python;
  const versions = {
    node: process.version,
    python: execFileSync(python, ["-c", "import sys, flask, sklearn, importlib.metadata as m; print(sys.version.split()[0], m.version('flask'), m.version('gunicorn'), sklearn.__version__)"])
      .toString()
      .trim()
      .split(" "),
  };
  const commit = values.main ? `(service from ${relative(PROJECT_ROOT, MAIN)}, not this checkout's build)` : (() => {
    try {
      const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: PROJECT_ROOT }).toString().trim();
      const dirty = execFileSync("git", ["status", "--porcelain", "--", "examples/express-server/src", "src"], { cwd: PROJECT_ROOT }).toString().trim();
      return dirty ? `${head} (+ uncommitted changes)` : head;
    } catch {
      return "unknown";
    }
  })();
  const settings = { connections: CONNECTIONS, maxRequests: MAX_REQUESTS };
  const loadStart = loadavg();
  const results: Record<string, Measured[]> = {};
  const labels: Partial<Record<SideName, string[]>> = {};
  for (let r = 0; r < REPEAT; r++) {
    const order = SIDES.map((_, i) => SIDES[(i + r) % SIDES.length]!);
    for (const side of order) {
      log(`run ${r + 1}/${REPEAT} ${side}: starting… `);
      const server = await start(side, models, { main: MAIN });
      try {
        if (!labels[side]) labels[side] = await sampleLabels(server.url);
        for (const w of WORKLOADS) {
          const bodies = bodiesFor(w);
          await load(server.url, bodies, WARMUP, server.child.pid!, settings);
          const m = await load(server.url, bodies, DURATION, server.child.pid!, settings);
          (results[`${side}:${w}`] ??= []).push(m);
          log(`[${w}] ${Math.round(m.rps)} req/s p50 ${m.p50.toFixed(2)} p99 ${m.p99.toFixed(2)} ms (server ${m.server_cpu.toFixed(2)} cores, autocannon ${m.loadgen_cpu.toFixed(2)}; errors ${m.errors}, non-2xx ${m.non2xx}) `);
        }
      } finally {
        await server.stop();
      }
      log("\n");
    }
  }
  const loadEnd = loadavg();

  // Agreement on the sample: same labels both sides?
  const agree = (a: string[] | undefined, b: string[] | undefined) => (a && b ? a.filter((x, i) => x === b[i]).length / a.length : NaN);
  const agreement = {
    oursVsFlask: agree(labels.ours ?? labels.ours1, labels.flask),
    oursVsOurs1: agree(labels.ours, labels.ours1),
    accuracy: Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, agree(v, SAMPLE_TRUTH)])),
    n: SAMPLE_TRUTH.length,
  };
  if (labels.ours && labels.ours1 && agreement.oursVsOurs1 !== 1) throw new Error(`ours with WORKERS=1 and WORKERS=${DEFAULT_WORKERS} answered different labels`);
  if (labels.flask && labels["flask-gthread"] && agree(labels.flask, labels["flask-gthread"]) !== 1) throw new Error("Flask's sync and gthread workers answered different labels");

  const pick = (side: SideName, w: number, key: keyof Measured) => median((results[`${side}:${w}`] ?? []).map((m) => m[key]));
  const sum = (side: SideName, w: number, key: keyof Measured) => (results[`${side}:${w}`] ?? []).reduce((a, m) => a + m[key], 0);
  const failures = Object.entries(results).filter(([, ms]) => ms.some((m) => m.errors || m.timeouts || m.non2xx));
  const f1 = (n: number) => n.toFixed(1);
  const f2 = (n: number) => n.toFixed(2);
  const int = (n: number) => Math.round(n).toLocaleString("en-US");
  const rows: string[] = [];
  for (const w of WORKLOADS) {
    const flaskRps = SIDES.includes("flask") ? pick("flask", w, "rps") : NaN;
    for (const side of SIDES) {
      const rps = pick(side, w, "rps");
      const ratio = side === "flask" ? "1×" : side === "flask-gthread" ? `${f1(rps / flaskRps)}×` : Number.isFinite(flaskRps) ? `**${f1(rps / flaskRps)}×**` : "";
      // The issue's target, on one review per request: ≥ 8× Flask's requests/s with p99 ≤ 10 ms.
      const met = rps / flaskRps >= TARGET_RATIO && pick(side, w, "p99") <= TARGET_P99;
      const target = w === 1 && side.startsWith("ours") ? `≥ ${TARGET_RATIO}×, p99 ≤ ${TARGET_P99} ms: ${Number.isFinite(flaskRps) ? (met ? "met" : "**not met**") : "(no Flask run)"}` : "";
      rows.push(
        `| ${w} | ${SIDE_LABEL[side]} | ${int(rps)} | ${w > 1 ? int(rps * w) : int(rps)} | ${f2(pick(side, w, "p50"))} | ${f2(pick(side, w, "p99"))} | ` +
          `${sum(side, w, "errors")} / ${sum(side, w, "non2xx")} | ${f2(pick(side, w, "server_cpu"))} / ${f2(pick(side, w, "loadgen_cpu"))} | ${ratio} | ${target} |`,
      );
    }
  }
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  // From 1 to DEFAULT_WORKERS workers: requests/s of ours over ours1, per workload.
  const scaling = SIDES.includes("ours") && SIDES.includes("ours1")
    ? WORKLOADS.map((w) => `${f2(pick("ours", w, "rps") / pick("ours1", w, "rps"))}× with ${w} review${w > 1 ? "s" : ""} per request (${int(pick("ours1", w, "rps"))} → ${int(pick("ours", w, "rps"))} requests/s)`).join(", ")
    : null;
  // Each repeat's own ratio (the i-th run of each side belong to one repeat): medians hide the spread.
  const perRepeat = SIDES.includes("ours") && SIDES.includes("flask")
    ? (results["ours:1"] ?? []).map((m, i) => `${f1(m.rps / results["flask:1"]![i]!.rps)}×`).join(", ")
    : null;
  const table = [
    `### \`POST /predict\`: Express service vs Flask + scikit-learn (gunicorn)`,
    "",
    `Measured at commit ${commit} on ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GB; 1-minute load average ${f2(loadStart[0]!)} before the run (${f2(loadEnd[0]!)} at its end, ` +
      `the benchmark's own processes included). Node ${versions.node}; Python ${versions.python[0]}, Flask ${versions.python[1]}, gunicorn ${versions.python[2]}, scikit-learn ${versions.python[3]}. ` +
      `Both models: IMDB train (25,000 reviews), word 1–2-grams, min_df 2, sublinear tf, C 4. Load: autocannon 9.0.0 in the benchmark's own process, ` +
      `${CONNECTIONS} connections, pipelining 1, ${DURATION} s per measurement after a ${WARMUP} s warm-up, at most ${int(MAX_REQUESTS)} requests; ` +
      `median of ${REPEAT} run(s), each side a fresh server process (tree) per run, one side at a time.`,
    "",
    "| reviews per request | server | requests/s | reviews/s | p50 (ms) | p99 (ms) | errors / non-2xx | CPU cores used: server / load generator | requests/s ratio (vs Flask) | target |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ...rows,
    "",
    `- Same answers: on ${agreement.n} IMDB test reviews (the 32-review bodies and the single reviews), the Express service and Flask gave the same label to ` +
      `${Number.isNaN(agreement.oursVsFlask) ? "(not compared: one side did not run)" : pct(agreement.oursVsFlask)}` +
      (Object.keys(agreement.accuracy).length ? ` (accuracy on that sample: ${Object.entries(agreement.accuracy).map(([k, v]) => `${k} ${pct(v)}`).join(", ")})` : "") +
      `; ours with WORKERS=1 and WORKERS=${DEFAULT_WORKERS}, and Flask's two worker kinds, gave identical labels (checked when both ran).`,
    `- **The default row (WORKERS=${DEFAULT_WORKERS}, what \`npm start\` runs on this machine: WORKERS defaults to the number of cores) is the figure to compare with gunicorn's ${GUNICORN_WORKERS} workers** ` +
      `and the one the target is about; WORKERS=1 shows one Node process alone.` +
      (perRepeat ? ` Each repeat's own ratio, one review per request: ${perRepeat}.` : "") +
      (scaling ? ` From 1 to ${DEFAULT_WORKERS} workers, requests/s grow ${scaling}.` : "") +
      ` The machine has ${cpus().length} cores and the load generator needs part of one at these rates (its CPU is in the table), so no side gets ${cpus().length} free cores: ` +
      "the servers and autocannon share them, which caps the multi-process figures of both sides.",
    `- Flask: \`gunicorn -w ${GUNICORN_WORKERS} -k sync 'flask_app:create_app()'\` (bench/server/flask_app.py; sync workers are gunicorn's default: one request at a time per worker, ` +
      "`Connection: close` after every answer, so its clients reconnect per request, as they would against such a deployment), no access log (gunicorn's default), " +
      "`predict_proba` on the pickled Pipeline, same JSON as ours (labels, the predicted label's probability, count).",
    ...(SIDES.includes("flask-gthread")
      ? [
          "- Flask with gthread workers (reference row, not the comparison): the same app and model under `gunicorn -k gthread --threads 1 --keep-alive 5`, still one request " +
            "at a time per worker but with keep-alive connections, to show what the sync workers' per-request reconnects cost Flask. A gthread worker keeps the connections it accepts, so when one worker " +
            "happens to hold most of the connections, the other idles (server CPU near 1 core in the table): this row varies from run to run.",
        ]
      : []),
    "- Ours: `node examples/express-server/dist/main.js` with its defaults (`POST /predict` answered by the service's lane before Express, request-listener.ts, for these plain JSON bodies; request validation with zod, pino logging one JSON line per request to a file, prom-client " +
      "request and prediction metrics), `MODEL_URI=models:/sentiment-tfidf@champion` from an SQLite store written by `senti-mlops train --register`; " +
      `WORKERS unset (the default: ${DEFAULT_WORKERS} node:cluster workers sharing the port, the primary handing connections out round-robin) or WORKERS=1 (one process).`,
    "- Latency is measured per response by the load generator (connect time included for Flask's per-request connections); requests/s = responses / time to the last response.",
    "",
  ].join("\n");
  process.stdout.write(`${table}\n`);
  process.stdout.write(`${JSON.stringify({ commit, loadStart, loadEnd, agreement, results })}\n`);
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(join(CACHE, "last-table.md"), `${table}\n`);
  if (failures.length) throw new Error(`errors, timeouts or non-2xx answers in: ${failures.map(([k]) => k).join(", ")} (logs in ${LOGS})`);
  if (values.write) {
    writeBenchmarkSection("server", table, {
      heading: "Express service vs Flask + scikit-learn under gunicorn",
      intro: "Written by `npm run bench:server -- --write` (`bench/server/run.ts`).",
    });
  }
}

await main();
