/**
 * compose.yaml's promises that the running stack (stack.test.ts) cannot show by working: every
 * published port is on 127.0.0.1 unless the operator says otherwise, the replicas publish nothing
 * (all traffic goes through the load balancer), start-up is health-gated in the right order, every
 * image can be replaced, the MLflow image is the MLflow the tests run (mlflow-server.Dockerfile
 * pins what test/peers/requirements.txt installs into .venv, which the processes-mode stack uses),
 * and deploy/haproxy.cfg is valid for HAProxy and points at the replicas' port.
 *
 * Needs haproxy (installed with apt-get when missing).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { PROJECT_ROOT } from "../peers/python-env.js";
import { ensureHaproxy } from "./host-tools.js";
import { COMPOSE_FILE, HAPROXY_CFG, SERVER_DIR, composeEnvironment, interpolate, readCompose } from "./stack-driver.js";

const compose = readCompose();
const services = compose.services;
const text = readFileSync(COMPOSE_FILE, "utf8");

describe("compose.yaml", () => {
  test("has the stack's services: postgres, minio, mlflow, service (3 replicas by default), lb", () => {
    expect(Object.keys(services).sort()).toEqual(["lb", "minio", "mlflow", "postgres", "service"]);
    expect(interpolate(String(services.service!.deploy?.replicas))).toBe("3");
    // podman-compose (1.6) reads `replicas` only with the mode written out.
    expect(services.service!.deploy?.mode).toBe("replicated");
    expect(interpolate(String(services.service!.deploy?.replicas), { SERVICE_REPLICAS: "5" })).toBe("5");
  });

  test("every published port listens on 127.0.0.1 unless BIND_ADDRESS says otherwise; the replicas publish none", () => {
    const published = Object.entries(services).flatMap(([name, s]) => (s.ports ?? []).map((p) => [name, p] as const));
    expect(published.map(([name]) => name).sort()).toEqual(["lb", "minio", "mlflow"]);
    for (const [name, port] of published) {
      expect(interpolate(port), `${name}: ${port}`).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
      expect(interpolate(port, { BIND_ADDRESS: "0.0.0.0" }), `${name}: ${port}`).toMatch(/^0\.0\.0\.0:\d+:\d+$/);
    }
    expect(services.service!.ports).toBeUndefined();
    // The load balancer answers where the header's commands send requests.
    expect(interpolate(services.lb!.ports![0]!)).toBe("127.0.0.1:5001:5001");
    expect(text).toMatch(/curl -X POST localhost:5001\/predict/);
  });

  test("start-up is health-gated: PostgreSQL and MinIO before MLflow, MLflow before the replicas; each gate has a healthcheck", () => {
    expect(services.mlflow!.depends_on).toEqual({ postgres: { condition: "service_healthy" }, minio: { condition: "service_healthy" } });
    expect(services.service!.depends_on).toEqual({ mlflow: { condition: "service_healthy" } });
    expect(services.postgres!.healthcheck?.test).toEqual(["CMD-SHELL", 'pg_isready -U "$$POSTGRES_USER" -d "$$POSTGRES_DB"']);
    expect(services.minio!.healthcheck?.test).toEqual(["CMD", "mc", "ready", "local"]);
    expect(services.mlflow!.healthcheck?.test?.join(" ")).toContain("http://127.0.0.1:5000/health");
    // Engines that ignore the conditions: the replicas wait for MLflow themselves, and restart.
    expect(Number(composeEnvironment(services.service!).STORE_STARTUP_TIMEOUT_SECONDS)).toBeGreaterThan(0);
    for (const name of ["postgres", "minio", "mlflow", "service", "lb"]) expect(services[name]!.restart, name).toBe("unless-stopped");
  });

  test("every image can be replaced by a variable; the MLflow image's base too", () => {
    const variables = Object.fromEntries(Object.entries(services).map(([name, s]) => [name, /^\$\{([A-Z_]+_IMAGE):-[^}]+\}$/.exec(s.image ?? "")?.[1]]));
    expect(variables).toEqual({ postgres: "POSTGRES_IMAGE", minio: "MINIO_IMAGE", mlflow: "MLFLOW_IMAGE", service: "SERVICE_IMAGE", lb: "HAPROXY_IMAGE" });
    expect(interpolate(services.postgres!.image!)).toBe("postgres:15-bookworm");
    expect(interpolate(services.lb!.image!)).toBe("haproxy:2.6");
    const build = (services.mlflow as { build?: { args?: Record<string, string> } }).build;
    expect(interpolate(build?.args?.PYTHON_IMAGE ?? "")).toMatch(/^python:3\.\d+-slim/);
    expect(readFileSync(join(SERVER_DIR, "mlflow-server.Dockerfile"), "utf8")).toMatch(/^ARG PYTHON_IMAGE=.*\nFROM \$\{PYTHON_IMAGE\}$/m);
  });

  test("MLflow keeps runs and the registry in PostgreSQL (the postgres service's database and user) and artifacts on MinIO", () => {
    const pg = composeEnvironment(services.postgres!);
    const mlflow = composeEnvironment(services.mlflow!);
    expect(mlflow.MLFLOW_BACKEND_STORE_URI).toBe(`postgresql+psycopg://${pg.POSTGRES_USER}:${pg.POSTGRES_PASSWORD}@postgres:5432/${pg.POSTGRES_DB}`);
    // Changing the password in one place changes it in both.
    const env = { POSTGRES_PASSWORD: "another-secret" };
    expect(composeEnvironment(services.mlflow!, env).MLFLOW_BACKEND_STORE_URI).toContain(`:${composeEnvironment(services.postgres!, env).POSTGRES_PASSWORD}@`);
    expect(mlflow.MLFLOW_S3_ENDPOINT_URL).toBe("http://minio:9000");
    const minio = composeEnvironment(services.minio!);
    expect([mlflow.AWS_ACCESS_KEY_ID, mlflow.AWS_SECRET_ACCESS_KEY]).toEqual([minio.MINIO_ROOT_USER, minio.MINIO_ROOT_PASSWORD]);
    const script = (services.mlflow!.command as string[])[2]!;
    expect(script).toContain("--artifacts-destination s3://mlflow/artifacts --serve-artifacts");
    expect(script).toMatch(/--allowed-hosts "mlflow:5000,/);
    // The password stays out of the command line (and so out of the process list).
    expect(script).not.toContain("POSTGRES_PASSWORD");
    expect(composeEnvironment(services.service!).MLFLOW_TRACKING_URI).toBe("http://mlflow:5000");
  });

  test("mlflow-server.Dockerfile installs the MLflow, boto3 and psycopg the tests run (.venv, test/peers/requirements.txt)", () => {
    const dockerfile = readFileSync(join(SERVER_DIR, "mlflow-server.Dockerfile"), "utf8");
    const requirements = readFileSync(join(PROJECT_ROOT, "test", "peers", "requirements.txt"), "utf8");
    for (const name of ["mlflow", "psycopg[binary]"]) {
      const pinned = new RegExp(`^${name.replace(/[[\]]/g, "\\$&")}==(\\S+)$`, "m").exec(requirements)?.[1];
      expect(pinned, name).toBeDefined();
      expect(dockerfile, name).toContain(`${name}==${pinned}`);
    }
    const boto3 = execFileSync(join(PROJECT_ROOT, ".venv", "bin", "python"), ["-c", "import boto3; print(boto3.__version__)"], { encoding: "utf8" }).trim();
    expect(dockerfile).toContain(`boto3==${boto3}`);
  });
});

describe("deploy/haproxy.cfg", () => {
  const cfg = readFileSync(HAPROXY_CFG, "utf8");

  test("is mounted where the haproxy image reads it and is valid for HAProxy", () => {
    expect(services.lb!.volumes).toEqual(["./deploy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro"]);
    const haproxy = ensureHaproxy();
    // As in the container: `service` may not resolve yet (init-addr none), and that is fine.
    execFileSync(haproxy, ["-c", "-f", HAPROXY_CFG], { stdio: "pipe" });
    // And a broken file is refused (the check can fail).
    const dir = mkdtempSync(join(tmpdir(), "senti-haproxy-"));
    try {
      writeFileSync(join(dir, "bad.cfg"), cfg.replace("balance roundrobin", "balance no-such-algorithm"));
      expect(() => execFileSync(haproxy, ["-c", "-f", join(dir, "bad.cfg")], { stdio: "pipe" })).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("checks /health, retries a dropped request on another replica, and finds the replicas by DNS on the service's port", () => {
    expect(cfg).toMatch(/^\s*option httpchk GET \/health$/m);
    expect(cfg).toMatch(/^\s*retry-on .*\bconn-failure\b.*\bempty-response\b/m);
    expect(cfg).toMatch(/^\s*option redispatch 1$/m);
    expect(cfg).toMatch(/^\s*retries [1-9]/m);
    expect(cfg).toMatch(/^\s*http-request disable-l7-retry if \{ path_beg \/train_model \}$/m);
    const template = /^\s*server-template \S+ 1-(\d+) service:(\d+) resolvers engine init-addr none/m.exec(cfg);
    expect(template).not.toBeNull();
    expect(Number(template![1])).toBeGreaterThanOrEqual(Number(interpolate(String(services.service!.deploy?.replicas))));
    expect((services.service as { expose?: string[] }).expose).toEqual([template![2]]);
    expect(cfg).toMatch(/^\s*bind :5001$/m);
  });
});
