/**
 * compose.yaml's wiring, run outside Docker with the same programs: the `mlflow` service's own
 * command (read from compose.yaml: bucket creation, then `mlflow server` with
 * `--artifacts-destination s3://mlflow/artifacts --serve-artifacts --allowed-hosts …`) on the
 * project's MLflow (3.17.2, as mlflow-server.Dockerfile pins), moto's S3 server standing in for
 * MinIO, and the service with the `service` entry's environment. Hostnames become 127.0.0.1 and
 * ports free ones; nothing else changes. The service trains, registers and promotes through
 * MLflow, whose proxy writes the model files to S3; a restarted service loads the champion back.
 *
 * Needs `npm run build`, the project's .venv (mlflow, moto: made by the test setup) and
 * ../shared/data/sst2.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { predict } from "senti-mlops";
import { afterAll, beforeAll, expect, test } from "vitest";
import { parse } from "yaml";
import { freePort } from "../peers/mlflow-server.js";
import { VENV_DIR } from "../peers/python-env.js";
import { startS3Server, type S3Server } from "../peers/s3-server.js";
import { SERVER_DIR, TOKEN, post, startTestServer, tempDir, waitForJob, writeTrainingCsv, type TestServer } from "./helpers.js";

interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
}
const compose = parse(readFileSync(join(SERVER_DIR, "compose.yaml"), "utf8"), { merge: true }) as { services: Record<string, ComposeService> };

let dir: string;
let s3: S3Server;
let mlflow: ChildProcess;
let mlflowUrl: string;
let mlflowLog = "";

/** Replaces compose's `${VAR:-default}` by the default. */
const defaults = (value: string) => value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, "$1");

beforeAll(async () => {
  dir = tempDir("senti-compose-");
  s3 = await startS3Server();
  const port = await freePort();
  mlflowUrl = `http://127.0.0.1:${port}`;
  const service = compose.services.mlflow!;
  expect(service.command?.slice(0, 2)).toEqual(["sh", "-c"]);
  const script = service
    .command![2]!.replaceAll("http://minio:9000", s3.endpoint)
    .replace("--host 0.0.0.0 --port 5000", `--host 127.0.0.1 --port ${port}`)
    .replace("sqlite:////mlflow/mlflow.db", `sqlite:///${join(dir, "mlflow.db")}`);
  expect(script).toContain("--artifacts-destination s3://mlflow/artifacts --serve-artifacts");
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(service.environment ?? {})) env[k] = defaults(String(v)).replaceAll("http://minio:9000", s3.endpoint);
  expect(Object.keys(env).sort()).toEqual(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "MLFLOW_S3_ENDPOINT_URL"]);
  mlflow = spawn("sh", ["-c", script], {
    cwd: dir,
    detached: true,
    env: {
      PATH: `${join(VENV_DIR, "bin")}:${process.env.PATH}`,
      HOME: dir,
      ...env,
      // moto's keys instead of MinIO's root user; the region moto signs for.
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      AWS_DEFAULT_REGION: s3.region,
      MLFLOW_DISABLE_TELEMETRY: "true",
      DO_NOT_TRACK: "true",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  mlflow.stdout!.on("data", (c: Buffer) => (mlflowLog = (mlflowLog + c.toString()).slice(-8000)));
  mlflow.stderr!.on("data", (c: Buffer) => (mlflowLog = (mlflowLog + c.toString()).slice(-8000)));
  for (;;) {
    if (mlflow.exitCode !== null) throw new Error(`mlflow exited ${mlflow.exitCode}:\n${mlflowLog}`);
    const ok = await fetch(`${mlflowUrl}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 250));
  }
}, 180_000);

afterAll(async () => {
  if (mlflow?.pid && mlflow.exitCode === null) {
    const exited = new Promise((r) => mlflow.on("exit", r));
    process.kill(-mlflow.pid, "SIGTERM");
    await exited;
  }
  await s3?.stop();
  if (dir) (await import("node:fs")).rmSync(dir, { recursive: true, force: true });
});

function serviceEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(compose.services.service!.environment ?? {})) env[k] = defaults(String(v));
  expect(env.MLFLOW_TRACKING_URI).toBe("http://mlflow:5000");
  return { ...env, MLFLOW_TRACKING_URI: mlflowUrl, API_TOKEN: TOKEN, TRAIN_DATA: writeTrainingCsv(dir, 2000) };
}

test("the service trains, registers and promotes through MLflow; the model files land on S3; a restart loads the champion", async () => {
  let t: TestServer | undefined;
  let again: TestServer | undefined;
  try {
    t = await startTestServer(serviceEnv());
    expect(((await (await fetch(`${t.url}/health`)).json()) as { models: unknown }).models).toEqual({ tfidf: false, bert: false });
    const started = await post(`${t.url}/train_model`, "", { authorization: `Bearer ${TOKEN}`, "content-type": "" });
    const job = await waitForJob(t.url, ((await started.json()) as { job_id: string }).job_id);
    expect(job, `${JSON.stringify(job.error)}\n${mlflowLog}`).toMatchObject({ status: "succeeded", promoted: true, registered_model: { name: "sentiment-tfidf", version: "1" } });

    // MLflow's REST API shows the version and the alias; its proxy put the files in the bucket.
    const version = (await (await fetch(`${mlflowUrl}/api/2.0/mlflow/registered-models/alias?name=sentiment-tfidf&alias=champion`)).json()) as {
      model_version: { version: string; run_id: string };
    };
    expect(version.model_version).toMatchObject({ version: "1", run_id: job.run_id });
    const { S3Client, ListObjectsV2Command } = await import("@aws-sdk/client-s3");
    const client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: "mlflow", Prefix: "artifacts/" }));
    client.destroy();
    const keys = (listed.Contents ?? []).map((o) => o.Key!);
    expect(keys.some((k) => k.includes(job.run_id!) && k.endsWith("/model/MLmodel"))).toBe(true);
    expect(keys.some((k) => k.includes(job.run_id!) && k.endsWith("/model/model.senti"))).toBe(true);

    again = await startTestServer(serviceEnv());
    const info = (await (await fetch(`${again.url}/model_info`)).json()) as { models: { tfidf: unknown } };
    expect(info.models.tfidf).toMatchObject({ loaded: true, uri: "models:/sentiment-tfidf@champion", registered_model: { version: "1" } });
    const reviews = ["This movie was amazing!", "Terrible film, waste of time."];
    const answer = (await (await post(`${again.url}/predict`, { reviews })).json()) as { scores: number[] };
    expect(answer.scores).toEqual((await predict(t.server.models.tfidf.current()!.model, reviews)).map((p) => p.score));
  } finally {
    await again?.stop();
    await t?.stop();
  }
});
