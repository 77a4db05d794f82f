/**
 * compose.yaml run by a container engine: `docker compose` with docker, podman-compose 1.6 (from
 * PyPI, into .cache/podman-compose) with podman. The images compose.yaml does not build come from
 * scripts/image/standin-stack.mjs (the official ones when they can be pulled, stand-ins otherwise);
 * the service's image is SENTI_SERVICE_IMAGE (`npm run test:image` passes the one it built), else
 * it is built here from the Dockerfile. The test changes nothing in compose.yaml: it sets the
 * variables the file reads (free ports, images, a small TRAIN_DATA through SENTI_SHARED_DIR, a
 * short MODEL_REFRESH_SECONDS) and reaches each replica at its container address, which a rootful
 * engine routes from the host.
 */
import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "../peers/mlflow-server.js";
import { PROJECT_ROOT } from "../peers/python-env.js";
import { TOKEN, writeTrainingCsv } from "../server/helpers.js";
import { getJson, waitFor } from "./processes.js";
import { COMPOSE_FILE, SERVER_DIR, composeEnvironment, interpolate, readCompose, type Replica, type Stack } from "./stack-driver.js";

const execFileAsync = promisify(execFile);
const PODMAN_COMPOSE_VERSION = "1.6.0";

interface Engine {
  cmd: "docker" | "podman";
  env: NodeJS.ProcessEnv;
}

/** Options of {@link startComposeStack}. */
export interface ComposeStackOptions {
  /** Replica environment the compose file reads from variables (MODEL_REFRESH_SECONDS, SERVICE_WORKERS). */
  serviceEnv?: Record<string, string>;
  trainRows?: number;
  log?: (line: string) => void;
}

