/**
 * The Kubernetes manifests of examples/express-server/k8s, checked without a cluster:
 *
 * 1. Every manifest validates, strictly (an unknown field fails), against the API schemas of the
 *    oldest and the newest Kubernetes version they are meant for, with `kubernetes-validate` from the
 *    project's .venv (it ships the schemas: nothing is downloaded). A deliberately broken copy must
 *    fail the same check, so the check itself is known to bite.
 * 2. What a schema cannot know, read with a YAML parser: the probes, the security context, the
 *    resources, the HPA's target, the Services' selectors, the Secrets and ConfigMaps referenced,
 *    the service's variables (each one its config.ts knows, with values it accepts), and the
 *    kustomization.
 * 3. What the pods would run, run here from the manifests' own command lines and environments:
 *    PostgreSQL set up as the StatefulSet's variables say (Debian's PostgreSQL 15, ready by the
 *    probe's own command); MinIO from the StatefulSet's args and Secret (built from its Go
 *    module, see host-tools.ts; ready by its readiness probe's path); MLflow's init container
 *    creating the bucket on it and `mlflow server` with the container's flags (on that PostgreSQL with the Secret's
 *    user and password as PGUSER/PGPASSWORD, artifacts proxied to the bucket); the init
 *    containers' download script, before and after the training data is uploaded as README.md
 *    says; the service with the Deployment's environment (alive but not ready without a model);
 *    and the training Job's exact command, which registers a version with the alias champion that
 *    the running service then serves. Only what cannot be the same outside a cluster is mapped:
 *    `http://mlflow:5000`, `http://minio:9000` and `postgres:5432` to the local servers, MinIO's and
 *    MLflow's listen addresses and ports, MinIO's and PostgreSQL's volumes and `/data/train` to temp
 *    folders, `/app/bin/senti-mlops.js` to this repository's bin/, the Secrets to test
 *    values, HOST/PORT to 127.0.0.1 and a free port, and MODEL_REFRESH_SECONDS to 1 s (the test
 *    waits for a refresh).
 *
 * Needs `npm run build`, the project's .venv (kubernetes-validate, mlflow, boto3), PostgreSQL 15
 * (installed with apt-get when missing) and MinIO (built once into .cache/, see host-tools.ts) and ../shared/data/sst2.
 */
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseAllDocuments } from "yaml";
import { loadConfig } from "../../examples/express-server/src/config.js";
import { createTracking } from "../../src/entries/tracking.js";
import { freePort, MLFLOW_BIN, MLFLOW_QUIET_ENV } from "../peers/mlflow-server.js";
import { PROJECT_ROOT, VENV_DIR, VENV_PYTHON } from "../peers/python-env.js";
import { SERVER_DIR, TOKEN, writeTrainingCsv } from "../server/helpers.js";
import { once } from "../server/service-process.js";
import { ensureMinio, ensurePostgres } from "./host-tools.js";
import { getJson, startProgram, startService, stopAll, waitFor, type Program } from "./processes.js";

const K8S_DIR = join(SERVER_DIR, "k8s");
const VALIDATE = join(VENV_DIR, "bin", "kubernetes-validate");
/** The oldest Kubernetes release the manifests are meant for (preStop `sleep` is on by default since 1.30) and the newest the validator knows. */
const KUBERNETES_VERSIONS = ["1.32.0", "1.37.0"] as const;
const NAMESPACE = "senti-mlops";

const run = promisify(execFile);

/** A Kubernetes object as parsed from YAML, checked field by field. */
type Json = Record<string, any>;

/** The manifest files: every YAML file of k8s/ but the kustomization. */
const manifestFiles = readdirSync(K8S_DIR)
  .filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml")
  .sort();

function parseYaml(path: string): Json[] {
  const docs = parseAllDocuments(readFileSync(path, "utf8"));
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) if (doc.errors.length) throw new Error(`${path}: ${doc.errors.map((e) => e.message).join("; ")}`);
  return list.map((doc) => doc.toJS() as Json).filter((o) => o !== null);
}

/** Every object of every manifest. */
const objects = manifestFiles.flatMap((file) => parseYaml(join(K8S_DIR, file)));

function find(kind: string, name: string): Json {
  const found = objects.find((o) => o.kind === kind && (o.metadata?.name ?? o.metadata?.generateName) === name);
  if (!found) throw new Error(`no ${kind} ${name} in ${K8S_DIR}`);
  return found;
}

const deployment = find("Deployment", "senti-mlops");
const serviceContainer = (deployment.spec.template.spec.containers as Json[]).find((c) => c.name === "service")!;
const job = find("Job", "senti-mlops-train-");
const trainContainer = (job.spec.template.spec.containers as Json[]).find((c) => c.name === "train")!;
const trainingData = find("ConfigMap", "senti-mlops-training-data");
const mlflowDeployment = find("Deployment", "mlflow");

