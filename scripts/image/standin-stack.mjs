// The images examples/express-server/compose.yaml runs besides the service, for machines where no
// image registry can be reached: postgres:15-bookworm, minio/minio, haproxy:2.6, and the python
// base of mlflow-server.Dockerfile. For each, the official image is used when the engine has it
// or can pull it; otherwise a stand-in is built on scripts/image/engine.mjs's Debian stand-in, from
// Debian packages (PostgreSQL 15, HAProxy 2.6, Python 3.11 and pip) and the Go module proxy (MinIO
// and its client `mc`, built on the host and copied in), named under localhost/senti-mlops-standin/
// so that it can never be taken for the real one. Each stand-in behaves like the official image
// in what compose.yaml uses:
//
// - postgres: POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB initialise an empty PGDATA
//   (/var/lib/postgresql/data) on first start (password authentication over TCP), the server runs
//   as the `postgres` user, stops on SIGINT (fast shutdown), and `pg_isready` is on PATH;
// - minio: the entrypoint is `minio` (compose passes `server /data …`), `mc ready local` works;
// - haproxy: reads /usr/local/etc/haproxy/haproxy.cfg, logs to stdout, stops on SIGUSR1;
// - python: `python` and `pip` (3.11, Debian's; pip may install into the system like the official
//   image's), `useradd` available.
//
// Usage: node scripts/image/standin-stack.mjs  (prints the variables, e.g. POSTGRES_IMAGE=…)
// or import { stackImages } and pass the returned variables to compose.

import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { STANDIN_PREFIX, build, canPull, detectEngine, ensureDebianBase, exec, imageExists, mustExec, repoRoot } from "./engine.mjs";

/** MinIO's server at the release compose.yaml's default image carries, as a Go module version. */
export const MINIO_MODULE = "github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c";
/** MinIO's client, for `mc ready local` (the image's healthcheck). */
export const MC_MODULE = "github.com/minio/mc@v0.0.0-20250313080218-cf909e1063a9";

/** What compose.yaml names by default, and the variable that replaces each. */
export const OFFICIAL = Object.freeze({
  POSTGRES_IMAGE: "postgres:15-bookworm",
  MINIO_IMAGE: "minio/minio:RELEASE.2025-04-22T22-12-26Z",
  HAPROXY_IMAGE: "haproxy:2.6",
  PYTHON_IMAGE: "python:3.12-slim-bookworm",
});

/** The stand-ins' names: the official name's last part under the stand-in prefix (Python is Debian's 3.11, and says so). */
export const STANDINS = Object.freeze({
  POSTGRES_IMAGE: `${STANDIN_PREFIX}/postgres:15-bookworm`,
  MINIO_IMAGE: `${STANDIN_PREFIX}/minio:${MINIO_MODULE.split("@")[1]}`,
  HAPROXY_IMAGE: `${STANDIN_PREFIX}/haproxy:2.6`,
  PYTHON_IMAGE: `${STANDIN_PREFIX}/python:3.11-bookworm`,
});

const defaultLog = (msg) => process.stderr.write(`[standin-stack] ${msg}\n`);

/** The official image's name as podman looks it up (short names are resolved on Docker Hub). */
function qualified(engine, image) {
  const first = image.split("/")[0];
  const hasRegistry = image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  if (engine.cmd !== "podman" || hasRegistry) return image;
  return image.includes("/") ? `docker.io/${image}` : `docker.io/library/${image}`;
}

/** A Go binary built with `go install module` into .cache/go-bin/<module@version>/, once. */
async function goBinary(module, name, { log }) {
  const dir = join(repoRoot, ".cache", "go-bin", module.replaceAll("/", "_"));
  const binary = join(dir, name);
  if (existsSync(binary)) return binary;
  log(`building ${name}: go install ${module} (from the Go module proxy; several minutes, once)`);
  const env = { ...process.env, GOBIN: dir, CGO_ENABLED: "0", GOFLAGS: "-trimpath", GOTOOLCHAIN: "local" };
  // Go's own install location is not always on PATH.
  const go = (await exec("sh", ["-c", "command -v go"])).code === 0 ? "go" : "/usr/local/go/bin/go";
  await mkdir(dir, { recursive: true });
  await mustExec(go, ["install", module], { env, timeoutMs: 90 * 60_000 });
  if (!existsSync(binary)) throw new Error(`go install ${module} produced no ${binary}`);
  return binary;
}

