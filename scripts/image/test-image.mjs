#!/usr/bin/env node
// npm run test:image — builds examples/express-server/Dockerfile with whichever engine is here
// (docker, else rootful podman) and checks the image as an operator would run it:
//
//   - a build whose `npm ci` fails yet exits 0 (as npm 10 once did) fails at the lockfile check;
//   - its size (at most 300 MB as the engine reports it), the HEALTHCHECK and the non-root user in
//     its configuration, and only this platform's onnxruntime binaries inside;
//   - a container (published on 127.0.0.1 only, a named volume on /data, a training CSV mounted
//     read-only, API_TOKEN set): /health answers; training through the API (POST /train_model with
//     the bearer token, polling GET /train_model/:id) and then /predict returning labels; the server
//     runs as uid 1000; /app is read-only for it; the `senti-mlops` CLI runs; the HEALTHCHECK
//     command passes; `stop` (SIGTERM) ends it with exit code 0 within the service's drain timeout;
//   - a new container on the same volume, with a read-only root filesystem, serves the champion
//     trained before (same model version) without training again; the `senti-mlops` CLI in it trains and registers a new champion,
//     which the running service then serves (as with a Kubernetes training Job).
//
// Where node:20-slim cannot be pulled, stand-in base images are built first (scripts/image/engine.mjs)
// and the script says so. Layers and stand-ins are reused, so a second run is fast. Afterwards, if
// test/deploy/stack.test.ts exists, it runs in compose mode with the image built here.
//
// Options: --keep (leave the containers and the volume for inspection), --no-stack (skip the
// stack test). Exit code 0 only when every check passed.

import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { spawn } from "node:child_process";
import {
  build,
  detectEngine,
  imageSize,
  nodeBaseImage,
  repoRoot,
  run,
  mustRun,
} from "./engine.mjs";

const MAX_IMAGE_MB = 300;
const IMAGE = "localhost/senti-mlops-service:test";
const DOCKERFILE = "examples/express-server/Dockerfile";
/** A small labelled set keeps training quick (9,596 short movie-review sentences). */
const TRAIN_CSV_IN_SHARED = "data/rt-polarity/train.csv";

const options = new Set(process.argv.slice(2));
for (const o of options) {
  if (!["--keep", "--no-stack"].includes(o)) {
    console.error(`test:image: unknown option ${o} (expected --keep or --no-stack)`);
    process.exit(2);
  }
}

const log = (msg) => console.log(`[test:image] ${msg}`);
/** @type {{ name: string, ok: boolean, detail: string }[]} */
const checks = [];
/** Records a check; returns whether it passed. */
function check(name, ok, detail = "") {
  checks.push({ name, ok, detail });
  log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? ` — ${detail}` : ""}`);
  return ok;
}

/** The service's drain time on SIGTERM: SHUTDOWN_TIMEOUT_MS's default in its configuration. */
function drainTimeoutMs() {
  const file = join(repoRoot, "examples/express-server/src/config.ts");
  const m = readFileSync(file, "utf8").match(/SHUTDOWN_TIMEOUT_MS:[^\n]*?\.default\(([\d_]+)\)/);
  if (!m) throw new Error(`cannot find SHUTDOWN_TIMEOUT_MS's default in ${file}`);
  return Number(m[1].replaceAll("_", ""));
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.on("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function fetchJson(url, init = {}, timeoutMs = 10_000) {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

/** Polls /health until it answers 200 (the container may still be starting). */
async function waitHealthy(engine, name, base, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < until) {
    try {
      const r = await fetchJson(`${base}/health`, {}, 3000);
      if (r.status === 200) return r;
      last = `${r.status} ${JSON.stringify(r.body)}`;
    } catch (err) {
      last = err.cause?.code ?? err.message;
    }
    const state = await run(engine, ["inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", name]);
    if (/^(exited|stopped|dead)/.test(state.stdout.trim())) throw new Error(`container ${name} stopped: ${state.stdout.trim()}`);
    await sleep(500);
  }
  throw new Error(`/health did not answer 200 within ${timeoutMs / 1000} s (last: ${last})`);
}

