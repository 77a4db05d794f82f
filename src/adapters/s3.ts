/**
 * A {@link ByteStore} over an S3 bucket (AWS S3 or any S3-compatible server: MinIO, moto, Ceph,
 * R2, …), through the AWS SDK v3.
 *
 * `@aws-sdk/client-s3` (and `@aws-sdk/lib-storage`, for multipart uploads) are optional peer
 * dependencies, loaded with a dynamic `import()` on first use: importing this module costs nothing,
 * and a missing package fails the first call with `NOT_IMPLEMENTED` naming the package to install.
 * The module itself imports no `node:*` API.
 *
 * @module
 */
import type { S3Client, S3ClientConfig } from "@aws-sdk/client-s3";
import { SentiMlopsError, isSentiMlopsError, type ErrorCode } from "../errors.js";
import { importOptionalPeer } from "../optional-peer.js";
import { readLimited, resolveMaxBytes } from "../mlflow/read-limited.js";
import { normalizeKey, normalizePrefix, withGuards, type ByteStore, type ByteStoreEntry } from "./byte-store.js";

const MiB = 1024 * 1024;
/** The smallest part S3 accepts in a multipart upload (every part but the last). */
const MIN_PART_SIZE = 5 * MiB;
/** The most parts one multipart upload may have. */
const MAX_PARTS = 10_000;

/**
 * Options of {@link createS3ByteStore}.
 *
 * @example
 * ```ts
 * const options: S3ByteStoreOptions = {
 *   bucket: "artifacts",
 *   prefix: "mlruns",
 *   endpoint: "http://127.0.0.1:9000",
 *   forcePathStyle: true,
 *   region: "us-east-1",
 *   credentials: { accessKeyId: "…", secretAccessKey: "…" },
 *   multipartThreshold: 16 * 1024 * 1024,
 * };
 * const store = createS3ByteStore(options);
 * ```
 */
export interface S3ByteStoreOptions {
  /** The bucket holding the objects. It must exist; the store never creates or deletes buckets. */
  bucket: string;
  /**
   * A folder inside the bucket: key `k` is stored as object `<prefix>/k`, and `list` returns keys
   * relative to it. Normalized like a `list` prefix (`"runs"` and `"runs/"` are the same folder;
   * `..`, empty segments and absolute paths are refused).
   * @default "" (the whole bucket)
   */
  prefix?: string;
  /**
   * An S3 client to use instead of building one. The store never destroys an injected client: its
   * owner does. When given, `region`, `endpoint`, `forcePathStyle` and `credentials` are ignored.
   * @default undefined (a client is built from the options below and destroyed by `dispose`)
   */
  client?: S3Client;
  /**
   * The region of the built client.
   * @default the SDK's default (`AWS_REGION`, then the shared config file)
   */
  region?: string;
  /**
   * The endpoint of an S3-compatible server, e.g. `"http://127.0.0.1:9000"`.
   * @default the AWS endpoint of `region`
   */
  endpoint?: string;
  /**
   * Address buckets as `<endpoint>/<bucket>/<key>` rather than `<bucket>.<endpoint>/<key>`; most
   * self-hosted S3-compatible servers need it.
   * @default false
   */
  forcePathStyle?: boolean;
  /**
   * Credentials (or a provider of them) for the built client.
   * @default the SDK's default credential chain (environment, shared files, SSO, container/instance roles)
   */
  credentials?: S3ClientConfig["credentials"];
  /**
   * Values larger than this many bytes are uploaded in parts with `@aws-sdk/lib-storage`'s `Upload`;
   * smaller ones with one `PutObject`.
   * @default 8 MiB (8_388_608)
   */
  multipartThreshold?: number;
  /**
   * The most bytes `get` downloads for one object; a larger object fails with `RESOURCE_EXHAUSTED`
   * as soon as the running total passes it (or at once when its `Content-Length` does), and the
   * body stream is destroyed. 2 GiB fits the largest model senti-mlops handles (BERT base in fp32,
   * about 440 MB).
   * @default 2147483648 (2 GiB, DEFAULT_MAX_DOWNLOAD_BYTES)
   */
  maxBytes?: number;
  /**
   * The size of each part of a multipart upload, at least 5 MiB (S3's minimum). Raised automatically
   * when a value would need more than 10,000 parts.
   * @default 8 MiB (8_388_608)
   */
  partSize?: number;
  /**
   * How many parts of one multipart upload are sent at the same time.
   * @default 4
   */
  queueSize?: number;
}