/** Builds an image from a Containerfile text and files laid out in a temp context. */
async function buildFrom(engine, tag, containerfile, files = {}, { log }) {
  const work = await mkdtemp(join(tmpdir(), "senti-standin-"));
  try {
    for (const [name, source] of Object.entries(files)) {
      if (typeof source === "string" && source.startsWith("file:")) await copyFile(source.slice(5), join(work, name));
      else await writeFile(join(work, name), source, { mode: 0o755 });
    }
    await writeFile(join(work, "Containerfile"), containerfile);
    await build(engine, { file: join(work, "Containerfile"), context: work, tag, timeoutMs: 60 * 60_000 });
    log(`built ${tag}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

// The official postgres image's entrypoint in what compose.yaml relies on: an empty PGDATA is
// initialised from POSTGRES_USER/PASSWORD/DB (scram-sha-256 over TCP from anywhere, trust on the
// local socket), then the server runs as `postgres`, listening on every address.
const POSTGRES_ENTRYPOINT = `#!/bin/sh
set -eu
: "\${POSTGRES_USER:=postgres}" "\${POSTGRES_DB:=$POSTGRES_USER}" "\${PGDATA:=/var/lib/postgresql/data}"
if [ -z "\${POSTGRES_PASSWORD:-}" ]; then
  echo "postgres stand-in: POSTGRES_PASSWORD must be set (as the official image requires)" >&2
  exit 1
fi
mkdir -p "$PGDATA" /var/run/postgresql
chown postgres:postgres "$PGDATA" /var/run/postgresql
chmod 700 "$PGDATA"
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; }
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp) && printf '%s\\n' "$POSTGRES_PASSWORD" > "$pwfile" && chown postgres "$pwfile"
  as_postgres initdb -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    echo "CREATE DATABASE \\"$POSTGRES_DB\\";" | as_postgres postgres --single -D "$PGDATA" postgres > /dev/null
  fi
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups -- postgres -D "$PGDATA" -c listen_addresses='*' "$@"
`;

/** The variables compose.yaml needs for its non-service images here: official names where usable, else stand-ins. */
export async function stackImages(engine, { log = defaultLog } = {}) {
  const chosen = {};
  const need = [];
  for (const [variable, official] of Object.entries(OFFICIAL)) {
    if ((await imageExists(engine, qualified(engine, official))) || (await canPull(engine, official))) chosen[variable] = qualified(engine, official);
    else if (await imageExists(engine, STANDINS[variable])) chosen[variable] = STANDINS[variable];
    else need.push(variable);
  }
  if (need.length === 0) return chosen;
  log(`cannot pull ${need.map((v) => OFFICIAL[v]).join(", ")} (no image registry reachable): building stand-ins from Debian packages and the Go module proxy`);
  const debian = await ensureDebianBase(engine, { log });
  for (const variable of need) {
    const tag = STANDINS[variable];
    if (variable === "POSTGRES_IMAGE") {
      await buildFrom(
        engine,
        tag,
        [
          `FROM ${debian}`,
          "RUN apt-get update && apt-get install -y --no-install-recommends postgresql-15 && rm -rf /var/lib/apt/lists/* \\",
          " && rm -rf /var/lib/postgresql/15 /etc/postgresql/15/main",
          "COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh",
          "ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data",
          'VOLUME ["/var/lib/postgresql/data"]',
          "STOPSIGNAL SIGINT",
          "EXPOSE 5432",
          'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]',
          "",
        ].join("\n"),
        { "docker-entrypoint.sh": POSTGRES_ENTRYPOINT },
        { log },
      );
    } else if (variable === "MINIO_IMAGE") {
      const minio = await goBinary(MINIO_MODULE, "minio", { log });
      const mc = await goBinary(MC_MODULE, "mc", { log });
      await buildFrom(
        engine,
        tag,
        [`FROM ${debian}`, "COPY minio mc /usr/bin/", "ENV MINIO_UPDATE=off", 'VOLUME ["/data"]', "EXPOSE 9000", 'ENTRYPOINT ["minio"]', "", ""].join("\n"),
        { minio: `file:${minio}`, mc: `file:${mc}` },
        { log },
      );
    } else if (variable === "HAPROXY_IMAGE") {
      await buildFrom(
        engine,
        tag,
        [
          `FROM ${debian}`,
          "RUN apt-get update && apt-get install -y --no-install-recommends haproxy && rm -rf /var/lib/apt/lists/* \\",
          " && mkdir -p /usr/local/etc/haproxy /var/lib/haproxy && chown haproxy:haproxy /var/lib/haproxy",
          "USER haproxy",
          "STOPSIGNAL SIGUSR1",
          'CMD ["haproxy", "-W", "-db", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]',
          "",
        ].join("\n"),
        {},
        { log },
      );
    } else if (variable === "PYTHON_IMAGE") {
      await buildFrom(
        engine,
        tag,
        [
          `FROM ${debian}`,
          "RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pip python-is-python3 ca-certificates && rm -rf /var/lib/apt/lists/* \\",
          // The official image's pip installs into its Python; Debian marks its own as externally managed.
          " && rm -f /usr/lib/python3.*/EXTERNALLY-MANAGED",
          // pip trusts the machine's CA bundle (the Debian stand-in carries it; a TLS-inspecting proxy may sit in between).
          "ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt PIP_DISABLE_PIP_VERSION_CHECK=1",
          'CMD ["python"]',
          "",
        ].join("\n"),
        {},
        { log },
      );
    }
    chosen[variable] = tag;
  }
  return chosen;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const engine = await detectEngine();
  const images = await stackImages(engine);
  for (const [k, v] of Object.entries(images)) process.stdout.write(`${k}=${v}\n`);
}
