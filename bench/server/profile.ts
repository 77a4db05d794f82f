/**
 * bench/server/profile.ts: where the Express service's time goes under bench/server's
 * one-review-per-request load (one process: WORKERS=1, otherwise the service's defaults).
 *
 *   npx tsx bench/server/profile.ts                      # prints the tables
 *   npx tsx bench/server/profile.ts -- --write           # and writes them into docs/benchmarks.md
 *   npx tsx bench/server/profile.ts --main other/dist/main.js   # another build of the service
 *
 * 1. Logging: the same load with LOG_LEVEL=info (the default: one JSON line per request) and
 *    LOG_LEVEL=warn (no per-request line), each a fresh process.
 * 2. A CPU profile (`node --cpu-prof`) of the service during the measured load only (samples
 *    outside the load window are dropped). Each sample is charged to one part: `predict()` of
 *    senti-mlops when it is on the stack; else Node's HTTP/socket internals when they come before
 *    any package frame (a response's write and its system call, whoever called res.end()); else
 *    the innermost frame of a known package (pino /
 *    pino-http = logging, prom-client = metrics, zod = validation, express and its body parsing,
 *    the service's own code); else Node's HTTP/socket internals; garbage collection apart. CPU per
 *    request = share × the server's CPU seconds / responses (the profiler itself costs some).
 * 3. In-process (no HTTP, wall time): `predict(model, [review])` per call vs per review of 32-review calls,
 *    and what allocating a zeroed Int32Array of 2 × features costs on its own (the scratch table
 *    `TfidfVectorizer.forEachRow` allocated per call until e06c0fb, which this profile found).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadModel, predict } from "senti-mlops";
import { createTracking } from "senti-mlops/tracking";
import { writeBenchmarkSection } from "../docs.js";
import { DEFAULT_MAIN, SINGLES, BATCHES, bodiesFor, load, log, prepare, start, treeCpuSeconds } from "./common.js";

const { values } = parseArgs({
  options: {
    write: { type: "boolean", default: false },
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "3" },
    connections: { type: "string", default: "10" },
    main: { type: "string" },
  },
});
const DURATION = Number(values.duration);
const WARMUP = Number(values.warmup);
const settings = { connections: Number(values.connections), maxRequests: 400_000 };
const MAIN = values.main ? resolve(values.main) : DEFAULT_MAIN;
const models = prepare();
const bodies = bodiesFor(1);
const loadStart = loadavg()[0]!;
const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);

// ---------------------------------------------------------------- 1. logging on/off

const logging: string[] = [];
for (const level of ["info", "warn"]) {
  const server = await start("ours1", models, { main: MAIN, extraEnv: { LOG_LEVEL: level }, logName: `profile-${level}` });
  try {
    await load(server.url, bodies, WARMUP, server.child.pid!, settings);
    const m = await load(server.url, bodies, DURATION, server.child.pid!, settings);
    log(`LOG_LEVEL=${level}: ${Math.round(m.rps)} req/s, p50 ${f2(m.p50)} p99 ${f2(m.p99)} ms, server ${f2(m.server_cpu)} cores\n`);
    logging.push(`| LOG_LEVEL=${level}${level === "info" ? " (default)" : ""} | ${Math.round(m.rps)} | ${f2(m.p50)} | ${f2(m.p99)} | ${f2(m.server_cpu)} | ${f1((m.server_cpu / m.rps) * 1e6)} |`);
  } finally {
    await server.stop();
  }
}

// ---------------------------------------------------------------- 2. CPU profile

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const PARTS: [RegExp, string][] = [
  [/node_modules\/(pino|pino-http|pino-std-serializers|sonic-boom|thread-stream|@pinojs\/[^/]+|fast-redact|on-exit-leak-free|atomic-sleep|quick-format-unescaped|safe-stable-stringify)\//, "logging (pino-http, pino)"],
  [/node_modules\/(prom-client|tdigest|bintrees)\//, "metrics (prom-client)"],
  [/node_modules\/zod\//, "validation (zod)"],
  [/node_modules\//, "Express, router, body parsing (raw-body, body-parser) and other packages"],
  [/examples\/express-server\/|\/service\/dist\//, "the service's own code (body checks, JSON.parse, answer)"],
  [/senti-mlops\/dist\/|\/work\/main\/dist\//, "senti-mlops outside predict()"],
];

const NODE_HTTP = /^node:(_http_\w+|net|internal\/stream_base_commons|internal\/streams\/\w+)$/;
const NODE_HTTP_PART = "Node HTTP, sockets, timers (Node's frames, or no package frame, on the stack)";

function attribute(profile: CpuProfile, from: number, to: number): { counts: Map<string, number>; total: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const counts = new Map<string, number>();
  let total = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i]!;
    if (t < from || t > to) continue;
    const leaf = byId.get(profile.samples[i]!)!;
    const name = leaf.callFrame.functionName;
    if (name === "(idle)") continue;
    total++;
    let part: string | undefined = name === "(garbage collector)" ? "garbage collection" : name === "(program)" ? "V8/Node native, unattributed" : undefined;
    const stack: ProfileNode[] = [];
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) stack.push(byId.get(id)!);
    if (!part && stack.some((n) => n.callFrame.functionName === "predict" && /senti-mlops\/dist\/|\/work\/main\/dist\//.test(n.callFrame.url))) part = "model: senti-mlops predict()";
    if (!part) {
      for (const n of stack) {
        // Node's HTTP response and socket writes (and their system calls) are Node's, whichever
        // code called res.end(): the service's lane answers with res.end() itself.
        if (NODE_HTTP.test(n.callFrame.url)) {
          part = NODE_HTTP_PART;
          break;
        }
        const hit = PARTS.find(([re]) => re.test(n.callFrame.url));
        if (hit) {
          part = hit[1];
          break;
        }
      }
    }
    part ??= NODE_HTTP_PART;
    counts.set(part, (counts.get(part) ?? 0) + 1);
  }
  return { counts, total };
}

const profDir = mkdtempSync(join(tmpdir(), "senti-bench-server-prof-"));
const profiled: string[] = [];
let profiledRps = 0;
try {
  const server = await start("ours1", models, { main: MAIN, nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profDir}`], logName: "profile-cpu" });
  let window: [number, number];
  let cpuSeconds: number;
  let responses: number;
  try {
    await load(server.url, bodies, WARMUP, server.child.pid!, settings);
    const cpu0 = treeCpuSeconds(server.child.pid!);
    const t0 = Number(process.hrtime.bigint() / 1000n);
    const m = await load(server.url, bodies, DURATION, server.child.pid!, settings);
    window = [t0, Number(process.hrtime.bigint() / 1000n)];
    cpuSeconds = treeCpuSeconds(server.child.pid!) - cpu0;
    responses = m.responses;
    profiledRps = m.rps;
  } finally {
    await server.stop(); // the profile is written when the process exits
  }
  const file = readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error("the service wrote no CPU profile");
  const profile = JSON.parse(readFileSync(join(profDir, file), "utf8")) as CpuProfile;
  const { counts, total } = attribute(profile, window[0], window[1]);
  // Both clocks are CLOCK_MONOTONIC in µs; an empty window means they are not.
  if (total < 100) throw new Error(`only ${total} profile samples fall in the load window`);
  for (const [part, n] of [...counts].sort((a, b) => b[1] - a[1])) {
    profiled.push(`| ${part} | ${f1((100 * n) / total)}% | ${f1(((n / total) * cpuSeconds * 1e6) / responses)} |`);
  }
  profiled.push(`| **all** (server CPU per request, with the profiler on) | 100% | ${f1((cpuSeconds * 1e6) / responses)} |`);
} finally {
  rmSync(profDir, { recursive: true, force: true });
}

// ---------------------------------------------------------------- 3. in-process

const tracking = await createTracking(models.trackingUri);
const model = await loadModel("models:/sentiment-tfidf@champion", { tracking });
const features = (model as unknown as { vectorizer: { size: number } }).vectorizer.size;
async function perCall(calls: number, fn: (i: number) => unknown): Promise<number> {
  for (let i = 0; i < 200; i++) await fn(i);
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) await fn(i);
  // Wall time on the (single) JS thread, GC pauses included; V8's GC helper threads are not counted.
  return ((performance.now() - t0) / calls) * 1000;
}
const singles = SINGLES.map((r) => [r.text]);
const batches = BATCHES.map((b) => b.map((r) => r.text));
const one = await perCall(3000, (i) => predict(model, singles[i % singles.length]!));
const many = (await perCall(300, (i) => predict(model, batches[i % batches.length]!))) / 32;
let sink = 0;
const alloc = await perCall(3000, () => {
  sink += new Int32Array(2 * features)[1]!;
});
await tracking.close();
const inProcess = [
  `| \`predict(model, [review])\`, per call | ${f1(one)} |`,
  `| \`predict(model, 32 reviews)\`, per review | ${f1(many)} |`,
  `| \`new Int32Array(2 × ${features})\` alone (${f1((8 * features) / 2 ** 20)} MiB, zeroed; GC included): what \`forEachRow\` allocated per call before e06c0fb | ${f1(alloc)} |`,
];

const table = [
  "### Where the Express service's time goes (one review per request)",
  "",
  `Measured on ${cpus().length} cores (load average ${f2(loadStart)} at the start); one service process with its defaults, bench/server's single-review ` +
    `workload, ${settings.connections} connections, ${DURATION} s after a ${WARMUP} s warm-up. \`npx tsx bench/server/profile.ts\`.`,
  "",
  "| logging | requests/s | p50 (ms) | p99 (ms) | server CPU (cores) | server CPU per request (µs) |",
  "|---|---:|---:|---:|---:|---:|",
  ...logging,
  "",
  `CPU profile (\`node --cpu-prof\`, ${Math.round(profiledRps)} requests/s while profiled):`,
  "",
  "| part | share of the server's CPU | µs per request |",
  "|---|---:|---:|",
  ...profiled,
  "",
  "In-process, no HTTP (wall time on the JS thread, GC pauses included):",
  "",
  "| | µs |",
  "|---|---:|",
  ...inProcess,
  "",
].join("\n");
process.stdout.write(`${table}\n`);
if (sink < 0) process.stdout.write("\n");
if (values.write) writeBenchmarkSection("server:profile", table, { heading: "Express service: profile", intro: "Written by `npx tsx bench/server/profile.ts --write`." });