/**
 * The result of {@link parseS3Uri}: a bucket and a folder in it, the two location options of
 * {@link createS3ByteStore}.
 *
 * @example
 * ```ts
 * const location: S3Location = parseS3Uri("s3://mlflow/1/abc/artifacts"); // { bucket: "mlflow", prefix: "1/abc/artifacts" }
 * const store = createS3ByteStore({ ...location, client });
 * ```
 */
export interface S3Location {
  /** The bucket name. */
  bucket: string;
  /** The folder inside the bucket, without leading or trailing `/`; `""` for the whole bucket. */
  prefix: string;
}

type ClientS3Module = typeof import("@aws-sdk/client-s3");
type LibStorageModule = typeof import("@aws-sdk/lib-storage");

let clientS3Module: Promise<ClientS3Module> | undefined;
let libStorageModule: Promise<LibStorageModule> | undefined;

function loadPeer<T>(name: string, load: () => Promise<T>, reset: () => void): Promise<T> {
  return importOptionalPeer({ name, feature: "S3 byte stores (s3:// artifacts)", component: "adapters" }, load).catch((e: unknown) => {
    reset(); // a later call may retry, e.g. after the package was installed
    throw e;
  });
}

function loadClientS3(): Promise<ClientS3Module> {
  clientS3Module ??= loadPeer("@aws-sdk/client-s3", () => import("@aws-sdk/client-s3"), () => {
    clientS3Module = undefined;
  });
  return clientS3Module;
}