/** Runs a command; resolves with stdout; throws with its output. */
async function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 600_000): Promise<string> {
  try {
    const { stdout } = await execFileAsync(cmd, args, { env, cwd: SERVER_DIR, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(" ")} failed: ${err.message}\n${(err.stdout ?? "").slice(-3000)}\n${(err.stderr ?? "").slice(-3000)}`, { cause: e });
  }
}

/** podman-compose 1.6 in its own venv under .cache (Debian's 1.0.3 substitutes variables wrongly). */
async function podmanCompose(log: (line: string) => void): Promise<string> {
  const venv = join(PROJECT_ROOT, ".cache", "podman-compose", PODMAN_COMPOSE_VERSION);
  const bin = join(venv, "bin", "podman-compose");
  if (existsSync(bin)) return bin;
  log(`installing podman-compose ${PODMAN_COMPOSE_VERSION} from PyPI into ${venv}`);
  await sh("python3", ["-m", "venv", venv], process.env);
  await sh(join(venv, "bin", "pip"), ["install", "--disable-pip-version-check", "-q", `podman-compose==${PODMAN_COMPOSE_VERSION}`], process.env);
  return bin;
}

/** Starts compose.yaml's stack with the engine scripts/image/engine.mjs finds. */
export async function startComposeStack(options: ComposeStackOptions = {}): Promise<Stack> {
  const log = options.log ?? (() => {});
  const engineModule = join(PROJECT_ROOT, "scripts", "image", "engine.mjs");
  const standinModule = join(PROJECT_ROOT, "scripts", "image", "standin-stack.mjs");
  const { detectEngine, nodeBaseImage, build } = (await import(engineModule)) as {
    detectEngine(o: { log: (m: string) => void }): Promise<Engine>;
    nodeBaseImage(e: Engine, o: { log: (m: string) => void }): Promise<string>;
    build(e: Engine, o: { file: string; context: string; tag: string; buildArgs?: Record<string, string>; timeoutMs?: number }): Promise<unknown>;
  };
  const { stackImages } = (await import(standinModule)) as { stackImages(e: Engine, o: { log: (m: string) => void }): Promise<Record<string, string>> };
  const engine = await detectEngine({ log });
  const images = await stackImages(engine, { log });
  let serviceImage = process.env.SENTI_SERVICE_IMAGE;
  if (!serviceImage) {
    serviceImage = "localhost/senti-mlops-service:stack-test";
    log(`SENTI_SERVICE_IMAGE unset: building ${serviceImage} from examples/express-server/Dockerfile`);
    const nodeImage = await nodeBaseImage(engine, { log });
    await build(engine, { file: join(SERVER_DIR, "Dockerfile"), context: PROJECT_ROOT, tag: serviceImage, buildArgs: { NODE_IMAGE: nodeImage }, timeoutMs: 60 * 60_000 });
  }
  const composeCmd = engine.cmd === "docker" ? ["docker", "compose"] : [await podmanCompose(log)];

  // The variables compose.yaml reads; a small training set where it mounts IMDB's split.
  const dir = mkdtempSync(join(tmpdir(), "senti-compose-stack-"));
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, "data", "imdb"), { recursive: true });
  renameSync(writeTrainingCsv(join(dir, "data", "imdb"), options.trainRows ?? 2000), join(dir, "data", "imdb", "train.csv"));
  const project = `senti-stack-${process.pid}`;
  const ports = { SERVICE_PORT: await freePort(), MLFLOW_PORT: await freePort(), MINIO_CONSOLE_PORT: await freePort() };
  const env: NodeJS.ProcessEnv = {
    ...engine.env,
    ...images,
    SERVICE_IMAGE: serviceImage,
    // Rebuilt on every run, from the engine's layer cache when nothing changed.
    MLFLOW_IMAGE: "localhost/senti-mlops-mlflow:stack-test",
    SERVICE_PORT: String(ports.SERVICE_PORT),
    MLFLOW_PORT: String(ports.MLFLOW_PORT),
    MINIO_CONSOLE_PORT: String(ports.MINIO_CONSOLE_PORT),
    SENTI_SHARED_DIR: dir,
    API_TOKEN: TOKEN,
    MODEL_REFRESH_SECONDS: options.serviceEnv?.MODEL_REFRESH_SECONDS ?? "1",
    SERVICE_WORKERS: options.serviceEnv?.WORKERS ?? "1",
  };
  const compose = (args: string[], timeoutMs?: number) => sh(composeCmd[0]!, [...composeCmd.slice(1), "-p", project, "-f", COMPOSE_FILE, ...args], env, timeoutMs);
  const engineRun = (args: string[], timeoutMs?: number) => sh(engine.cmd, args, engine.env, timeoutMs);

  const containers = async (service: string): Promise<string[]> => {
    const out = await engineRun(["ps", "-a", "--filter", `label=com.docker.compose.project=${project}`, "--filter", `label=com.docker.compose.service=${service}`, "--format", "{{.Names}}"]);
    return out.split("\n").map((s) => s.trim()).filter(Boolean).sort();
  };
  const inspect = async (name: string, format: string) => (await engineRun(["inspect", "--format", format, name])).trim();
  const address = (name: string) => inspect(name, "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}").then((s) => s.split(" ")[0]!);
  const logsOf = async (name: string) => {
    try {
      const { stdout, stderr } = await execFileAsync(engine.cmd, ["logs", "--tail", "40", name], { env: engine.env, maxBuffer: 16 * 1024 * 1024 });
      return `${stdout}${stderr}`;
    } catch (e) {
      return `(no logs: ${(e as Error).message})`;
    }
  };
  let lastLogs = "";
  const refreshLogs = async () => {
    const parts: string[] = [];
    for (const service of ["postgres", "minio", "mlflow", "service", "lb"]) {
      for (const name of await containers(service).catch(() => [])) parts.push(`--- ${name}:\n${(await logsOf(name)).slice(-3000)}`);
    }
    lastLogs = parts.join("\n");
    return lastLogs;
  };

  log(`compose (${composeCmd.join(" ")}) project ${project}: building MLflow's image on ${images.PYTHON_IMAGE}`);
  const stop = async () => {
    await compose(["down", "-v", "-t", "10"], 300_000).catch((e: Error) => log(`compose down failed: ${e.message}`));
    rmSync(dir, { recursive: true, force: true });
  };
  const refresher = setInterval(() => void refreshLogs().catch(() => {}), 10_000);
  refresher.unref();
  try {
    await compose(["build", "mlflow"], 60 * 60_000);
    await compose(["up", "-d"], 600_000);
    const mlflowUrl = `http://127.0.0.1:${ports.MLFLOW_PORT}`;
    const lbUrl = `http://127.0.0.1:${ports.SERVICE_PORT}`;
    await waitFor("MLflow to answer /health", 300_000, async () => ((await getJson(`${mlflowUrl}/health`))?.status === 200 ? true : undefined), () => lastLogs, 1_000);
    const names = await containers("service");
    const expected = Number(interpolate(String(readCompose().services.service!.deploy?.replicas ?? 1), env));
    if (names.length !== expected) throw new Error(`expected ${expected} service containers, found ${names.length}: ${names.join(", ")}`);
    const urls = new Map<string, string>();
    for (const name of names) urls.set(name, `http://${await address(name)}:5001`);
    for (const name of names) {
      await waitFor(`${name} to answer /health`, 300_000, async () => ((await getJson(`${urls.get(name)}/health`))?.status === 200 ? true : undefined), () => lastLogs, 1_000);
    }
    await waitFor("HAProxy to answer /health", 120_000, async () => ((await getJson(`${lbUrl}/health`))?.status === 200 ? true : undefined), () => lastLogs, 1_000);
    const minioName = (await containers("minio"))[0]!;
    const minioEnv = composeEnvironment(readCompose().services.minio!);
    const postgresName = (await containers("postgres"))[0]!;

    const replicas: Replica[] = names.map((name) => {
      let restarts = 0;
      return {
        name,
        url: () => urls.get(name)!,
        async kill() {
          // SIGKILL to the container's init from the host: the container dies as in a crash, and
          // its restart policy (not a `stop`, which would disable it) brings it back.
          restarts = Number(await inspect(name, "{{.RestartCount}}"));
          const pid = Number(await inspect(name, "{{.State.Pid}}"));
          process.kill(pid, "SIGKILL");
        },
        async restarted() {
          await waitFor(
            `${name} to be restarted by its restart policy`,
            180_000,
            async () => {
              const [running, count] = (await inspect(name, "{{.State.Running}} {{.RestartCount}}")).split(" ");
              return running === "true" && Number(count) > restarts ? true : undefined;
            },
            () => lastLogs,
            1_000,
          );
          urls.set(name, `http://${await address(name)}:5001`);
        },
        logs: () => lastLogs,
      };
    });

    return {
      mode: "compose",
      lbUrl,
      mlflowUrl,
      s3: { endpoint: `http://${await address(minioName)}:9000`, accessKeyId: minioEnv.MINIO_ROOT_USER!, secretAccessKey: minioEnv.MINIO_ROOT_PASSWORD! },
      replicas,
      token: TOKEN,
      async stopPostgres() {
        await engineRun(["stop", "-t", "30", postgresName]);
      },
      async startPostgres() {
        await engineRun(["start", postgresName]);
        await waitFor("PostgreSQL to accept connections (pg_isready)", 120_000, async () => {
          try {
            await engineRun(["exec", postgresName, "sh", "-c", 'pg_isready -U "$POSTGRES_USER" -d "$POSTGRES_DB"'], 20_000);
            return true;
          } catch {
            return undefined;
          }
        }, () => lastLogs, 1_000);
      },
      // The engine's logs are read every few seconds in the background (failure messages are built synchronously).
      logs: () => lastLogs,
      async stop() {
        clearInterval(refresher);
        await stop();
      },
    };
  } catch (e) {
    clearInterval(refresher);
    await refreshLogs().catch(() => "");
    await stop();
    throw new Error(`${(e as Error).message}\n${lastLogs}`, { cause: e });
  }
}