async function containerLogs(engine, name) {
  const r = await run(engine, ["logs", "--tail", "80", name]);
  return `${r.stdout}${r.stderr}`.trim();
}

const shared = resolve(process.env.SENTI_SHARED_DIR ?? join(repoRoot, "..", "shared"));
const trainCsv = join(shared, TRAIN_CSV_IN_SHARED);
if (!existsSync(trainCsv)) {
  console.error(`test:image: training data ${trainCsv} not found (set SENTI_SHARED_DIR to the folder holding data/rt-polarity)`);
  process.exit(2);
}

const started = Date.now();
const engine = await detectEngine({ log });
const suffix = `${process.pid}-${randomBytes(3).toString("hex")}`;
const volume = `senti-mlops-test-image-${suffix}`;
const containers = [];
const token = randomBytes(24).toString("hex");
let buildSeconds = 0;
let sizeMb = NaN;
let failed = false;

async function cleanup() {
  if (options.has("--keep")) {
    log(`kept containers ${containers.join(", ") || "(none)"} and volume ${volume}`);
    return;
  }
  // podman's `rm -f` waits 10 s for a running container unless told otherwise; docker's kills at once.
  for (const c of containers) await run(engine, engine.cmd === "podman" ? ["rm", "-f", "-t", "0", c] : ["rm", "-f", c]);
  await run(engine, ["volume", "rm", "-f", volume]);
}

/** Starts a service container on the shared volume; returns its name and base URL. */
async function startContainer(label, env = {}, { readOnlyRoot = false } = {}) {
  const name = `senti-mlops-test-image-${label}-${suffix}`;
  const port = await freePort();
  // A read-only root filesystem as Kubernetes' readOnlyRootFilesystem makes it: podman would
  // otherwise mount writable tmpfs on /tmp, /var/tmp and /run.
  const readOnly = readOnlyRoot ? ["--read-only", ...(engine.cmd === "podman" ? ["--read-only-tmpfs=false"] : [])] : [];
  await mustRun(engine, [
    "run", "-d", "--name", name, ...readOnly,
    "-p", `127.0.0.1:${port}:5001`,
    "-v", `${volume}:/data`,
    "-v", `${trainCsv}:/data/train.csv:ro`,
    "-e", "TRAIN_DATA=/data/train.csv",
    // As the README runs it: the token passed through from the environment, never in arguments.
    "-e", "API_TOKEN",
    ...Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
    IMAGE,
  ], { env: { ...engine.env, API_TOKEN: token } });
  containers.push(name);
  return { name, base: `http://127.0.0.1:${port}` };
}