function loadLibStorage(): Promise<LibStorageModule> {
  libStorageModule ??= loadPeer("@aws-sdk/lib-storage", () => import("@aws-sdk/lib-storage"), () => {
    libStorageModule = undefined;
  });
  return libStorageModule;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The facts of an SDK (or network) error that decide its code. */
interface S3Failure {
  name: string;
  status: number | undefined;
  errno: string | undefined;
}

function describeFailure(e: unknown): S3Failure {
  const error = (typeof e === "object" && e !== null ? e : {}) as {
    name?: unknown;
    Code?: unknown;
    code?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  const name = typeof error.Code === "string" ? error.Code : typeof error.name === "string" ? error.name : "Error";
  const status = typeof error.$metadata?.httpStatusCode === "number" ? error.$metadata.httpStatusCode : undefined;
  const errno = typeof error.code === "string" ? error.code : undefined;
  return { name, status, errno };
}

const CODE_BY_S3_ERROR: Readonly<Record<string, ErrorCode>> = Object.freeze({
  AccessDenied: "PERMISSION_DENIED",
  AllAccessDisabled: "PERMISSION_DENIED",
  AccountProblem: "PERMISSION_DENIED",
  InvalidAccessKeyId: "PERMISSION_DENIED",
  SignatureDoesNotMatch: "PERMISSION_DENIED",
  InvalidToken: "PERMISSION_DENIED",
  ExpiredToken: "PERMISSION_DENIED",
  TokenRefreshRequired: "PERMISSION_DENIED",
  RequestTimeTooSkewed: "PERMISSION_DENIED",
  CredentialsProviderError: "UNAUTHENTICATED",
  NoSuchBucket: "RESOURCE_DOES_NOT_EXIST",
  NoSuchKey: "RESOURCE_DOES_NOT_EXIST",
  NoSuchUpload: "RESOURCE_DOES_NOT_EXIST",
  NotFound: "RESOURCE_DOES_NOT_EXIST",
  InvalidBucketName: "INVALID_PARAMETER_VALUE",
  KeyTooLongError: "INVALID_PARAMETER_VALUE",
  EntityTooLarge: "INVALID_PARAMETER_VALUE",
  EntityTooSmall: "INVALID_PARAMETER_VALUE",
  InvalidArgument: "INVALID_PARAMETER_VALUE",
  InvalidPart: "INVALID_PARAMETER_VALUE",
  InvalidPartOrder: "INVALID_PARAMETER_VALUE",
  InvalidRequest: "INVALID_PARAMETER_VALUE",
  MalformedXML: "INVALID_PARAMETER_VALUE",
  PermanentRedirect: "INVALID_PARAMETER_VALUE",
  AuthorizationHeaderMalformed: "INVALID_PARAMETER_VALUE",
  InvalidObjectState: "INVALID_STATE",
  PreconditionFailed: "RESOURCE_CONFLICT",
  ConditionalRequestConflict: "RESOURCE_CONFLICT",
  OperationAborted: "ABORTED",
  SlowDown: "REQUEST_LIMIT_EXCEEDED",
  ServiceUnavailable: "TEMPORARILY_UNAVAILABLE",
  InternalError: "INTERNAL_ERROR",
  RequestTimeout: "DEADLINE_EXCEEDED",
  TimeoutError: "DEADLINE_EXCEEDED",
  AbortError: "CANCELLED",
  NotImplemented: "NOT_IMPLEMENTED",
});

const NETWORK_ERRNOS = /* @__PURE__ */ new Set(["ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE"]);

function codeOf(failure: S3Failure, message: string): ErrorCode {
  const byName = CODE_BY_S3_ERROR[failure.name];
  if (byName !== undefined) return byName;
  if (failure.errno !== undefined && NETWORK_ERRNOS.has(failure.errno)) return "TEMPORARILY_UNAVAILABLE";
  if (failure.errno === "ETIMEDOUT") return "DEADLINE_EXCEEDED";
  if (/region is missing/i.test(message)) return "INVALID_PARAMETER_VALUE";
  switch (failure.status) {
    case 400:
      return "BAD_REQUEST";
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "PERMISSION_DENIED";
    case 404:
      return "RESOURCE_DOES_NOT_EXIST";
    case 409:
      return "RESOURCE_CONFLICT";
    case 429:
      return "REQUEST_LIMIT_EXCEEDED";
    case 503:
      return "TEMPORARILY_UNAVAILABLE";
    default:
      return "INTERNAL_ERROR";
  }
}

/** The failure's name when it is an S3 error code, e.g. `NoSuchBucket`. */
const isS3ErrorName = (name: string): boolean => name !== "Error" && name !== "Unknown";

/**
 * A missing object: `NoSuchKey` from GET, `NotFound` (the SDK's name for a bodiless 404) from HEAD.
 * Any other 404, such as an HTML page from an endpoint that is not S3, stays an error.
 */
const isNotFound = (e: unknown): boolean => {
  const { name, status } = describeFailure(e);
  return name === "NoSuchKey" || (name === "NotFound" && (status === undefined || status === 404));
};

const checkPositiveInteger = (name: string, value: number, min: number): number => {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    throw SentiMlopsError.invalidParameterValue(`createS3ByteStore: option '${name}' must be an integer >= ${min}, got ${String(value)}`, { component: "adapters" });
  }
  return value;
};

/**
 * Creates a byte store keeping each key as an object of `bucket` under `prefix`
 * (`"a/b.json"` → `s3://<bucket>/<prefix>/a/b.json`).
 *
 * - `get` of a missing object gives `null`, `has` asks `HeadObject`, `delete` of a missing object is
 *   a no-op, `put` replaces the object whole (multipart above `multipartThreshold`; a failed
 *   multipart upload is aborted, so the previous value stays).
 * - `list(prefix)` pages through `ListObjectsV2` and returns keys relative to the store's prefix,
 *   never a sibling folder's (`"a/"` does not list `"ab"`). Objects whose names are not valid keys
 *   (such as `"folder/"` placeholders made by consoles) are left out.
 * - Errors from S3 become {@link SentiMlopsError}s with the SDK error as `cause`: `AccessDenied`,
 *   `SignatureDoesNotMatch`, `InvalidAccessKeyId` → `PERMISSION_DENIED`; `NoSuchBucket` →
 *   `RESOURCE_DOES_NOT_EXIST`; `SlowDown` → `REQUEST_LIMIT_EXCEEDED`; unreachable endpoint →
 *   `TEMPORARILY_UNAVAILABLE`; a missing SDK package → `NOT_IMPLEMENTED`. `has` cannot tell a missing
 *   bucket from a missing key (a `HEAD` response carries no error code) and answers `false` for both.
 * - `dispose` destroys the client the store built, never an injected one.
 *
 * @example
 * ```ts
 * const store = createS3ByteStore({ bucket: "mlflow-artifacts", prefix: "1/abc/artifacts", region: "eu-west-1" });
 * await store.put("model/model.json", new TextEncoder().encode("{}"));
 * await store.list("model"); // ["model/model.json"]
 * await store.get("missing.bin"); // null
 * await store.dispose();
 *
 * // An S3-compatible server, with a client you own:
 * const client = new S3Client({ endpoint: "http://127.0.0.1:9000", forcePathStyle: true, region: "us-east-1" });
 * const minio = createS3ByteStore({ bucket: "artifacts", client, multipartThreshold: 16 * 1024 * 1024 });
 * ```
 */
export function createS3ByteStore(options: S3ByteStoreOptions): ByteStore {
  const bucket = options?.bucket;
  if (typeof bucket !== "string" || bucket === "" || bucket.includes("/")) {
    throw SentiMlopsError.invalidParameterValue(
      `createS3ByteStore: option 'bucket' must be a non-empty bucket name without '/', got ${JSON.stringify(bucket)}`,
      { component: "adapters" },
    );
  }
  let root: string;
  try {
    root = normalizePrefix(options.prefix);
  } catch (cause) {
    throw SentiMlopsError.invalidParameterValue(
      `createS3ByteStore: option 'prefix' ${JSON.stringify(options.prefix)} must be a relative folder path`,
      { cause, component: "adapters" },
    );
  }
  const multipartThreshold = checkPositiveInteger("multipartThreshold", options.multipartThreshold ?? 8 * MiB, 0);
  const maxBytes = resolveMaxBytes(options.maxBytes, "maxBytes");
  const partSize = checkPositiveInteger("partSize", options.partSize ?? 8 * MiB, MIN_PART_SIZE);
  const queueSize = checkPositiveInteger("queueSize", options.queueSize ?? 4, 1);
  const injected = options.client;
  const clientConfig: S3ClientConfig = Object.freeze({
    ...(options.region !== undefined && { region: options.region }),
    ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
    ...(options.forcePathStyle !== undefined && { forcePathStyle: options.forcePathStyle }),
    ...(options.credentials !== undefined && { credentials: options.credentials }),
  });

  let client: Promise<S3Client> | undefined;
  const getClient = (): Promise<S3Client> =>
    (client ??= injected !== undefined
      ? Promise.resolve(injected)
      : loadClientS3().then(
          (sdk) => new sdk.S3Client(clientConfig),
          (e: unknown) => {
            client = undefined;
            throw e;
          },
        ));

  const where = `s3://${bucket}/${root}`;
  /** Runs one S3 call, turning its failures into SentiMlopsErrors. */
  async function s3<T>(operation: string, key: string | undefined, run: (client: S3Client, sdk: ClientS3Module) => Promise<T>): Promise<T> {
    const [sdk, c] = await Promise.all([loadClientS3(), getClient()]);
    try {
      return await run(c, sdk);
    } catch (e) {
      if (isSentiMlopsError(e)) throw e;
      const failure = describeFailure(e);
      const message = messageOf(e);
      const call = key === undefined ? `${operation}()` : `${operation}(${JSON.stringify(key)})`;
      const what = [isS3ErrorName(failure.name) ? failure.name : undefined, failure.status && `HTTP ${failure.status}`]
        .filter(Boolean)
        .join(", ");
      throw new SentiMlopsError(codeOf(failure, message), `S3 byte store ${call} in ${where} failed${what ? ` (${what})` : ""}: ${message}`, {
        cause: e,
        component: "adapters",
      });
    }
  }

  /** Every object under `prefix` with its size: ListObjectsV2 pages report sizes for free. */
  async function listObjects(c: S3Client, sdk: ClientS3Module, prefix: string): Promise<ByteStoreEntry[]> {
    const entries: ByteStoreEntry[] = [];
    let token: string | undefined;
    do {
      // URL-encoded names, as botocore asks for: raw names may hold characters XML 1.0 cannot carry.
      const page = await c.send(
        new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: root + prefix, ContinuationToken: token, EncodingType: "url" }),
      );
      for (const object of page.Contents ?? []) {
        const name = object.Key === undefined || page.EncodingType !== "url" ? object.Key : decodeListedKey(object.Key);
        if (name === undefined || !name.startsWith(root)) continue;
        const key = name.slice(root.length);
        if (isValidKey(key)) entries.push({ key, size: object.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return entries;
  }

  return withGuards({
    get: (key) =>
      s3("get", key, async (c, sdk) => {
        let body;
        let contentLength: number | undefined;
        try {
          const response = await c.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: root + key }));
          body = response.Body;
          contentLength = response.ContentLength;
        } catch (e) {
          if (isNotFound(e)) return null;
          throw e;
        }
        if (body === undefined) return new Uint8Array(0);
        const limit = { maxBytes, what: `S3 object s3://${bucket}/${root + key}`, option: "the maxBytes option of createS3ByteStore" };
        return readLimited(body as unknown as AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>, limit, contentLength);
      }),

    put: (key, bytes) =>
      s3("put", key, async (c, sdk) => {
        if (bytes.byteLength <= multipartThreshold) {
          await c.send(
            new sdk.PutObjectCommand({
              Bucket: bucket,
              Key: root + key,
              Body: bytes,
              ContentLength: bytes.byteLength,
              ContentType: "application/octet-stream",
            }),
          );
          return;
        }
        const { Upload } = await loadLibStorage();
        const upload = new Upload({
          client: c,
          params: { Bucket: bucket, Key: root + key, Body: bytes, ContentType: "application/octet-stream" },
          partSize: Math.max(partSize, Math.ceil(bytes.byteLength / MAX_PARTS)),
          queueSize,
          leavePartsOnError: false,
        });
        await upload.done();
      }),

    has: (key) =>
      s3("has", key, async (c, sdk) => {
        try {
          await c.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: root + key }));
          return true;
        } catch (e) {
          if (isNotFound(e)) return false;
          throw e;
        }
      }),

    delete: (key) =>
      s3("delete", key, async (c, sdk) => {
        try {
          await c.send(new sdk.DeleteObjectCommand({ Bucket: bucket, Key: root + key }));
        } catch (e) {
          // S3 answers 204 for a missing key; some compatible servers answer NoSuchKey instead.
          if (describeFailure(e).name !== "NoSuchKey") throw e;
        }
      }),

    list: (prefix = "") => s3("list", prefix, async (c, sdk) => (await listObjects(c, sdk, prefix)).map((e) => e.key)),
    listSizes: (prefix = "") => s3("listSizes", prefix, (c, sdk) => listObjects(c, sdk, prefix)),

    async dispose() {
      if (injected !== undefined || client === undefined) return;
      const built = await client.catch(() => undefined);
      built?.destroy();
    },
  });
}