/** Pod templates of the workloads (Deployment, StatefulSet, Job), named `Kind/name`. */
const podTemplates = objects
  .filter((o) => ["Deployment", "StatefulSet", "Job"].includes(o.kind))
  .map((o) => ({ owner: `${o.kind}/${o.metadata.name ?? o.metadata.generateName}`, object: o, template: o.spec.template as Json }));

/**
 * Runs kubernetes-validate (strict) on `file` for one Kubernetes version. It reports each document
 * on its own line and exits non-zero on a schema error, but an unknown kind is only a warning and a
 * document it cannot read only an error line: so every document must be reported as passed.
 */
async function validate(file: string, version: string): Promise<void> {
  const documents = parseYaml(file).length;
  let output: string;
  try {
    const { stdout, stderr } = await run(VALIDATE, ["--strict", "-k", version, file], { timeout: 120_000 });
    output = stdout + stderr;
  } catch (e) {
    const failure = e as { stdout?: string; stderr?: string; code?: number };
    throw new Error(`kubernetes-validate ${version} failed (exit ${failure.code}) on ${file}:\n${failure.stdout ?? ""}${failure.stderr ?? ""}`);
  }
  const passed = output.split("\n").filter((l) => l.includes(" passed for resource ")).length;
  if (passed !== documents || /^(WARN|ERROR)/m.test(output)) {
    throw new Error(`kubernetes-validate ${version}: ${passed} of ${documents} documents of ${file} passed:\n${output}`);
  }
}

/** A copy of the file whose name is `generateName` + "example": the API server names such objects itself, the validator needs a name. */
function withGeneratedNames(file: string, dir: string): string {
  const text = readFileSync(file, "utf8");
  if (!/^\s*generateName:/m.test(text)) return file;
  const copy = join(dir, `named-${file.split("/").pop()}`);
  writeFileSync(copy, text.replace(/^(\s*)generateName:\s*(\S+)\s*$/m, "$1name: $2example"));
  return copy;
}

/** A Kubernetes quantity (`250m`, `2`, `512Mi`, `1Gi`) as a number of cores or bytes. */
function quantity(value: unknown): number {
  const match = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti)?$/.exec(String(value));
  if (!match) throw new Error(`not a quantity this test reads: ${String(value)}`);
  const factor = { m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 }[match[2] ?? ""] ?? 1;
  return Number(match[1]) * factor;
}

/** The variables the service reads: the keys of config.ts's environment schema. */
function configVariables(): Set<string> {
  const source = readFileSync(join(SERVER_DIR, "src", "config.ts"), "utf8");
  const start = source.indexOf("const envSchema = z.object({");
  const end = source.indexOf("\n});", start);
  expect(start, "config.ts declares envSchema").toBeGreaterThan(0);
  return new Set([...source.slice(start, end).matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!));
}

function envValue(container: Json, name: string): string {
  const entry = (container.env as Json[]).find((e) => e.name === name);
  if (!entry || typeof entry.value !== "string") throw new Error(`${container.name} sets no literal ${name}`);
  return entry.value;
}