try {
  // 1. Build (stand-in bases first when node:20-slim cannot be pulled).
  const nodeImage = await nodeBaseImage(engine, { log });
  log(`building ${IMAGE} from ${DOCKERFILE} on ${nodeImage} with ${engine.cmd}`);
  const t0 = Date.now();
  await build(engine, {
    file: DOCKERFILE,
    context: ".",
    tag: IMAGE,
    buildArgs: { NODE_IMAGE: nodeImage },
    stream: true,
  });
  buildSeconds = (Date.now() - t0) / 1000;
  log(`built in ${buildSeconds.toFixed(1)} s`);

  // A failed install must fail the build. npm 10 once printed `Exit handler never called!` after a
  // TLS error yet exited 0, leaving node_modules half-made: a base image whose `npm ci` does just
  // that (says so, makes an empty node_modules, exits 0) must stop the Dockerfile's deps stage at
  // the lockfile check, not cache a broken layer.
  const brokenBase = "localhost/senti-mlops-test-image/npm-ci-exits-0:test";
  const work = mkdtempSync(join(tmpdir(), "senti-broken-npm-"));
  try {
    writeFileSync(
      join(work, "Containerfile"),
      [
        `FROM ${nodeImage}`,
        "RUN rm /usr/local/bin/npm \\",
        " && printf '%s\\n' '#!/bin/sh' \\",
        "      'if [ \"$1\" = ci ]; then echo \"npm error Exit handler never called!\" >&2; mkdir -p node_modules; exit 0; fi' \\",
        "      'exec node /usr/local/lib/node_modules/npm/bin/npm-cli.js \"$@\"' > /usr/local/bin/npm \\",
        " && chmod 0755 /usr/local/bin/npm",
        "",
      ].join("\n"),
    );
    await build(engine, { file: join(work, "Containerfile"), context: work, tag: brokenBase });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  let brokenBuild;
  try {
    await build(engine, { file: DOCKERFILE, context: ".", tag: "localhost/senti-mlops-test-image/broken:test", target: "deps", buildArgs: { NODE_IMAGE: brokenBase } });
    brokenBuild = { failed: false, text: "the build succeeded" };
  } catch (err) {
    brokenBuild = { failed: true, text: `${err.stdout ?? ""}\n${err.stderr ?? ""}\n${err.message}` };
  }
  const verifyLine = brokenBuild.text.split("\n").find((l) => l.includes("verify-install:")) ?? brokenBuild.text.split("\n").slice(-3).join(" | ");
  check(
    "an `npm ci` that fails yet exits 0 fails the build (at the lockfile check)",
    brokenBuild.failed && /verify-install: node_modules does not match package-lock\.json/.test(brokenBuild.text),
    verifyLine.trim(),
  );

  // 2. The image itself.
  sizeMb = (await imageSize(engine, IMAGE)) / 1e6;
  check(`image size at most ${MAX_IMAGE_MB} MB`, sizeMb <= MAX_IMAGE_MB, `${sizeMb.toFixed(1)} MB`);
  const inspected = JSON.parse((await mustRun(engine, ["image", "inspect", IMAGE])).stdout)[0];
  const config = inspected.Config ?? {};
  const healthcheck = config.Healthcheck ?? inspected.HealthCheck ?? inspected.Healthcheck;
  check(
    "image config has the HEALTHCHECK on /health",
    Array.isArray(healthcheck?.Test) && healthcheck.Test.join(" ").includes("/health"),
    JSON.stringify(healthcheck?.Test ?? null),
  );
  check("image config runs as uid 1000", config.User === "1000:1000" || config.User === "1000", `User=${JSON.stringify(config.User)}`);
  const onnxBins = await run(engine, [
    "run", "--rm", "--entrypoint", "sh", IMAGE, "-c",
    "cd /app/node_modules && node -p 'process.platform + \"/\" + process.arch' && ls -d onnxruntime-node/bin/napi-v*/*/* && ls better-sqlite3 better-sqlite3/build/Release",
  ]);
  const [platform, ...listing] = onnxBins.stdout.split("\n");
  const binDirs = listing.filter((l) => l.startsWith("onnxruntime-node/bin/"));
  check(
    `only the image's own platform's onnxruntime binaries (${platform}); no better-sqlite3 build leftovers`,
    onnxBins.code === 0 && binDirs.length === 1 && binDirs[0].endsWith(`/${platform}`) && !/\b(deps|src|obj|obj\.target)\b/.test(listing.join(" ")),
    onnxBins.stdout.replace(/\s+/g, " ").trim() || onnxBins.stderr.trim(),
  );

  // 3. The service in a container.
  await mustRun(engine, ["volume", "create", volume]);
  const first = await startContainer("first");
  log(`started ${first.name} on ${first.base}`);
  try {
    const health = await waitHealthy(engine, first.name, first.base);
    check("/health answers 200", health.body?.status === "healthy", JSON.stringify(health.body));

    const uid = await run(engine, ["exec", first.name, "sh", "-c", "grep '^Uid:' /proc/1/status"]);
    check("the server process runs as uid 1000", /^Uid:\s+1000\s+1000\b/.test(uid.stdout.trim()), uid.stdout.trim() || uid.stderr.trim());

    const write = await run(engine, ["exec", first.name, "sh", "-c", "touch /app/written-by-test 2>&1; echo rc=$?; touch /app/examples/express-server/dist/x 2>&1; echo rc=$?"]);
    const rcs = [...write.stdout.matchAll(/rc=(\d+)/g)].map((m) => Number(m[1]));
    check("/app is read-only for the service's user", rcs.length === 2 && rcs.every((c) => c !== 0), write.stdout.replace(/\s+/g, " ").trim());

    const cli = await run(engine, ["exec", first.name, "senti-mlops", "--help"]);
    check("the senti-mlops CLI runs in the image", cli.code === 0 && /train/.test(cli.stdout + cli.stderr), `exit ${cli.code}`);

    let hc;
    if (engine.cmd === "podman") {
      const r = await run(engine, ["healthcheck", "run", first.name], { timeoutMs: 30_000 });
      hc = { ok: r.code === 0, detail: `podman healthcheck run: exit ${r.code} ${r.stdout.trim()} ${r.stderr.trim()}`.trim() };
    } else {
      // docker runs the check itself (after the start period, every interval).
      const until = Date.now() + 120_000;
      let status = "";
      while (Date.now() < until) {
        status = (await run(engine, ["inspect", "--format", "{{.State.Health.Status}}", first.name])).stdout.trim();
        if (status === "healthy" || status === "unhealthy") break;
        await sleep(2000);
      }
      hc = { ok: status === "healthy", detail: `docker health status: ${status}` };
    }
    check("the image's HEALTHCHECK command passes", hc.ok, hc.detail);

    // Training through the API, then a prediction from the new champion.
    const auth = { authorization: `Bearer ${token}` };
    const denied = await fetchJson(`${first.base}/train_model`, { method: "POST" });
    check("POST /train_model without the token is refused (401)", denied.status === 401, `HTTP ${denied.status}`);
    const job = await fetchJson(`${first.base}/train_model`, { method: "POST", headers: auth });
    let final = null;
    if (check("POST /train_model with the token starts a job", job.status === 202 && typeof job.body?.job_id === "string", `HTTP ${job.status} ${JSON.stringify(job.body)}`)) {
      const until = Date.now() + 300_000;
      while (Date.now() < until) {
        const s = await fetchJson(`${first.base}/train_model/${job.body.job_id}`, { headers: auth });
        if (s.body?.status === "succeeded" || s.body?.status === "failed") {
          final = s.body;
          break;
        }
        await sleep(1000);
      }
      check("the training job succeeds and promotes its model", final?.status === "succeeded" && final?.promoted === true, JSON.stringify(final));
    }
    const predict = () =>
      fetchJson(`${first.base}/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ reviews: ["A moving, beautifully acted film.", "Dull, clumsy and far too long."] }),
      });
    const p1 = await predict();
    const labels = p1.body?.predictions ?? [];
    check(
      "/predict returns labels from the trained model",
      p1.status === 200 && labels.length === 2 && labels.every((l) => l === "Positive" || l === "Negative") && p1.body?.model_version != null,
      `HTTP ${p1.status} ${JSON.stringify(p1.body)}`,
    );
    const version = p1.body?.model_version;

    // SIGTERM: the engine stops the container; past the drain timeout it would SIGKILL (exit 137).
    const drainMs = drainTimeoutMs();
    const stopSeconds = Math.ceil(drainMs / 1000);
    await mustRun(engine, ["stop", "-t", String(stopSeconds), first.name], { timeoutMs: (stopSeconds + 60) * 1000 });
    const exit = (await mustRun(engine, ["inspect", "--format", "{{.State.ExitCode}}", first.name])).stdout.trim();
    check(`SIGTERM (stop -t ${stopSeconds}, the drain timeout) ends the container with exit code 0`, exit === "0", `exit code ${exit}`);

    // A new container on the same volume serves that champion without training.
    // This one has a read-only root filesystem (only the /data volume is writable), as the
    // Kubernetes manifests run it, and follows the registry every 2 s instead of 30 (for the CLI
    // check below).
    const second = await startContainer("second", { MODEL_REFRESH_SECONDS: "2" }, { readOnlyRoot: true });
    log(`started ${second.name} on ${second.base} (same volume, read-only root filesystem)`);
    try {
      const h2 = await waitHealthy(engine, second.name, second.base);
      const rootWrite = await run(engine, ["exec", second.name, "sh", "-c", "touch /tmp/probe 2>&1; echo rc=$?"]);
      check(
        "a container with a read-only root filesystem starts and serves (only /data writable)",
        /rc=[1-9]/.test(rootWrite.stdout) && h2.status === 200,
        rootWrite.stdout.replace(/\s+/g, " ").trim(),
      );
      const p2 = await fetchJson(`${second.base}/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ reviews: ["A moving, beautifully acted film."] }),
      });
      // Nothing trains at start: the champion comes from the registry on the volume (a new
      // training would have registered a new version).
      check(
        "a new container on the same volume serves the same champion without training",
        h2.body?.models?.tfidf === true && p2.status === 200 && version != null && String(p2.body?.model_version) === String(version),
        `version before ${version}, after ${p2.body?.model_version}; health models ${JSON.stringify(h2.body?.models)}`,
      );

      // The CLI in the image trains and registers a new champion (as a Kubernetes training Job
      // does); the running service picks it up from the registry. The CLI writes artifacts under
      // its working folder (./mlruns), hence -w /data, where MLFLOW_ARTIFACT_ROOT points.
      const cliTrain = await run(engine, [
        "exec", "-w", "/data", second.name,
        "senti-mlops", "train", "--quiet", "--data", "/data/train.csv", "--register", "sentiment-tfidf", "--alias", "champion",
      ], { timeoutMs: 300_000 });
      let served = null;
      if (cliTrain.code === 0) {
        const until = Date.now() + 60_000;
        while (Date.now() < until) {
          const p = await fetchJson(`${second.base}/predict`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ reviews: ["A moving, beautifully acted film."] }),
          });
          served = p.body?.model_version;
          if (p.status === 200 && version != null && served != null && String(served) !== String(version)) break;
          await sleep(1000);
        }
      }
      check(
        "`senti-mlops train --register --alias champion` in the image registers a champion the service then serves",
        cliTrain.code === 0 && served != null && String(served) === String(Number(version) + 1),
        cliTrain.code === 0 ? `service moved from version ${version} to ${served}` : `CLI exit ${cliTrain.code}: ${(cliTrain.stderr || cliTrain.stdout).trim().split("\n").slice(-5).join(" | ")}`,
      );
    } catch (err) {
      check("a new container on the same volume serves the same champion", false, err.message);
      console.log(await containerLogs(engine, second.name));
    }
  } catch (err) {
    check("the container runs", false, err.message);
  }
} catch (err) {
  check("build and start", false, err.message);
}

