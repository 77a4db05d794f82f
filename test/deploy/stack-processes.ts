/**
 * compose.yaml's stack without containers: the same programs started directly on this machine,
 * configured from compose.yaml itself so that the test checks the real file. Host names become
 * 127.0.0.1 and ports free loopback ports; nothing else is changed:
 *
 * - `postgres`: Debian's PostgreSQL 15, initialised as the official image does it from the
 *   service's POSTGRES_USER/PASSWORD/DB (password authentication over TCP), run as the `postgres`
 *   user when the test runs as root (PostgreSQL refuses root), checked with the `pg_isready` of
 *   compose's healthcheck;
 * - `minio`: MinIO built from its Go module (host-tools.ts), with the service's root user;
 * - `mlflow`: the service's own command (bucket creation, then `mlflow server` on the
 *   `postgresql+psycopg://` store from its environment, artifacts proxied to MinIO) with the
 *   project's .venv (mlflow 3.17.2, boto3, psycopg 3.3.9: what mlflow-server.Dockerfile installs);
 * - `service`: `deploy.replicas` processes of the built service with the service's environment;
 * - `lb`: Debian's HAProxy with deploy/haproxy.cfg, its `bind` line moved to a loopback port and its
 *   `server-template` (DNS) line replaced by one `server` line per replica.
 *
 * Everything starts at once, as an engine that ignores health conditions starts it: the replicas
 * wait for MLflow themselves.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sleep, waitGroupGone } from "../peers/process-group.js";
import { MLFLOW_QUIET_ENV, freePort } from "../peers/mlflow-server.js";
import { VENV_DIR } from "../peers/python-env.js";
import { TOKEN, writeTrainingCsv } from "../server/helpers.js";
import { ensureHaproxy, ensureMinio, ensurePostgres } from "./host-tools.js";
import { getJson, startProgram, startService, waitFor, type Program, type ServiceProgram } from "./processes.js";
import { HAPROXY_CFG, composeEnvironment, interpolate, readCompose, type Replica, type Stack } from "./stack-driver.js";

/** Options of {@link startProcessStack}. */
export interface ProcessStackOptions {
  /** Environment of the replicas on top of compose.yaml's (e.g. a short MODEL_REFRESH_SECONDS). */
  serviceEnv?: Record<string, string>;
  /** Rows of SST-2 in the replicas' TRAIN_DATA (the compose file mounts IMDB's 25k). */
  trainRows?: number;
  log?: (line: string) => void;
}

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/** `setpriv` prefix that runs a command as the `postgres` user when this process is root. */
function asPostgres(): { prefix: string[]; uid: number; gid: number } | null {
  if (!isRoot()) return null;
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  return { prefix: ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"], uid, gid };
}

/** Runs `command` (as postgres when root) and returns its output; throws with its output on failure. */
function run(prefix: string[], command: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const [file, ...rest] = [...prefix, command, ...args];
  try {
    return execFileSync(file!, rest, { encoding: "utf8", env, stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed:\n${err.stdout ?? ""}${err.stderr ?? ""}`, { cause: e });
  }
}

/** Starts the stack; stop() stops and removes it. */
export async function startProcessStack(options: ProcessStackOptions = {}): Promise<Stack> {
  const log = options.log ?? (() => {});
  const compose = readCompose();
  const services = compose.services;
  for (const name of ["postgres", "minio", "mlflow", "service", "lb"]) if (!services[name]) throw new Error(`compose.yaml has no service ${name}`);
  const pgBin = ensurePostgres(log);
  const haproxy = ensureHaproxy(log);
  const minioBin = await ensureMinio(log);

  const dir = mkdtempSync(join(tmpdir(), "senti-stack-"));
  chmodSync(dir, 0o755);
  const programs: Program[] = [];
  const everything = () => programs.map((p) => `--- ${p.name} (${p.exit() === null ? "running" : `exited ${p.exit()}`}):\n${p.tail().slice(-3000)}`).join("\n");

  // postgres: initdb as the official image's entrypoint does (superuser POSTGRES_USER with
  // POSTGRES_PASSWORD, trust on the local socket, scram-sha-256 over TCP), then POSTGRES_DB.
  const pgEnv = composeEnvironment(services.postgres!);
  const pgUser = pgEnv.POSTGRES_USER!;
  const pgDb = pgEnv.POSTGRES_DB!;
  const pgPort = await freePort();
  const pgDir = join(dir, "postgres");
  const pgData = join(pgDir, "data");
  const pgSock = join(pgDir, "run");
  mkdirSync(pgSock, { recursive: true });
  writeFileSync(join(pgDir, "pwfile"), `${pgEnv.POSTGRES_PASSWORD}\n`);
  const runAs = asPostgres();
  if (runAs) for (const path of [pgDir, pgSock, join(pgDir, "pwfile")]) chownSync(path, runAs.uid, runAs.gid);
  const prefix = runAs?.prefix ?? [];
  run(prefix, join(pgBin, "initdb"), ["-D", pgData, "-U", pgUser, `--pwfile=${join(pgDir, "pwfile")}`, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C"]);
  let postgres: Program;
  const startPostgres = async () => {
    const [file, ...args] = [...prefix, join(pgBin, "postgres"), "-D", pgData, "-p", String(pgPort), "-k", pgSock, "-c", "listen_addresses=127.0.0.1"];
    postgres = startProgram("postgres", file!, args, { env: { PATH: process.env.PATH, LANG: "C" } });
    programs.push(postgres);
    // compose's healthcheck, pointed at the loopback port.
    const [kind, check] = services.postgres!.healthcheck?.test ?? [];
    if (kind !== "CMD-SHELL" || !/^pg_isready\b/.test(check ?? "")) throw new Error(`compose.yaml's postgres healthcheck is not a pg_isready shell command: ${JSON.stringify(services.postgres!.healthcheck?.test)}`);
    await waitFor(
      "PostgreSQL to accept connections (pg_isready)",
      60_000,
      () => {
        if (postgres.exit() !== null) throw new Error(`postgres exited ${postgres.exit()}`);
        try {
          // The shell expands $POSTGRES_USER and $POSTGRES_DB from the service's environment, as in the container.
          execFileSync("sh", ["-c", `${interpolate(check!)} -h 127.0.0.1 -p ${pgPort}`], { stdio: "ignore", env: { PATH: `${pgBin}:${process.env.PATH}`, ...pgEnv } });
          return true;
        } catch {
          return undefined;
        }
      },
      everything,
    );
  };
  await startPostgres();
  if (pgDb !== "postgres") run(prefix, join(pgBin, "psql"), ["-h", pgSock, "-p", String(pgPort), "-U", pgUser, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", `CREATE DATABASE "${pgDb}"`]);

  // minio
  const minioEnv = composeEnvironment(services.minio!);
  const minioPort = await freePort();
  const minioConsole = await freePort();
  const minioUrl = `http://127.0.0.1:${minioPort}`;
  const minioCommand = services.minio!.command as string[];
  if (minioCommand[0] !== "server") throw new Error(`compose.yaml's minio command is not "server …": ${JSON.stringify(minioCommand)}`);
  const minio = startProgram("minio", minioBin, ["server", join(dir, "minio"), "--address", `127.0.0.1:${minioPort}`, "--console-address", `127.0.0.1:${minioConsole}`], {
    env: { PATH: process.env.PATH, HOME: dir, ...minioEnv, MINIO_UPDATE: "off" },
  });
  programs.push(minio);

  // mlflow: the service's command with its host names and ports made local.
  const mlflowPort = await freePort();
  const mlflowUrl = `http://127.0.0.1:${mlflowPort}`;
  const mlflowCommand = services.mlflow!.command as string[];
  if (mlflowCommand[0] !== "sh" || mlflowCommand[1] !== "-c") throw new Error(`compose.yaml's mlflow command is not sh -c …: ${JSON.stringify(mlflowCommand)}`);
  const script = interpolate(mlflowCommand[2]!).replaceAll("http://minio:9000", minioUrl).replace("--host 0.0.0.0 --port 5000", `--host 127.0.0.1 --port ${mlflowPort}`);
  if (script === interpolate(mlflowCommand[2]!)) throw new Error("compose.yaml's mlflow command no longer has the host names this driver rewrites");
  const mlflowEnv = Object.fromEntries(
    Object.entries(composeEnvironment(services.mlflow!)).map(([k, v]) => [k, v.replaceAll("http://minio:9000", minioUrl).replace("@postgres:5432/", `@127.0.0.1:${pgPort}/`)]),
  );
  if (!/^postgresql\+psycopg:\/\/.*@127\.0\.0\.1:\d+\//.test(mlflowEnv.MLFLOW_BACKEND_STORE_URI ?? "")) {
    throw new Error(`compose.yaml's MLFLOW_BACKEND_STORE_URI is not a postgresql+psycopg URI on postgres:5432: ${mlflowEnv.MLFLOW_BACKEND_STORE_URI}`);
  }
  const mlflowDir = join(dir, "mlflow");
  mkdirSync(mlflowDir);
  const startMlflow = () => {
    const mlflow = startProgram("mlflow", "sh", ["-c", script], {
      cwd: mlflowDir,
      env: { PATH: `${join(VENV_DIR, "bin")}:${process.env.PATH}`, HOME: mlflowDir, ...MLFLOW_QUIET_ENV, ...mlflowEnv },
    });
    programs.push(mlflow);
    return mlflow;
  };
  // MinIO first: the bucket creation at the head of the script needs it (compose's depends_on).
  await waitFor("MinIO to be ready", 60_000, async () => ((await fetch(`${minioUrl}/minio/health/ready`).catch(() => null))?.ok ? true : undefined), everything);
  startMlflow();

  // The replicas start with MLflow not answering yet: they wait and retry.
  const trainData = writeTrainingCsv(dir, options.trainRows ?? 2000);
  const serviceEnv = composeEnvironment(services.service!);
  if (serviceEnv.MLFLOW_TRACKING_URI !== "http://mlflow:5000") throw new Error(`compose.yaml's service MLFLOW_TRACKING_URI is ${serviceEnv.MLFLOW_TRACKING_URI}, not http://mlflow:5000`);
  const replicaCount = Number(interpolate(String(services.service!.deploy?.replicas ?? 1)));
  const env = { ...serviceEnv, MLFLOW_TRACKING_URI: mlflowUrl, API_TOKEN: TOKEN, TRAIN_DATA: trainData, ...options.serviceEnv };
  const ports: number[] = [];
  for (let i = 0; i < replicaCount; i++) ports.push(await freePort());
  const current: ServiceProgram[] = [];
  const startReplica = (i: number) => {
    const program = startService(`service-${i + 1}`, ports[i]!, env);
    programs.push(program);
    current[i] = program;
    return program;
  };
  for (let i = 0; i < replicaCount; i++) startReplica(i);

  // lb: the same haproxy.cfg, bound to loopback, with the replicas' ports instead of DNS.
  const lbPort = await freePort();
  const cfg = readFileSync(HAPROXY_CFG, "utf8");
  const servers = ports.map((port, i) => `    server replica${i + 1} 127.0.0.1:${port}`).join("\n");
  const local = cfg.replace(/^(\s*)bind :5001\s*$/m, `$1bind 127.0.0.1:${lbPort}`).replace(/^\s*server-template .*$/m, servers);
  if (!local.includes(`bind 127.0.0.1:${lbPort}`) || !local.includes("server replica1 ")) throw new Error("deploy/haproxy.cfg has no `bind :5001` or `server-template` line to rewrite");
  const cfgPath = join(dir, "haproxy.cfg");
  writeFileSync(cfgPath, local);
  const lb = startProgram("lb", haproxy, ["-W", "-db", "-f", cfgPath], { env: { PATH: process.env.PATH } });
  programs.push(lb);
  const lbUrl = `http://127.0.0.1:${lbPort}`;

  const stop = async () => {
    await Promise.all(programs.map((p) => p.stop(10_000)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor("MLflow to answer /health", 240_000, async () => ((await getJson(`${mlflowUrl}/health`))?.status === 200 ? true : undefined), everything, 500);
    for (const replica of current) {
      await waitFor(`${replica.name} to answer /health`, 300_000, async () => ((await getJson(`${replica.url}/health`))?.status === 200 ? true : undefined), everything, 500);
    }
    await waitFor("HAProxy to answer /health through a replica", 60_000, async () => ((await getJson(`${lbUrl}/health`))?.status === 200 ? true : undefined), everything, 500);
  } catch (e) {
    await stop();
    throw e;
  }
  log(`stack up: lb ${lbUrl}, mlflow ${mlflowUrl} on postgres 127.0.0.1:${pgPort}, minio ${minioUrl}, replicas ${ports.join(", ")}`);
  const waited = current.map((r) => r.lines.filter((l) => /cannot be reached yet; retrying/.test(String(l.msg))).length);
  log(`start-up retries while MLflow was not answering yet, per replica: ${waited.join(", ")}`);

  const replicas: Replica[] = current.map((_, i) => ({
    name: `service-${i + 1}`,
    url: () => current[i]!.url,
    async kill() {
      const program = current[i]!;
      program.signal("SIGKILL");
      await program.exited;
      await waitGroupGone(program.child.pid!, 5_000);
    },
    // A supervisor's restart: the same command, environment and port.
    async restarted() {
      if (current[i]!.exit() === null) throw new Error(`${current[i]!.name} is still running`);
      startReplica(i);
    },
    logs: () => current[i]!.tail(),
  }));

  return {
    mode: "processes",
    lbUrl,
    mlflowUrl,
    s3: { endpoint: minioUrl, accessKeyId: minioEnv.MINIO_ROOT_USER!, secretAccessKey: minioEnv.MINIO_ROOT_PASSWORD! },
    replicas,
    token: TOKEN,
    async stopPostgres() {
      // SIGINT is PostgreSQL's fast shutdown: MLflow's pooled connections are cut, not waited for.
      postgres.signal("SIGINT");
      await Promise.race([postgres.exited, sleep(30_000)]);
      if (postgres.exit() === null) throw new Error(`PostgreSQL did not stop on SIGINT\n${everything()}`);
    },
    startPostgres,
    logs: everything,
    stop,
  };
}