describe("offline validation with kubernetes-validate", () => {
  let scratch: string;
  beforeAll(() => {
    expect(existsSync(VALIDATE), `${VALIDATE} is missing: the python-env global setup installs it from test/peers/requirements.txt`).toBe(true);
    scratch = mkdtempSync(join(tmpdir(), "senti-k8s-"));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test("every manifest passes strict validation for each pinned Kubernetes version", async () => {
    expect(manifestFiles).toEqual(["minio.yaml", "mlflow.yaml", "namespace.yaml", "postgres.yaml", "service.yaml", "training-data.yaml", "training-job.yaml"]);
    for (const version of KUBERNETES_VERSIONS) {
      for (const file of manifestFiles) await validate(withGeneratedNames(join(K8S_DIR, file), scratch), version);
    }
  });

  test("a broken manifest fails: an unknown field, a wrong type, an unknown kind, a missing required field", async () => {
    const original = readFileSync(join(K8S_DIR, "service.yaml"), "utf8");
    const broken: [string, string, RegExp][] = [
      ["unknown field", original.replace("readinessProbe:", "readinessProbee:"), /'readinessProbee' was unexpected/],
      ["wrong type", original.replace("replicas: 3", "replicas: three"), /'three' is not of type 'integer'/],
      ["unknown kind", original.replace("kind: HorizontalPodAutoscaler", "kind: HorizontalPodScaler"), /3 of 4 documents|Couldn't find schema/],
      ["missing field", original.replace(/^ {2}scaleTargetRef:\n(?: {4}.*\n)+/m, ""), /'scaleTargetRef' is a required property/],
    ];
    for (const [what, text, message] of broken) {
      expect(text, `the ${what} mutation changed the file`).not.toBe(original);
      const path = join(scratch, `broken-${what.replace(/ /g, "-")}.yaml`);
      writeFileSync(path, text);
      await expect(validate(path, KUBERNETES_VERSIONS[0]), what).rejects.toThrow(message);
    }
    // The intact copy passes, so the failures above come from the mutations.
    copyFileSync(join(K8S_DIR, "service.yaml"), join(scratch, "intact.yaml"));
    await validate(join(scratch, "intact.yaml"), KUBERNETES_VERSIONS[0]);
  });
});

describe("what the schemas cannot check", () => {
  test("kustomization.yaml lists every manifest but the training Job, and overrides only images the pods use", () => {
    const [kustomization] = parseYaml(join(K8S_DIR, "kustomization.yaml"));
    expect(kustomization!.kind).toBe("Kustomization");
    expect(kustomization!.apiVersion).toBe("kustomize.config.k8s.io/v1beta1");
    // Only these fields: any other would transform the manifests in ways this test does not check.
    expect(Object.keys(kustomization!).sort()).toEqual(["apiVersion", "images", "kind", "resources"]);
    for (const entry of kustomization!.images as Json[]) expect(Object.keys(entry).every((k) => ["name", "newName", "newTag", "digest"].includes(k)), JSON.stringify(entry)).toBe(true);
    expect([...kustomization!.resources].sort()).toEqual(manifestFiles.filter((f) => f !== "training-job.yaml"));
    const images = new Set(podTemplates.flatMap(({ template }) => [...template.spec.containers, ...(template.spec.initContainers ?? [])].map((c: Json) => String(c.image).split(":")[0])));
    for (const entry of kustomization!.images as Json[]) expect(images.has(entry.name), `kustomization image ${entry.name} is used by a pod`).toBe(true);
  });

  test("one namespace for all, which enforces the restricted Pod Security Standard", () => {
    const namespace = find("Namespace", NAMESPACE);
    expect(namespace.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    for (const o of objects.filter((x) => x.kind !== "Namespace")) expect(o.metadata.namespace, `${o.kind} ${o.metadata.name ?? o.metadata.generateName}`).toBe(NAMESPACE);
  });

  test("every pod: non-root, seccomp RuntimeDefault, no service links or API token; every container: read-only root, no escalation, no capabilities, requests ≤ limits", () => {
    expect(podTemplates.map((p) => p.owner).sort()).toEqual(["Deployment/mlflow", "Deployment/senti-mlops", "Job/senti-mlops-train-", "StatefulSet/minio", "StatefulSet/postgres"]);
    for (const { owner, object, template } of podTemplates) {
      const pod = template.spec;
      expect(pod.securityContext, owner).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
      expect(pod.securityContext.runAsUser, owner).toBeGreaterThan(0);
      expect(pod.enableServiceLinks, `${owner}: service links off (they would set MLFLOW_PORT=tcp://… and the like)`).toBe(false);
      expect(pod.automountServiceAccountToken, owner).toBe(false);
      const volumes = new Map<string, Json>((pod.volumes ?? []).map((v: Json) => [v.name, v]));
      for (const claim of (object.spec.volumeClaimTemplates ?? []) as Json[]) volumes.set(claim.metadata.name, claim);
      for (const container of [...(pod.initContainers ?? []), ...pod.containers] as Json[]) {
        const where = `${owner} container ${container.name}`;
        expect(container.securityContext, where).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ["ALL"] },
          seccompProfile: { type: "RuntimeDefault" },
        });
        for (const resource of ["cpu", "memory"]) {
          const request = container.resources?.requests?.[resource];
          const limit = container.resources?.limits?.[resource];
          expect(request, `${where} requests ${resource}`).toBeDefined();
          expect(limit, `${where} limits ${resource}`).toBeDefined();
          expect(quantity(request), `${where}: ${resource} request ≤ limit`).toBeLessThanOrEqual(quantity(limit));
        }
        for (const mount of (container.volumeMounts ?? []) as Json[]) expect(volumes.has(mount.name), `${where} mounts a declared volume ${mount.name}`).toBe(true);
      }
    }
  });

  test("the service: uid 1000 as in the image, a writable /tmp, WORKERS = its CPU limit, a grace period longer than preStop + drain", () => {
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext.runAsUser).toBe(1000);
    expect(serviceContainer.securityContext.runAsUser).toBe(1000);
    const mounts = new Map<string, Json>((serviceContainer.volumeMounts as Json[]).map((m) => [m.mountPath, m]));
    const volumes = new Map<string, Json>((pod.volumes as Json[]).map((v) => [v.name, v]));
    expect(volumes.get(mounts.get("/tmp")!.name)!.emptyDir, "/tmp is an emptyDir").toBeDefined();
    expect(Number(envValue(serviceContainer, "WORKERS"))).toBe(quantity(serviceContainer.resources.limits.cpu));
    const preStop = serviceContainer.lifecycle.preStop.sleep.seconds as number;
    const drain = Number(envValue(serviceContainer, "SHUTDOWN_TIMEOUT_MS")) / 1000;
    expect(pod.terminationGracePeriodSeconds, "room to cancel a job and close the store after the drain").toBeGreaterThanOrEqual(preStop + drain + 5);
    // The startup probe outlasts the service's own wait for MLflow, so liveness never kills a start that is waiting.
    const startup = serviceContainer.startupProbe;
    expect(startup.periodSeconds * startup.failureThreshold).toBeGreaterThan(Number(envValue(serviceContainer, "STORE_STARTUP_TIMEOUT_SECONDS")));
    expect(deployment.spec.replicas).toBe(3);
  });

  test("the service's probes: startup and liveness on /health, readiness on /ping, on the port it listens on", () => {
    const port = serviceContainer.ports.find((p: Json) => p.name === "http");
    expect(port.containerPort).toBe(Number(envValue(serviceContainer, "PORT")));
    expect(serviceContainer.startupProbe.httpGet).toEqual({ path: "/health", port: "http" });
    expect(serviceContainer.livenessProbe.httpGet).toEqual({ path: "/health", port: "http" });
    expect(serviceContainer.readinessProbe.httpGet).toEqual({ path: "/ping", port: "http" });
    // That these routes answer as the probes need (/ping only with a model) is run below.
  });

  test("every variable the service container sets is one config.ts reads, with a value it accepts; the token comes from a Secret", () => {
    const known = configVariables();
    // The parse found the schema's variables, not a fragment of them.
    expect(known.size).toBeGreaterThan(20);
    for (const name of ["HOST", "PORT", "MLFLOW_TRACKING_URI", "API_TOKEN", "STORE_STARTUP_TIMEOUT_SECONDS"]) expect(known.has(name), name).toBe(true);
    const env: Record<string, string> = {};
    for (const entry of serviceContainer.env as Json[]) {
      expect(known.has(entry.name), `${entry.name} is a variable of examples/express-server/src/config.ts`).toBe(true);
      if (entry.valueFrom) {
        expect(entry.valueFrom.secretKeyRef, `${entry.name} comes from a Secret`).toMatchObject({ name: expect.any(String), key: expect.any(String) });
        env[entry.name] = TOKEN;
      } else env[entry.name] = entry.value;
    }
    expect((serviceContainer.env as Json[]).find((e) => e.name === "API_TOKEN")!.valueFrom.secretKeyRef).toEqual({ name: "senti-mlops-api-token", key: "api-token" });
    const config = loadConfig(env);
    expect(config.trackingUri).toBe("http://mlflow:5000");
    expect(config.workers).toBe(2);
    expect(config.modelRefreshSeconds).toBeGreaterThan(0);
    expect(config.trainData).toBe("/data/train/train.csv");
  });

  test("no Secret is shipped, no credential is written as a literal, and the README says how to create each Secret referenced", () => {
    expect(objects.filter((o) => o.kind === "Secret")).toEqual([]);
    const readme = readFileSync(join(K8S_DIR, "README.md"), "utf8");
    const referenced = new Map<string, Set<string>>();
    for (const { owner, template } of podTemplates) {
      for (const container of [...(template.spec.initContainers ?? []), ...template.spec.containers] as Json[]) {
        for (const entry of (container.env ?? []) as Json[]) {
          if (/PASSWORD|SECRET|TOKEN|ACCESS_KEY/.test(entry.name)) expect(entry.value, `${owner} ${container.name}: ${entry.name} is not a literal`).toBeUndefined();
          const ref = entry.valueFrom?.secretKeyRef;
          if (ref) referenced.set(ref.name, (referenced.get(ref.name) ?? new Set()).add(ref.key));
        }
      }
    }
    expect([...referenced.keys()].sort()).toEqual(["senti-mlops-api-token", "senti-mlops-postgres", "senti-mlops-s3"]);
    for (const [name, keys] of referenced) {
      const command = new RegExp(`kubectl -n ${NAMESPACE} create secret generic ${name}((?:\\\\\\n|[^\\n])*)`).exec(readme);
      expect(command, `README.md creates Secret ${name}`).not.toBeNull();
      for (const key of keys) expect(command![1], `README.md's Secret ${name} has key ${key}`).toContain(`--from-literal=${key}=`);
    }
  });

  test("ConfigMap references name a key the ConfigMap has", () => {
    const keys = new Set(Object.keys(trainingData.data));
    for (const { owner, template } of podTemplates) {
      for (const container of [...(template.spec.initContainers ?? []), ...template.spec.containers] as Json[]) {
        for (const entry of (container.env ?? []) as Json[]) {
          const ref = entry.valueFrom?.configMapKeyRef;
          if (!ref) continue;
          expect(ref.name, owner).toBe(trainingData.metadata.name);
          expect(keys.has(ref.key), `${owner}: key ${ref.key}`).toBe(true);
        }
      }
      for (const volume of (template.spec.volumes ?? []) as Json[]) {
        if (!volume.configMap) continue;
        expect(volume.configMap.name, owner).toBe(trainingData.metadata.name);
        for (const item of volume.configMap.items as Json[]) expect(keys.has(item.key), `${owner}: item ${item.key}`).toBe(true);
      }
    }
  });

  test("each Service selects the pods of one workload, on ports those pods name", () => {
    for (const service of objects.filter((o) => o.kind === "Service")) {
      const selector = service.spec.selector as Record<string, string>;
      const matching = podTemplates.filter(({ owner, template }) => !owner.startsWith("Job/") && Object.entries(selector).every(([k, v]) => template.metadata.labels[k] === v));
      expect(matching.length, `Service ${service.metadata.name} selects one workload`).toBe(1);
      const ports = new Set(matching[0]!.template.spec.containers.flatMap((c: Json) => (c.ports ?? []).map((p: Json) => p.name)));
      for (const port of service.spec.ports as Json[]) expect(ports.has(port.targetPort), `Service ${service.metadata.name} port ${port.targetPort}`).toBe(true);
    }
    // Every workload's selector matches its own pod labels.
    for (const { owner, object, template } of podTemplates.filter((p) => !p.owner.startsWith("Job/"))) {
      for (const [k, v] of Object.entries(object.spec.selector.matchLabels as Record<string, string>)) expect(template.metadata.labels[k], owner).toBe(v);
    }
    // The StatefulSets' governing Services exist.
    for (const set of objects.filter((o) => o.kind === "StatefulSet")) find("Service", set.spec.serviceName);
  });

  test("the HPA scales the service Deployment on CPU from its replica count; the PDB covers the same pods", () => {
    const hpa = find("HorizontalPodAutoscaler", "senti-mlops");
    expect(hpa.apiVersion).toBe("autoscaling/v2");
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name });
    expect(hpa.spec.minReplicas).toBe(deployment.spec.replicas);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
    expect(hpa.spec.metrics).toEqual([{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: expect.any(Number) } } }]);
    const pdb = find("PodDisruptionBudget", "senti-mlops");
    expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
  });

  test("the service, the Job and the training data all reach MLflow as mlflow:5000, which MLflow answers to", () => {
    const mlflowService = find("Service", "mlflow");
    expect(mlflowService.spec.ports.map((p: Json) => p.port)).toEqual([5000]);
    expect(envValue(serviceContainer, "MLFLOW_TRACKING_URI")).toBe("http://mlflow:5000");
    expect(trainContainer.args).toContain("--tracking-uri=http://mlflow:5000");
    expect(new URL(trainingData.data.url as string).host).toBe("mlflow:5000");
    const command = (mlflowDeployment.spec.template.spec.containers as Json[]).find((c) => c.name === "mlflow")!.command as string[];
    const allowed = command.find((a) => a.startsWith("--allowed-hosts="))!.slice("--allowed-hosts=".length).split(",");
    expect(allowed).toContain("mlflow:5000");
    expect(command).toContain("--serve-artifacts");
    expect(command.find((a) => a.startsWith("--backend-store-uri="))).toMatch(/^--backend-store-uri=postgresql\+psycopg:\/\/postgres:5432\/mlflow$/);
    // The Job runs the service's image.
    expect(trainContainer.image).toBe(serviceContainer.image);
    expect(trainContainer.command.slice(0, 2)).toEqual(["node", "/app/bin/senti-mlops.js"]);
  });
});

