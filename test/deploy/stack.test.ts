/**
 * The stack of examples/express-server/compose.yaml at scale: three service replicas behind
 * HAProxy, one MLflow server on PostgreSQL with artifacts proxied to MinIO.
 *
 * - (a) a model trained through the load balancer is served by all three replicas (each asked
 *   directly) and through the load balancer;
 * - (b) two training requests to two replicas at once: one 202, one 409 (the training lease);
 * - (c) a replica killed with SIGKILL under a bounded load through the load balancer: not one
 *   request fails, and the replica, restarted, serves the champion again;
 * - (d) PostgreSQL stopped: a replica's /health reports `degraded` (its registry check fails) while
 *   predictions go on; started again: every replica is healthy again.
 *
 * SENTI_STACK selects how the stack runs: `processes` (the default; compose.yaml's programs
 * started directly on this machine, see stack-processes.ts) or `compose` (compose.yaml itself with
 * docker or podman, see stack-compose.ts; `npm run test:image` runs it that way).
 *
 * Needs `npm run build`, the project's .venv (mlflow, boto3, psycopg) and ../shared/data/sst2;
 * installs postgresql-15 and haproxy with apt-get when missing and builds MinIO once into .cache/.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { sleep } from "../peers/process-group.js";
import { getJson, stopAll, waitFor } from "./processes.js";
import type { Replica, Stack } from "./stack-driver.js";

const MODE = process.env.SENTI_STACK ?? "processes";
if (MODE !== "processes" && MODE !== "compose") throw new Error(`SENTI_STACK must be "processes" or "compose", got ${JSON.stringify(MODE)}`);

let stack: Stack;
const auth = () => ({ authorization: `Bearer ${stack.token}` });
const REVIEWS = ["A wonderful, moving film.", "Dull and far too long."];

beforeAll(async () => {
  const serviceEnv = { MODEL_REFRESH_SECONDS: "1", WORKERS: "1", SHUTDOWN_TIMEOUT_MS: "5000" };
  const started = Date.now();
  if (MODE === "processes") {
    const { startProcessStack } = await import("./stack-processes.js");
    stack = await startProcessStack({ serviceEnv, log: (line) => console.log(`[stack] ${line}`) });
  } else {
    const { startComposeStack } = await import("./stack-compose.js");
    stack = await startComposeStack({ serviceEnv, log: (line) => console.log(`[stack] ${line}`) });
  }
  console.log(`[stack] ${MODE} stack up in ${Math.round((Date.now() - started) / 1000)} s`);
}, 1_800_000);

afterAll(async () => {
  await stack?.stop();
  await stopAll();
}, 300_000);

/** POST JSON (or nothing) with a timeout; resolves with the status and parsed body. */
async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: "POST",
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Waits for a training job (asked through `url`) to finish; returns its final view. */
function finished(url: string, jobId: string): Promise<Record<string, unknown>> {
  return waitFor(
    `training job ${jobId} to finish`,
    300_000,
    async () => {
      const job = (await getJson(`${url}/train_model/${jobId}`, auth()))?.body;
      return job && job.status !== "queued" && job.status !== "running" ? job : undefined;
    },
    stack.logs,
    500,
  );
}

/** Waits until `url` (a replica or the load balancer) predicts with `version`. */
function serves(what: string, url: string, version: string): Promise<true> {
  return waitFor(
    `${what} to serve version ${version}`,
    60_000,
    async () => {
      const r = await post(`${url}/predict`, { reviews: REVIEWS }).catch(() => null);
      return r?.status === 200 && r.body.model_version === version ? true : undefined;
    },
    stack.logs,
    250,
  );
}

const champion = async () => {
  const r = await getJson(`${stack.mlflowUrl}/api/2.0/mlflow/registered-models/alias?name=sentiment-tfidf&alias=champion`);
  return (r?.body?.model_version as { version?: string } | undefined)?.version;
};