/** Decodes a key listed with `EncodingType=url` (form encoding: `+` is a space), as botocore does. */
function decodeListedKey(key: string): string | undefined {
  try {
    return decodeURIComponent(key.replace(/\+/g, " "));
  } catch {
    return undefined; // not valid percent-encoding: not a name this store wrote
  }
}

function isValidKey(key: string): boolean {
  try {
    normalizeKey(key);
    return true;
  } catch {
    return false;
  }
}

const BUCKET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/;

/**
 * Splits an `s3://bucket/some/prefix` URI (as MLflow writes artifact locations) into the bucket
 * and the folder inside it, ready for {@link createS3ByteStore}. The scheme is case-insensitive;
 * trailing `/` are dropped; the path is taken literally (not percent-decoded), as MLflow does.
 * Anything else (another scheme, no bucket, a bad bucket name, user info or a port, a query or
 * fragment, `..` or empty segments) throws `INVALID_PARAMETER_VALUE` naming the URI.
 *
 * @example
 * ```ts
 * parseS3Uri("s3://mlflow/1/abc/artifacts"); // { bucket: "mlflow", prefix: "1/abc/artifacts" }
 * parseS3Uri("s3://mlflow");                 // { bucket: "mlflow", prefix: "" }
 * const store = createS3ByteStore({ ...parseS3Uri(run.info.artifactUri), region: "eu-west-1" });
 * parseS3Uri("gs://bucket/x");               // throws INVALID_PARAMETER_VALUE
 * ```
 */
export function parseS3Uri(uri: string): S3Location {
  const refuse = (why: string, cause?: unknown): never => {
    throw SentiMlopsError.invalidParameterValue(`Invalid S3 URI ${JSON.stringify(uri)}: ${why}`, { cause, component: "adapters" });
  };
  if (typeof uri !== "string") return refuse("must be a string");
  if (!/^s3:\/\//i.test(uri)) return refuse("must start with s3://");
  const rest = uri.slice("s3://".length);
  if (/[?#]/.test(rest)) return refuse("must not have a query or fragment");
  const slash = rest.indexOf("/");
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  if (bucket === "") return refuse("has no bucket name");
  if (!BUCKET_NAME.test(bucket)) {
    return refuse(`bucket name ${JSON.stringify(bucket)} must be 3-255 letters, digits, '.', '-' or '_', starting and ending with a letter or digit`);
  }
  const path = (slash === -1 ? "" : rest.slice(slash + 1)).replace(/\/+$/, "");
  if (path === "") return { bucket, prefix: "" };
  try {
    normalizePrefix(path);
  } catch (cause) {
    return refuse(`path ${JSON.stringify(path)} must be a relative folder without '.', '..' or empty segments`, cause);
  }
  return { bucket, prefix: path };
}