describe("run as the manifests say: MLflow on S3, the download script, the service and the training Job", () => {
  // MinIO as minio.yaml runs it (built from its Go module by host-tools.ts), keys of the test's own.
  const s3 = { endpoint: "", accessKeyId: "k8s-test-minio", secretAccessKey: "k8s-test-minio-0123456789abcdef" };
  let dir: string;
  let mlflowUrl: string | undefined;
  let postgresAddress: string | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "senti-k8s-run-"));
    // PostgreSQL runs as the postgres user, which must reach its folder inside.
    chmodSync(dir, 0o755);
    const minioBin = await ensureMinio((line) => console.log(`[k8s] ${line}`));
    const minio = (find("StatefulSet", "minio").spec.template.spec.containers as Json[]).find((c) => c.name === "minio")!;
    const [port, consolePort] = [await freePort(), await freePort()];
    s3.endpoint = `http://127.0.0.1:${port}`;
    const args = (minio.args as string[]).map((a) => (a === ":9000" ? `127.0.0.1:${port}` : a === ":9001" ? `127.0.0.1:${consolePort}` : a === "/data" ? join(dir, "minio-data") : a));
    expect(args).toEqual(["server", join(dir, "minio-data"), "--address", `127.0.0.1:${port}`, "--console-address", `127.0.0.1:${consolePort}`]);
    const program = startProgram("minio", minioBin, args, { env: { PATH: process.env.PATH, HOME: dir, MINIO_UPDATE: "off", ...containerEnv(minio) } });
    const ready = (minio.readinessProbe as Json).httpGet.path as string;
    await waitFor("MinIO to be ready", 60_000, async () => ((await fetch(`${s3.endpoint}${ready}`).catch(() => null))?.ok ? true : undefined), () => program.tail());
  });
  afterAll(async () => {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The values of the Secrets the README has the operator create, for this run. */
  const secret = (name: string, key: string): string => {
    const values: Record<string, Record<string, string>> = {
      "senti-mlops-api-token": { "api-token": TOKEN },
      "senti-mlops-s3": { "access-key-id": s3.accessKeyId, "secret-access-key": s3.secretAccessKey },
      "senti-mlops-postgres": { username: "mlflow", password: "k8s-test-0123456789abcdef" },
    };
    const value = values[name]?.[key];
    if (value === undefined) throw new Error(`no test value for Secret ${name} key ${key}`);
    return value;
  };

  /** The cluster's names and paths, mapped to this machine's (see the module comment). */
  const local = (value: string): string => {
    let mapped = value
      .replaceAll("http://minio:9000", s3.endpoint)
      .replaceAll("/data/train", join(dir, "data-train"))
      .replaceAll("/app/bin/senti-mlops.js", join(PROJECT_ROOT, "bin", "senti-mlops.js"));
    if (mlflowUrl) mapped = mapped.replaceAll("http://mlflow:5000", mlflowUrl);
    if (postgresAddress) mapped = mapped.replace(/(?<=\/\/)postgres:5432(?=\/)/, postgresAddress);
    return mapped;
  };

  /** A container's environment: ConfigMap and Secret references resolved, names and paths mapped. */
  function containerEnv(container: Json): Record<string, string> {
    const env: Record<string, string> = {};
    for (const entry of (container.env ?? []) as Json[]) {
      const ref = entry.valueFrom;
      const value = ref?.configMapKeyRef
        ? (trainingData.data[ref.configMapKeyRef.key] as string)
        : ref?.secretKeyRef
          ? secret(ref.secretKeyRef.name, ref.secretKeyRef.key)
          : (entry.value as string);
      env[entry.name] = local(value);
    }
    return env;
  }

  /** The programs the containers name, on this machine. */
  const PROGRAMS: Record<string, string> = { node: process.execPath, python: VENV_PYTHON, mlflow: MLFLOW_BIN };

  /** Starts a container's command line (with `args` replaced by `rewrite`) as a local program. */
  function startContainer(name: string, container: Json, rewrite: (arg: string) => string = (a) => a): Program {
    const [command, ...rest] = [...(container.command as string[]), ...((container.args ?? []) as string[])];
    const program = PROGRAMS[command!];
    expect(program, `${name}: a program this test can run (${command})`).toBeDefined();
    return startProgram(name, program!, rest.map((a) => rewrite(local(a))), {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...(command === "mlflow" ? MLFLOW_QUIET_ENV : {}), ...containerEnv(container) },
    });
  }

  /** Runs a container's command line to its end; one still running after `timeoutMs` is stopped and fails the test with its output. */
  async function runContainer(name: string, container: Json, rewrite?: (arg: string) => string, timeoutMs = 120_000): Promise<{ code: number | string; out: string }> {
    const program = startContainer(name, container, rewrite);
    const code = await Promise.race([program.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), timeoutMs).unref())]);
    if (code === null) {
      await program.stop(5_000);
      throw new Error(`${name} was still running after ${timeoutMs} ms:\n${program.tail()}`);
    }
    return { code, out: program.tail() };
  }

  test("PostgreSQL as postgres.yaml configures it: its user and database from the Secret and POSTGRES_DB, ready by its probe's command", async () => {
    const set = find("StatefulSet", "postgres");
    const container = (set.spec.template.spec.containers as Json[]).find((c) => c.name === "postgres")!;
    const env = containerEnv(container);
    const bin = ensurePostgres();
    const pgRoot = join(dir, "postgres");
    const data = local(env.PGDATA!).replace("/var/lib/postgresql/data", join(pgRoot, "volume"));
    const socket = join(pgRoot, "run");
    mkdirSync(socket, { recursive: true });
    writeFileSync(join(pgRoot, "pwfile"), `${env.POSTGRES_PASSWORD}\n`);
    // postgres refuses to run as root: as root, run it as Debian's postgres user (the image's uid 999).
    const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
    const prefix = asRoot ? ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] : [];
    if (asRoot) execFileSync("chown", ["-R", "postgres:postgres", pgRoot]);
    const as = (command: string, args: string[]) => {
      const [file, ...rest] = [...prefix, join(bin, command), ...args];
      return execFileSync(file!, rest, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
    };
    // What the image's entrypoint does on an empty volume: initdb with POSTGRES_USER as superuser and
    // POSTGRES_PASSWORD (scram-sha-256 over TCP), then creates POSTGRES_DB.
    as("initdb", ["-D", data, "-U", env.POSTGRES_USER!, `--pwfile=${join(pgRoot, "pwfile")}`, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C"]);
    const port = await freePort();
    const [file, ...args] = [...prefix, join(bin, "postgres"), "-D", data, "-p", String(port), "-k", socket, "-c", "listen_addresses=127.0.0.1"];
    const server = startProgram("postgres", file!, args, { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C" } });
    // The readiness probe's command as written, its port given as libpq's PGPORT.
    const [shell, flag, probe] = container.readinessProbe.exec.command as string[];
    expect([shell, flag]).toEqual(["sh", "-c"]);
    await waitFor("the readiness probe (pg_isready)", 60_000, () => {
      const ready = spawnSync(shell!, [flag!, probe!], { env: { ...env, PATH: `${bin}:${process.env.PATH}`, PGPORT: String(port) } });
      return ready.status === 0 ? true : undefined;
    }, () => server.tail());
    as("psql", ["-h", socket, "-p", String(port), "-U", env.POSTGRES_USER!, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", `CREATE DATABASE "${env.POSTGRES_DB}"`]);
    postgresAddress = `127.0.0.1:${port}`;
  });

  test("MLflow as mlflow.yaml runs it: the init container creates the bucket (and finds it the next time), `mlflow server` serves on PostgreSQL with artifacts on S3", async () => {
    expect(postgresAddress, "PostgreSQL was started by the test before").toBeDefined();
    const pod = mlflowDeployment.spec.template.spec;
    const createBucket = (pod.initContainers as Json[]).find((c) => c.name === "create-bucket")!;
    const created = await runContainer("create-bucket", createBucket);
    expect(created.code, created.out).toBe(0);
    expect(created.out).toMatch(/created bucket mlflow/);
    const again = await runContainer("create-bucket", createBucket);
    expect(again.code, again.out).toBe(0);
    expect(again.out).toMatch(/bucket mlflow exists/);

    // The container's command line, but for the listen address and port (a free one); the database
    // URI names postgres:5432, which local() maps to the PostgreSQL started above. Its user and
    // password reach libpq as PGUSER and PGPASSWORD, as in the pod.
    const port = await freePort();
    const mapped = new Set<string>();
    const rewrite = (arg: string): string => {
      const replacement = arg === "--host=0.0.0.0" ? "--host=127.0.0.1" : arg === "--port=5000" ? `--port=${port}` : arg;
      if (replacement !== arg) mapped.add(arg.split("=")[0]!);
      return replacement;
    };
    const container = (pod.containers as Json[]).find((c) => c.name === "mlflow")!;
    const server = startContainer("mlflow", container, rewrite);
    expect([...mapped].sort()).toEqual(["--host", "--port"]);
    expect(server.exit()).toBeNull();
    const url = `http://127.0.0.1:${port}`;
    await waitFor("mlflow server to answer /health", 180_000, async () => ((await getJson(`${url}/health`))?.status === 200 ? true : undefined), () => server.tail());
    mlflowUrl = url;
  }, 300_000);

  test("the training data is fetched, the service is alive but not ready until the Job registers a champion, then every probe passes and it serves and trains", async () => {
    expect(mlflowUrl, "MLflow was started by the test before").toBeDefined();
    const script = join(dir, "fetch-training-data.mjs");
    writeFileSync(script, trainingData.data["fetch-training-data.mjs"] as string);
    const fromScripts = (arg: string) => (arg === "/scripts/fetch-training-data.mjs" ? script : arg);
    const jobInit = (job.spec.template.spec.initContainers as Json[]).find((c) => c.name === "fetch-training-data")!;
    const serviceInit = (deployment.spec.template.spec.initContainers as Json[]).find((c) => c.name === "fetch-training-data")!;
    const target = local("/data/train/train.csv");
    expect(containerEnv(jobInit).TRAIN_DATA).toBe(target);

    // Nothing uploaded yet: the Job's init container fails naming the 404, the service's starts without data.
    const missing = await runContainer("job-init", jobInit, fromScripts);
    expect(missing.code, missing.out).toBe(1);
    expect(missing.out).toMatch(/does not exist \(HTTP (404|500)\): no training data has been uploaded/);
    const tolerant = await runContainer("service-init", serviceInit, fromScripts);
    expect(tolerant.code, tolerant.out).toBe(0);
    expect(tolerant.out).toMatch(/starting without training data/);
    expect(existsSync(target)).toBe(false);

    // The upload README.md describes (a PUT to MLflow's artifact proxy, which stores it in the bucket), then the download.
    const csv = writeTrainingCsv(dir, 2000);
    const upload = await fetch(local(trainingData.data.url as string), { method: "PUT", body: readFileSync(csv) });
    expect(upload.status).toBe(200);
    const fetched = await runContainer("job-init", jobInit, fromScripts);
    expect(fetched.code, fetched.out).toBe(0);
    expect(readFileSync(target, "utf8")).toBe(readFileSync(csv, "utf8"));

    // The service with the Deployment's environment: alive (/health), not ready (/ping), no champion yet.
    const env: Record<string, string> = { ...containerEnv(serviceContainer), MODEL_REFRESH_SECONDS: "1" };
    delete env.HOST;
    delete env.PORT;
    const service = startService("service", await freePort(), env);
    const logs = () => `--- service:\n${service.tail()}`;
    const probe = (probe: Json) => getJson(`${service.url}${probe.httpGet.path}`);
    await waitFor("the startup probe", 120_000, async () => ((await probe(serviceContainer.startupProbe))?.status === 200 ? true : undefined), logs);
    expect((await probe(serviceContainer.livenessProbe))?.status).toBe(200);
    const notReady = await probe(serviceContainer.readinessProbe);
    expect(notReady?.status, "no model: readiness fails").toBe(404);

    // The training Job's command, as written.
    const trained = await runContainer("train", trainContainer);
    expect(trained.code, trained.out).toBe(0);
    const summary = JSON.parse(trained.out.trim().split("\n").pop()!) as Json;
    expect(summary.registered_model).toEqual({ name: "sentiment-tfidf", version: "1", alias: "champion" });
    const tracking = await createTracking(mlflowUrl!);
    try {
      expect((await tracking.registry.getModelVersionByAlias("sentiment-tfidf", "champion")).version).toBe("1");
    } finally {
      await tracking.close();
    }

    // The service picks the champion up at its next registry check: ready, and serving version 1
    // (whose files MLflow fetched back from the bucket). Each of its WORKERS checks on its own, so
    // /ping may pass on one worker a moment before the other has loaded the model: wait until
    // requests on fresh connections (spread over the workers) all find it.
    await waitFor("the readiness probe to pass", 60_000, async () => ((await probe(serviceContainer.readinessProbe))?.status === 200 ? true : undefined), logs);
    const workers = Number(envValue(serviceContainer, "WORKERS"));
    let lastHealth: unknown;
    await waitFor(
      "every worker to report healthy with the model loaded",
      60_000,
      async () => {
        for (let i = 0; i < 3 * workers; i++) {
          const health = await once(service.url, serviceContainer.livenessProbe.httpGet.path);
          lastHealth = health.body;
          if (health.status !== 200 || health.body.status !== "healthy" || (health.body.models as Json).tfidf !== true) return undefined;
        }
        return true;
      },
      () => `last /health: ${JSON.stringify(lastHealth)}\n${logs()}`,
    );
    for (let i = 0; i < 2 * workers; i++) {
      const predicted = await once(service.url, "/predict", "POST", JSON.stringify({ reviews: ["a fine film"] }), { "content-type": "application/json" });
      expect(predicted.status, JSON.stringify(predicted.body)).toBe(200);
      expect(predicted.body.model_version).toBe("1");
    }

    // The token from the Secret and the fetched TRAIN_DATA make POST /train_model work too.
    const auth = { authorization: `Bearer ${TOKEN}` };
    const started = await fetch(`${service.url}/train_model`, { method: "POST", headers: auth });
    expect(started.status, logs()).toBe(202);
    const jobId = ((await started.json()) as Json).job_id as string;
    const done = await waitFor(
      "the API training job",
      120_000,
      async () => {
        const state = await getJson(`${service.url}/train_model/${jobId}`, auth);
        return state?.body && !["queued", "running"].includes(state.body.status as string) ? state.body : undefined;
      },
      logs,
    );
    expect(done.status, JSON.stringify(done)).toBe("succeeded");

    // The registry is in PostgreSQL (read over TCP with the Secret's user and password, as MLflow does).
    const [pgHost, pgPort] = postgresAddress!.split(":");
    const models = execFileSync(join(ensurePostgres(), "psql"), ["-h", pgHost!, "-p", pgPort!, "-d", "mlflow", "-tAc", "SELECT name FROM registered_models"], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, PGUSER: secret("senti-mlops-postgres", "username"), PGPASSWORD: secret("senti-mlops-postgres", "password") },
    });
    expect(models.trim()).toBe("sentiment-tfidf");

    // Everything MLflow stored went to the bucket: the training data and the model files.
    const listing = await runContainer("list-bucket", {
      command: ["python", "-c", "import boto3, os; print('\\n'.join(o['Key'] for o in boto3.client('s3', endpoint_url=os.environ['MLFLOW_S3_ENDPOINT_URL']).list_objects_v2(Bucket='mlflow')['Contents']))"],
      env: (mlflowDeployment.spec.template.spec.containers as Json[]).find((c) => c.name === "mlflow")!.env,
    });
    expect(listing.code, listing.out).toBe(0);
    expect(listing.out).toMatch(/^artifacts\/training-data\/train\.csv$/m);
    expect(listing.out).toMatch(/^artifacts\/.+\/MLmodel$/m);

    // SIGTERM, as the kubelet stops a pod: drained, exit 0.
    service.signal("SIGTERM");
    expect(await service.exited).toBe(0);
  }, 300_000);
});