failed = checks.some((c) => !c.ok);
if (failed) {
  for (const c of containers) {
    console.log(`\n--- logs of ${c} ---`);
    console.log(await containerLogs(engine, c));
  }
}
await cleanup();

// The compose stack (helper tests in test/deploy) on the image built here.
let stackCode = null;
const stackTest = join(repoRoot, "test/deploy/stack.test.ts");
if (!failed && !options.has("--no-stack") && existsSync(stackTest)) {
  log(`running test/deploy/stack.test.ts in compose mode with SENTI_SERVICE_IMAGE=${IMAGE}`);
  stackCode = await new Promise((res) => {
    const child = spawn("npx", ["vitest", "run", "--project", "node", "test/deploy/stack.test.ts"], {
      cwd: repoRoot,
      stdio: "inherit",
      env: { ...engine.env, SENTI_STACK: "compose", SENTI_SERVICE_IMAGE: IMAGE },
    });
    child.on("close", (code) => res(code ?? 1));
  });
  check("test/deploy/stack.test.ts (compose) passes", stackCode === 0, `exit ${stackCode}`);
} else if (failed && existsSync(stackTest)) {
  log("skipping test/deploy/stack.test.ts: the image checks failed");
}

const passed = checks.filter((c) => c.ok).length;
console.log("\n=== test:image summary ===");
console.log(`engine: ${engine.cmd}; image ${IMAGE}: ${Number.isNaN(sizeMb) ? "not built" : `${sizeMb.toFixed(1)} MB`}; build ${buildSeconds.toFixed(1)} s; total ${((Date.now() - started) / 1000).toFixed(1)} s`);
for (const c of checks) console.log(`${c.ok ? "ok  " : "FAIL"} ${c.name}`);
console.log(`${passed} passed, ${checks.length - passed} failed`);
process.exit(checks.every((c) => c.ok) ? 0 : 1);