describe(`the compose stack (${MODE})`, () => {
  test("(a) a model trained through the load balancer is served by every replica and through the load balancer", async () => {
    expect(stack.replicas).toHaveLength(3);
    const started = await post(`${stack.lbUrl}/train_model`, undefined, auth());
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    // Any replica answers for the job (from its run in the store), so polling through the load balancer works.
    const job = await finished(stack.lbUrl, String(started.body.job_id));
    expect(job, stack.logs()).toMatchObject({ status: "succeeded", promoted: true, registered_model: { name: "sentiment-tfidf", version: "1" } });
    expect(await champion()).toBe("1");
    // MLflow proxied the model files to MinIO (the replicas never talk to S3 themselves).
    const { S3Client, ListObjectsV2Command } = await import("@aws-sdk/client-s3");
    const { endpoint, accessKeyId, secretAccessKey } = stack.s3;
    const client = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
    try {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: "mlflow", Prefix: "artifacts/" }));
      const keys = (listed.Contents ?? []).map((o) => o.Key!);
      expect(keys.filter((k) => k.includes(String(job.run_id))).map((k) => k.split("/").pop()), keys.join("\n")).toEqual(expect.arrayContaining(["MLmodel", "model.senti"]));
    } finally {
      client.destroy();
    }
    for (const replica of stack.replicas) await serves(replica.name, replica.url(), "1");
    for (let i = 0; i < 6; i++) {
      const r = await post(`${stack.lbUrl}/predict`, { reviews: REVIEWS });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ model_version: "1", predictions: ["Positive", "Negative"] });
    }
  }, 600_000);

  test("(b) two training requests to two replicas at once: one 202, one 409 naming the running job", async () => {
    const [one, two] = stack.replicas as [Replica, Replica, Replica];
    const answers = await Promise.all([one, two].map((r) => post(`${r.url()}/train_model`, { promotion_policy: "always" }, auth())));
    expect(answers.map((a) => a.status).sort(), JSON.stringify(answers.map((a) => a.body))).toEqual([202, 409]);
    const winner = answers.find((a) => a.status === 202)!;
    const loser = answers.find((a) => a.status === 409)!;
    expect(loser.body.error_code).toBe("RESOURCE_CONFLICT");
    expect(String(loser.body.message)).toContain(String(winner.body.job_id));
    const job = await finished(stack.lbUrl, String(winner.body.job_id));
    expect(job, stack.logs()).toMatchObject({ status: "succeeded", promoted: true, registered_model: { version: "2" } });
    for (const replica of stack.replicas) await serves(replica.name, replica.url(), "2");
  }, 600_000);

  test("(c) a replica killed under load through the load balancer: 0 failed requests; restarted, it serves the champion", async () => {
    const victim = stack.replicas[2]!;
    const DURATION_MS = 8_000;
    const MAX_REQUESTS = 20_000;
    const CONCURRENCY = 8;
    let sent = 0;
    let ok = 0;
    const failures: string[] = [];
    const versions = new Set<string>();
    const until = Date.now() + DURATION_MS;
    const loop = async () => {
      while (Date.now() < until && sent < MAX_REQUESTS) {
        sent++;
        try {
          const r = await post(`${stack.lbUrl}/predict`, { reviews: REVIEWS });
          if (r.status === 200) {
            ok++;
            versions.add(String(r.body.model_version));
          } else failures.push(`HTTP ${r.status}: ${JSON.stringify(r.body).slice(0, 200)}`);
        } catch (e) {
          failures.push(`${(e as Error).name}: ${(e as Error).message} ${String((e as { cause?: unknown }).cause ?? "")}`);
        }
      }
    };
    const load = Promise.all(Array.from({ length: CONCURRENCY }, loop));
    await sleep(2_000);
    expect(sent, "the load had not started").toBeGreaterThan(0);
    // The victim was taking its share of the load: its death has requests in flight to lose.
    const metrics = await fetch(`${victim.url()}/metrics`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.text());
    const predicted = [...metrics.matchAll(/^predictions_total\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(predicted, `${victim.name} got no prediction from the load balancer before the kill`).toBeGreaterThan(0);
    const sentBeforeKill = sent;
    await victim.kill();
    await load;
    console.log(`[stack] (c) ${sent} requests in ${DURATION_MS} ms through the load balancer (${sentBeforeKill} before the kill), ${ok} answered 200, ${failures.length} failed`);
    expect(failures, `${failures.slice(0, 10).join("\n")}\n${stack.logs()}`).toEqual([]);
    expect(ok).toBe(sent);
    expect(sent).toBeGreaterThan(sentBeforeKill);
    expect([...versions]).toEqual(["2"]);
    await victim.restarted();
    await waitFor(`${victim.name} to answer /health again`, 300_000, async () => ((await getJson(`${victim.url()}/health`))?.status === 200 ? true : undefined), stack.logs, 500);
    await serves(`${victim.name} (restarted)`, victim.url(), "2");
  }, 600_000);

  test("(d) PostgreSQL stopped: a replica reports degraded and keeps predicting; started again: every replica is healthy", async () => {
    const watched = stack.replicas[0]!;
    type Health = { status: string; problems?: string[] };
    await waitFor("every replica to be healthy first", 60_000, async () => {
      for (const r of stack.replicas) if (((await getJson(`${r.url()}/health`))?.body as Health | undefined)?.status !== "healthy") return undefined;
      return true;
    }, stack.logs);
    await stack.stopPostgres();
    const degraded = await waitFor(
      `${watched.name} to report degraded`,
      120_000,
      async () => {
        const h = (await getJson(`${watched.url()}/health`))?.body as Health | undefined;
        return h?.status === "degraded" ? h : undefined;
      },
      stack.logs,
      500,
    );
    expect(degraded.problems?.join(" ")).toMatch(/refresh: the registry could not be reached/);
    // Still serving its model, directly and through the load balancer.
    for (const url of [watched.url(), stack.lbUrl]) {
      const r = await post(`${url}/predict`, { reviews: REVIEWS });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.model_version).toBe("2");
    }
    await stack.startPostgres();
    for (const replica of stack.replicas) {
      await waitFor(`${replica.name} to be healthy again`, 180_000, async () => (((await getJson(`${replica.url()}/health`))?.body as Health | undefined)?.status === "healthy" ? true : undefined), stack.logs, 500);
    }
    expect(await champion()).toBe("2");
  }, 600_000);
});
