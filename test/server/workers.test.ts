/**
 * The service as processes: `node examples/express-server/dist/main.js` with `WORKERS` (node:cluster)
 * on an SQLite store. Two workers share the port and one training job at a time; after a promotion
 * every worker serves the new champion; SIGTERM drains them all (exit 0). A job killed with SIGKILL
 * leaves its run RUNNING and its lease held: the next start ends that run FAILED, removes its
 * temporary files and frees the lease.
 *
 * Needs `npm run build` and ../shared/data/sst2.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, test } from "vitest";
import { createTracking } from "../../src/entries/tracking.js";
import { TOKEN, tempDir, trainingEnv, waitForJob, type JobView } from "./helpers.js";
import { killAll, once, startMain as start } from "./service-process.js";

const auth = { authorization: `Bearer ${TOKEN}` };

afterEach(killAll);

describe("WORKERS=2", () => {
  test("one job at a time across the workers; every worker serves the promoted champion; SIGTERM drains both, exit 0", async () => {
    const dir = tempDir();
    const s = await start(
      {
        WORKERS: "2",
        ...trainingEnv(dir, 3000),
        MODEL_REFRESH_SECONDS: "3600",
      },
      /^every worker is listening$/,
    );
    // Each worker logs its own line; the primary's may come first.
    // Bounded, so that a worker that never says so fails with the log instead of the test's timeout
    // (an intermittent 120 s timeout under full-suite load left no clue which step hung).
    const deadline = Date.now() + 60_000;
    while (s.lines.filter((l) => l.msg === "listening").length < 2) {
      if (Date.now() > deadline) throw new Error(`fewer than 2 workers logged "listening" within 60 s:\n${s.lines.map((l) => JSON.stringify(l)).join("\n")}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(new Set(s.lines.filter((l) => l.msg === "listening").map((l) => l.pid)).size).toBe(2);

    // Two connections at once: whichever worker gets the second request answers 409.
    const answers = await Promise.all([once(s.url, "/train_model", "POST", "", auth), once(s.url, "/train_model", "POST", "", auth)]);
    expect(answers.map((r) => r.status).sort()).toEqual([202, 409]);
    const job = answers.find((r) => r.status === 202)!.body as unknown as JobView;
    const done = await waitForJob(s.url, job.job_id);
    expect(done).toMatchObject({ status: "succeeded", promoted: true, registered_model: { version: "1" } });

    // The refresh interval is an hour: only the primary's broadcast makes the other worker load it.
    // Requests on fresh connections alternate between the workers.
    const versions = new Set<unknown>();
    const before = s.lines.length;
    for (let i = 0; i < 8; i++) {
      const r = await once(s.url, "/predict", "POST", JSON.stringify({ reviews: ["a fine film"] }), { "content-type": "application/json" });
      expect(r.status).toBe(200);
      versions.add(r.body.model_version);
    }
    expect([...versions]).toEqual(["1"]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const answeredBy = new Set(s.lines.slice(before).filter((l) => l.msg === "request completed").map((l) => l.pid));
    expect(answeredBy.size).toBe(2);

    s.child.kill("SIGTERM");
    expect(await s.exited).toBe(0);
    expect(s.lines.filter((l) => l.msg === "stopped").length).toBe(3);
  });
});

describe("a job whose process was killed", () => {
  test("the next start ends its run FAILED, removes its temporary files and frees the lease", async () => {
    const dir = tempDir();
    const env = {
      WORKERS: "1",
      ...trainingEnv(dir, 30_000),
    };
    const first = await start(env, /^listening$/);
    const started = await once(first.url, "/train_model", "POST", "", auth);
    expect(started.status).toBe(202);
    const job = started.body as unknown as JobView;
    // Kill it while it trains.
    for (;;) {
      const state = await once(first.url, `/train_model/${job.job_id}`, "GET", "", auth);
      if (state.body.status === "running" && state.body.phase !== "reading") break;
      expect(state.body.status).not.toBe("succeeded");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    first.child.kill("SIGKILL");
    await first.exited;

    const tracking = await createTracking(env.MLFLOW_TRACKING_URI, { artifactRoot: env.MLFLOW_ARTIFACT_ROOT });
    let leftover: string;
    try {
      const run = await tracking.store.getRun(job.run_id!);
      expect(run.info.status).toBe("RUNNING");
      // What an atomic write cut off by the kill leaves beside its target.
      const root = run.info.artifactUri.startsWith("file:") ? fileURLToPath(run.info.artifactUri) : run.info.artifactUri;
      mkdirSync(join(root, "model"), { recursive: true });
      leftover = join(root, "model", "model.bin.0123456789ab.tmp");
      writeFileSync(leftover, "partial");
    } finally {
      await tracking.close();
    }

    const second = await start(env, /^listening$/);
    expect(second.lines.some((l) => l.msg === "ended the run of a training job whose process stopped")).toBe(true);
    const after = await createTracking(env.MLFLOW_TRACKING_URI, { artifactRoot: env.MLFLOW_ARTIFACT_ROOT });
    try {
      const run = await after.store.getRun(job.run_id!);
      expect(run.info.status).toBe("FAILED");
      expect(run.data.tags["senti_mlops.service.abandoned"]).toBe("its process is no longer running");
    } finally {
      await after.close();
    }
    expect(existsSync(leftover)).toBe(false);
    const view = await once(second.url, `/train_model/${job.job_id}`, "GET", "", auth);
    expect(view.body).toMatchObject({ status: "failed", promoted: false, error: { error_code: "ABORTED" } });
    // The lease is free: a new job starts at once (and is left to the shutdown to cancel).
    const next = await once(second.url, "/train_model", "POST", "", auth);
    expect(next.status).toBe(202);
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  });
});
