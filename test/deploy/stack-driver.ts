/**
 * What the stack test needs from a running stack, whichever way it was started: the load
 * balancer's URL, each replica's own URL, and the few operations the test performs on them (kill a
 * replica as a crash would, have it back as its supervisor would, stop and start PostgreSQL).
 * `processes` (stack-processes.ts) runs compose.yaml's programs directly on this machine;
 * `compose` (stack-compose.ts) runs compose.yaml itself with docker or podman.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../peers/python-env.js";

export const SERVER_DIR = join(PROJECT_ROOT, "examples", "express-server");
export const COMPOSE_FILE = join(SERVER_DIR, "compose.yaml");
export const HAPROXY_CFG = join(SERVER_DIR, "deploy", "haproxy.cfg");

/** One service replica. */
export interface Replica {
  readonly name: string;
  /** Its own URL (not through the load balancer). */
  url(): string;
  /** Kills it with SIGKILL, as a crash would: no drain, connections reset. */
  kill(): Promise<void>;
  /** Resolves when it runs again (restarted by the test as a supervisor would, or by the engine's restart policy). */
  restarted(): Promise<void>;
  /** Its recent log output. */
  logs(): string;
}

/** A running stack. */
export interface Stack {
  readonly mode: "processes" | "compose";
  /** The load balancer, as clients reach it. */
  readonly lbUrl: string;
  /** MLflow's REST API. */
  readonly mlflowUrl: string;
  /** MinIO's S3 API and the root user compose.yaml gives it (to see where MLflow put the artifacts). */
  readonly s3: { readonly endpoint: string; readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly replicas: readonly Replica[];
  /** The bearer token of /train_model the replicas were given. */
  readonly token: string;
  /** Stops PostgreSQL (fast shutdown: open connections are cut). */
  stopPostgres(): Promise<void>;
  /** Starts it again on the same data. */
  startPostgres(): Promise<void>;
  /** Recent logs of every part, for failure messages. */
  logs(): string;
  /** Stops and removes everything. */
  stop(): Promise<void>;
}

/** A compose service as compose.yaml declares it (the fields the drivers read). */
export interface ComposeService {
  image?: string;
  command?: string[] | string;
  environment?: Record<string, string | number>;
  ports?: string[];
  deploy?: { mode?: string; replicas?: number | string };
  healthcheck?: { test?: string[] };
  depends_on?: Record<string, { condition?: string }>;
  restart?: string;
  volumes?: string[];
}

/** compose.yaml, parsed (YAML merge keys applied, as compose applies them). */
export function readCompose(): { services: Record<string, ComposeService> } {
  return parse(readFileSync(COMPOSE_FILE, "utf8"), { merge: true }) as { services: Record<string, ComposeService> };
}

/** Replaces compose's `${VAR:-default}` and `${VAR}` by what compose would with `env` (default: nothing set), and `$$` by `$`. */
export function interpolate(value: string, env: Record<string, string | undefined> = {}): string {
  return value.replace(/\$\$|\$\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\}/g, (all, name: string | undefined, fallback?: string) => {
    if (all === "$$") return "$";
    const set = env[name!];
    return set !== undefined && set !== "" ? set : (fallback ?? "");
  });
}

/** A compose service's environment with the defaults applied. */
export function composeEnvironment(service: ComposeService, env: Record<string, string | undefined> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), env)]));
}
