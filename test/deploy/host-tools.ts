/**
 * The programs of the compose stack, on this machine: PostgreSQL 15 and HAProxy from Debian's
 * packages (installed with apt-get when missing, which needs root, as CI runs), and MinIO built
 * from its Go module with the Go toolchain (no image and no binary download: the Go module proxy
 * serves the source), cached under the project's .cache/go-bin so that it is built once.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../peers/python-env.js";

export const POSTGRES_BIN = "/usr/lib/postgresql/15/bin";
export const HAPROXY_BIN = "/usr/sbin/haproxy";

/**
 * The MinIO release compose.yaml's default image carries, as a Go module version (MinIO's tags are
 * not Go semver, so the proxy knows its commits as pseudo-versions).
 */
export const MINIO_MODULE = "github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c";
/** Shared with scripts/image/standin-stack.mjs, which copies the same binary into its MinIO stand-in image. */
const MINIO_DIR = join(PROJECT_ROOT, ".cache", "go-bin", MINIO_MODULE.replaceAll("/", "_"));
export const MINIO_BIN = join(MINIO_DIR, "minio");

/** The Go toolchain (module `golang.org/toolchain`) fetched from the Go module proxy when no recent `go` is present. */
const GO_TOOLCHAIN = "v0.0.1-go1.25.5.linux-amd64";

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/** Installs Debian `packages` with apt-get unless `binary` exists; throws saying what to run when it cannot. */
export function ensureAptPackage(binary: string, packages: readonly string[], log: (line: string) => void = () => {}): string {
  if (existsSync(binary)) return binary;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${packages.join(" ")}`;
  if (process.platform !== "linux" || !isRoot()) {
    throw new Error(`The deployment tests need ${binary}, which is missing, and this process is not root so it cannot install it. Run as root: ${command}`);
  }
  log(`${binary} is missing; running: ${command}`);
  try {
    // A package may start its own daemon (postgresql-15 its `main` cluster on 5432, where an init
    // system lets it): the tests never use those, they start their own on free loopback ports.
    execFileSync("sh", ["-c", command], {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      timeout: 900_000,
    });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? "";
    throw new Error(`Installing ${packages.join(" ")} failed (${command}):\n${stderr.slice(-4000)}`, { cause: error });
  }
  if (!existsSync(binary)) throw new Error(`${command} succeeded but ${binary} is still missing`);
  return binary;
}

/** PostgreSQL 15's server binaries (Debian's postgresql-15). */
export function ensurePostgres(log?: (line: string) => void): string {
  ensureAptPackage(join(POSTGRES_BIN, "postgres"), ["postgresql-15"], log);
  return POSTGRES_BIN;
}

/** Debian's HAProxy. */
export function ensureHaproxy(log?: (line: string) => void): string {
  return ensureAptPackage(HAPROXY_BIN, ["haproxy"], log);
}

/** A `go` of at least 1.24 (MinIO's go.mod asks for it): on PATH, in /usr/local/go, or the toolchain module from the proxy. */
export async function goBinary(log: (line: string) => void, candidates: readonly string[] = ["go", "/usr/local/go/bin/go"]): Promise<string> {
  for (const candidate of candidates) {
    const version = spawnSync(candidate, ["env", "GOVERSION"], { encoding: "utf8" });
    const match = /^go1\.(\d+)/.exec(version.stdout ?? "");
    if (version.status === 0 && match && Number(match[1]) >= 24) return candidate;
  }
  const root = join(PROJECT_ROOT, ".cache", "go-toolchain", GO_TOOLCHAIN);
  const go = join(root, "golang.org", `toolchain@${GO_TOOLCHAIN}`, "bin", "go");
  if (existsSync(go)) return go;
  const url = `https://proxy.golang.org/golang.org/toolchain/@v/${GO_TOOLCHAIN}.zip`;
  log(`no go >= 1.24 found; fetching the Go toolchain module from ${url}`);
  mkdirSync(root, { recursive: true });
  const zip = join(root, "toolchain.zip");
  const response = await fetch(url, { signal: AbortSignal.timeout(600_000) });
  if (!response.ok) throw new Error(`fetching the Go toolchain from ${url} failed: HTTP ${response.status}`);
  writeFileSync(zip, Buffer.from(await response.arrayBuffer()));
  // The module zip holds golang.org/toolchain@<version>/…; python's zipfile keeps it dependency-free.
  execFileSync("python3", ["-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])", zip, root], { timeout: 600_000 });
  rmSync(zip, { force: true });
  // Zip entries carry no modes: the toolchain's binaries must be executable.
  for (const dir of [join(root, "golang.org", `toolchain@${GO_TOOLCHAIN}`, "bin"), join(root, "golang.org", `toolchain@${GO_TOOLCHAIN}`, "pkg", "tool", "linux_amd64")]) {
    execFileSync("sh", ["-c", `chmod +x "${dir}"/*`]);
  }
  return go;
}

/**
 * MinIO's server binary, built from {@link MINIO_MODULE} with `go install` into .cache/go-bin when
 * missing (minutes on two cores the first time; the module and build caches are Go's own).
 */
export async function ensureMinio(log: (line: string) => void = () => {}): Promise<string> {
  if (existsSync(MINIO_BIN)) return MINIO_BIN;
  const go = await goBinary(log);
  const staging = `${MINIO_DIR}.building`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  log(`building MinIO: go install ${MINIO_MODULE} (cached in ${MINIO_DIR})`);
  const env: NodeJS.ProcessEnv = { ...process.env, GOBIN: staging, CGO_ENABLED: "0", GOFLAGS: "-trimpath", GOTOOLCHAIN: "local" };
  if (existsSync("/etc/ssl/certs/ca-certificates.crt")) env.SSL_CERT_FILE ??= "/etc/ssl/certs/ca-certificates.crt";
  const built = spawnSync(go, ["install", MINIO_MODULE], { env, encoding: "utf8", timeout: 3_600_000, maxBuffer: 64 * 1024 * 1024 });
  if (built.status !== 0 || !existsSync(join(staging, "minio"))) {
    throw new Error(`go install ${MINIO_MODULE} failed (status ${built.status}${built.error ? `, ${built.error.message}` : ""}):\n${(built.stderr ?? "").slice(-4000)}`);
  }
  mkdirSync(MINIO_DIR, { recursive: true });
  renameSync(join(staging, "minio"), MINIO_BIN);
  chmodSync(MINIO_BIN, 0o755);
  rmSync(staging, { recursive: true, force: true });
  writeFileSync(join(MINIO_DIR, "MODULE"), `${MINIO_MODULE}\n`);
  return MINIO_BIN;
}
