/**
 * Starts moto's standalone server (`moto_server`, from the project's .venv, see python-env.ts) on a
 * loopback port as an S3-compatible peer, with request authentication switched on.
 *
 * moto checks SigV4 signatures once its "no-auth" allowance is used up: `INITIAL_NO_AUTH_ACTION_COUNT`
 * is the number of actions it serves unauthenticated, counted from start. We allow exactly the
 * bootstrap calls (for each user: IAM `CreateUser`, `PutUserPolicy`, `CreateAccessKey`), which create
 *
 * - a read-write user (`s3:*` on everything), whose keys are returned as the server's credentials;
 * - a read-only user (`s3:Get*`, `s3:List*`), returned as `readOnly`, to provoke `AccessDenied`.
 *
 * From then on every request must be signed with an existing access key and the right secret (moto
 * recomputes the signature with botocore's SigV4 signer and refuses a mismatch with
 * `SignatureDoesNotMatch`, an unknown key with `InvalidAccessKeyId`, a missing `Authorization`
 * header with 403) and be allowed by the user's IAM policy (`AccessDenied`).
 *
 * The server runs in its own process group; `stop()` signals the group (SIGTERM, then SIGKILL) and
 * waits until no process of it is left.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./mlflow-server.js";
import { VENV_DIR } from "./python-env.js";
import { keepOutputTail, killGroup, sleep, trackGroup, untrackGroup, waitGroupGone } from "./process-group.js";

/** The `moto_server` console script of the project's virtualenv. */
export const MOTO_SERVER_BIN = join(VENV_DIR, "bin", "moto_server");

/** An access key pair. */
export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface S3Server extends S3Credentials {
  /** `http://127.0.0.1:<port>`; use path-style addressing. */
  endpoint: string;
  /** The region to sign for. */
  region: string;
  /** Keys of a user allowed only `s3:Get*` and `s3:List*`. */
  readOnly: S3Credentials;
  /** The pid of the moto process, which is also its process-group id. */
  pid: number;
  /** The last lines the server wrote to stdout/stderr. */
  logTail(): string;
  /** Stops the server and waits for its process group to exit; idempotent. */
  stop(): Promise<void>;
}

export interface S3ServerOptions {
  /** How long to wait for the server to answer. @default 60_000 */
  startTimeoutMs?: number;
}

const REGION = "us-east-1";
const IAM_ACTIONS_PER_USER = 3;
const TAIL_CHARS = 8_000;
/**
 * Starts `moto_server` on a free 127.0.0.1 port, waits until it answers, creates the IAM users and
 * their access keys, and resolves once every further request needs a valid signature.
 *
 * @example
 * ```ts
 * const server = await startS3Server();
 * const client = new S3Client({ endpoint: server.endpoint, region: server.region, forcePathStyle: true,
 *   credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
 * await client.send(new CreateBucketCommand({ Bucket: "artifacts" }));
 * await server.stop();
 * ```
 */
export async function startS3Server(options: S3ServerOptions = {}): Promise<S3Server> {
  if (!existsSync(MOTO_SERVER_BIN)) {
    throw new Error(`${MOTO_SERVER_BIN} is missing: the python-env global setup installs it from test/peers/requirements.txt`);
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return await launch(port, options);
    } catch (e) {
      lastError = e;
      // Another process took the port between freePort() and the bind: try another one.
      if (!/address already in use|Errno 98/i.test(String((e as Error).message))) break;
    }
  }
  throw lastError;
}

async function launch(port: number, options: S3ServerOptions): Promise<S3Server> {
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(MOTO_SERVER_BIN, ["-H", "127.0.0.1", "-p", String(port)], {
    env: {
      ...process.env,
      // The bootstrap IAM calls below are the only unauthenticated actions moto serves.
      INITIAL_NO_AUTH_ACTION_COUNT: String(2 * IAM_ACTIONS_PER_USER),
      PYTHONUNBUFFERED: "1",
    },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pgid = child.pid!;
  trackGroup(pgid);

  const output = keepOutputTail(child, TAIL_CHARS);
  let exited: string | null = null;
  const exitedPromise = new Promise<void>((r) =>
    child.once("exit", (code, signal) => {
      exited = signal ? `signal ${signal}` : `code ${code}`;
      r();
    }),
  );

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      killGroup(pgid, "SIGTERM");
      if (!(await waitGroupGone(pgid, 10_000))) {
        killGroup(pgid, "SIGKILL");
        await waitGroupGone(pgid, 5_000);
      }
      await Promise.race([exitedPromise, sleep(1_000)]);
      untrackGroup(pgid);
      child.stdout!.destroy();
      child.stderr!.destroy();
    })());

  try {
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exited !== null) throw new Error(`moto_server exited (${exited}) before answering ${endpoint}:\n${output.text()}`);
      try {
        // The moto API is not an AWS action: it does not use up the unauthenticated allowance.
        const res = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(2_000) });
        await res.body?.cancel();
        if (res.status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`moto_server did not answer ${endpoint} within ${timeoutMs} ms:\n${output.text()}`);
      await Promise.race([sleep(100), exitedPromise]);
    }
    const readWrite = await createUser(endpoint, "senti-rw", ["s3:*"]);
    const readOnly = await createUser(endpoint, "senti-ro", ["s3:Get*", "s3:List*"]);
    return { endpoint, region: REGION, ...readWrite, readOnly, pid: pgid, logTail: output.text, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Creates an IAM user allowed `actions` on every resource and returns a new access key of it. */
async function createUser(endpoint: string, userName: string, actions: string[]): Promise<S3Credentials> {
  await iam(endpoint, { Action: "CreateUser", UserName: userName });
  await iam(endpoint, {
    Action: "PutUserPolicy",
    UserName: userName,
    PolicyName: "s3",
    PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] }),
  });
  const xml = await iam(endpoint, { Action: "CreateAccessKey", UserName: userName });
  const accessKeyId = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(xml)?.[1];
  const secretAccessKey = /<SecretAccessKey>([^<]+)<\/SecretAccessKey>/.exec(xml)?.[1];
  if (!accessKeyId || !secretAccessKey) throw new Error(`moto CreateAccessKey answered without a key:\n${xml}`);
  return { accessKeyId, secretAccessKey };
}

/**
 * One unauthenticated IAM query-API call. moto routes a request by the service named in the
 * `Authorization` header's credential scope; the signature itself is not checked while the
 * unauthenticated allowance lasts, so a placeholder is enough.
 */
async function iam(endpoint: string, params: Record<string, string>): Promise<string> {
  const res = await fetch(`${endpoint}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded; charset=utf-8",
      authorization: `AWS4-HMAC-SHA256 Credential=bootstrap/20250101/${REGION}/iam/aws4_request, SignedHeaders=host, Signature=unchecked`,
    },
    body: new URLSearchParams({ Version: "2010-05-08", ...params }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`moto IAM ${params.Action} failed with HTTP ${res.status}:\n${text}`);
  return text;
}
