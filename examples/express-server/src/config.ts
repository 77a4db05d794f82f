/**
 * The service's configuration: environment variables, validated once at start with zod. Every bad
 * variable gets one message naming it, what it must be and what it was.
 *
 * @module
 */
import { availableParallelism } from "node:os";
import { z } from "zod";

/** When a newly trained model replaces the one being served. */
export type PromotionPolicy = "if-better" | "always" | "never";

/** TF-IDF options used by `POST /train_model` (a subset of `trainTfidf`'s, camelCase). */
export interface TrainOptions {
  readonly ngramRange: readonly [number, number];
  readonly minDf: number;
  readonly maxDf?: number;
  readonly maxFeatures?: number;
  readonly sublinearTf: boolean;
  readonly C: number;
  readonly maxIter?: number;
  readonly stopWords?: "english";
}

/** The validated configuration of the service (frozen). */
export interface ServiceConfig {
  /** `HOST`: the address to listen on. @default "0.0.0.0" */
  readonly host: string;
  /** `PORT`: 0 picks a free port. @default 5001 */
  readonly port: number;
  /** `MLFLOW_TRACKING_URI`: an MLflow server URL, `sqlite:///file.db` or `memory:`. @default "sqlite:///mlflow.db" */
  readonly trackingUri: string;
  /** `MLFLOW_ARTIFACT_ROOT`: artifact root of new experiments in embedded stores. @default "./mlruns" (the library's) */
  readonly artifactRoot: string | undefined;
  /**
   * `MODEL_URI`: the TF-IDF model served at start. `none` serves none until a training
   * job promotes one. @default `models:/<REGISTERED_MODEL_NAME>@<MODEL_ALIAS>`
   */
  readonly modelUri: string | null;
  /** True when `MODEL_URI` was set: failing to load it then stops the start. */
  readonly modelUriExplicit: boolean;
  /** `REGISTERED_MODEL_NAME`: where trained models are registered. @default "sentiment-tfidf" */
  readonly registeredModelName: string;
  /** `MODEL_ALIAS`: the alias a promoted version gets. @default "champion" */
  readonly modelAlias: string;
  /** `EXPERIMENT_NAME`: the experiment of training runs. @default "sentiment" */
  readonly experimentName: string;
  /** `BERT_MODEL`: a BERT source for `loadBert` (folder, hub URL, `models:/…`). @default none */
  readonly bertModel: string | null;
  /** `TRAIN_DATA`: a text,label CSV (or TSV/JSONL) for `POST /train_model`. @default none (training disabled) */
  readonly trainData: string | null;
  /** `VALIDATION_SPLIT`: share of `TRAIN_DATA` held out for validation. @default 0.2 */
  readonly validationSplit: number;
  /** `TRAIN_SEED`: seed of the train/validation shuffle. @default 42 */
  readonly trainSeed: number;
  /** `TRAIN_OPTIONS`: JSON of TF-IDF options. @default {"ngramRange":[1,2],"minDf":2,"sublinearTf":true,"C":4} */
  readonly trainOptions: TrainOptions;
  /** `PROMOTION_POLICY`: `if-better` (beats the served model's validation accuracy), `always`, `never`. @default "if-better" */
  readonly promotionPolicy: PromotionPolicy;
  /**
   * `API_TOKEN`: the Bearer token of `/train_model`, 16–4096 printable characters that are not easy
   * to guess (see {@link tokenStrength}); unset disables training (403). @default none
   */
  readonly apiToken: string | null;
  /** `MAX_BODY`: request body limit in bytes (`"1mb"`, `"100kb"` or a number). @default 1 MiB */
  readonly maxBody: number;
  /** `MAX_REVIEWS`: texts per request. @default 256 */
  readonly maxReviews: number;
  /** `MAX_REVIEW_CHARS`: characters (UTF-16 code units) per text. @default 20000 */
  readonly maxReviewChars: number;
  /** `LOG_LEVEL`: pino level. @default "info" */
  readonly logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** `SHUTDOWN_TIMEOUT_MS`: how long SIGTERM waits for in-flight requests. @default 10000 */
  readonly shutdownTimeoutMs: number;
  /**
   * `WORKERS`: processes serving on the same port (node:cluster); training, swaps and shutdown are
   * coordinated. Integer 1–256. @default `os.availableParallelism()`
   */
  readonly workers: number;
  /** `MODEL_REFRESH_SECONDS`: how often the served model is checked against the registry; 0 turns refresh off. 0–86400. @default 30 */
  readonly modelRefreshSeconds: number;
  /**
   * `TRAINING_LEASE_SECONDS`: how long a training lease lasts without renewal (a job renews it every
   * third of that). Integer 10–86400. @default 120
   */
  readonly trainingLeaseSeconds: number;
  /**
   * `MIN_VALIDATION_ACCURACY`: a new model replaces an absent or unreadable champion only if its
   * accuracy on the held-out split reaches this. 0–1. @default 0.6
   */
  readonly minValidationAccuracy: number;
  /** `MAX_CONNECTIONS`: open connections per process; more are refused. Integer 1–1000000. @default 1024 */
  readonly maxConnections: number;
  /**
   * `BODY_TIMEOUT_MS`: the time a client has to send a request's headers and body (Node's
   * `requestTimeout`; headers alone get at most 15 s). Integer 1000–600000. @default 30000
   */
  readonly bodyTimeoutMs: number;
  /**
   * `STORE_STARTUP_TIMEOUT_SECONDS`: how long a start keeps retrying (exponential backoff, each
   * retry logged with its cause) while the tracking store cannot be reached — a compose stack or a
   * Kubernetes pod may start the service before MLflow listens. Past it the process exits 1; 0
   * fails at the first unreachable store. A malformed configuration never waits. Integer 0–86400.
   * @default 180
   */
  readonly storeStartupTimeoutSeconds: number;
}

/**
 * Raised by {@link loadConfig}: one line per bad variable in `problems`.
 *
 * @example
 * ```ts
 * try { loadConfig({ PORT: "x" }); } catch (e) { if (e instanceof ConfigError) e.problems; } // ['PORT must be an integer from 0 to 65535, got "x"']
 * ```
 */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** Parses "1048576", "100kb", "1mb" (binary units, as Express's `limit`). */
function parseSize(value: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(value);
  if (!match) return null;
  const bytes = Math.floor(Number(match[1]) * SIZE_UNITS[(match[2] ?? "b").toLowerCase()]!);
  return Number.isSafeInteger(bytes) ? bytes : null;
}

const integer = (min: number, max: number, what: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, { error: `must be ${what}` })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: `must be ${what}` });

const decimal = (min: number, max: number, what: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, { error: `must be ${what}` })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: `must be ${what}` });

const trainOptionsSchema = z
  .object({
    ngramRange: z.tuple([z.int().min(1), z.int().min(1)]).refine(([a, b]) => a <= b, { error: "min must be ≤ max" }),
    minDf: z.number().min(0),
    maxDf: z.number().gt(0).optional(),
    maxFeatures: z.int().min(1).optional(),
    sublinearTf: z.boolean(),
    C: z.number().gt(0),
    maxIter: z.int().min(1).optional(),
    stopWords: z.literal("english").optional(),
  })
  .strict();

const DEFAULT_TRAIN_OPTIONS = { ngramRange: [1, 2], minDf: 2, sublinearTf: true, C: 4 };

/** The least {@link tokenStrength} `bits` an `API_TOKEN` must measure. */
export const MIN_TOKEN_BITS = 44;
/** The least number of distinct characters an `API_TOKEN` must have. */
export const MIN_TOKEN_DISTINCT = 8;

/**
 * A simple measure of how guessable a token is: the Shannon entropy of its character distribution
 * (bits per character) × its length, and its number of distinct characters. It catches repeated
 * characters and short alphabets ("aaaa…", "abab…"), not dictionary words. It underestimates random
 * tokens (16 random printable characters carry ~105 bits but measure 46–64, 32 random hex digits
 * measure ≥ 93), which is why {@link MIN_TOKEN_BITS} is 44: in 10⁶ random 16-character printable
 * tokens none measured below 46.
 *
 * @example
 * ```ts
 * tokenStrength("abababababababababab"); // { bits: 20, distinct: 2 }
 * tokenStrength("0123456789abcdef");     // { bits: 64, distinct: 16 }
 * ```
 */
export function tokenStrength(token: string): { bits: number; distinct: number } {
  const counts = new Map<string, number>();
  for (const ch of token) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const length = [...token].length;
  let perChar = 0;
  for (const n of counts.values()) perChar -= (n / length) * Math.log2(n / length);
  return { bits: perChar * length, distinct: counts.size };
}

const TOKEN_HOWTO = `generate one with \`openssl rand -hex 32\` or \`node -e "console.log(require('crypto').randomBytes(32).toString('hex'))"\``;

const name = z.string().trim().min(1, { error: "must not be empty" }).max(256, { error: "must be at most 256 characters" });

const envSchema = z.object({
  HOST: z.string().trim().min(1, { error: "must be a host name or address" }).default("0.0.0.0"),
  PORT: integer(0, 65535, "an integer from 0 to 65535").default(5001),
  MLFLOW_TRACKING_URI: z
    .string()
    .trim()
    .regex(/^(https?:\/\/\S+|sqlite:\/\/\/\S+|memory:\S*)$/i, { error: "must be an http(s):// MLflow server URL, sqlite:///path or memory:" })
    .default("sqlite:///mlflow.db"),
  MLFLOW_ARTIFACT_ROOT: z.string().trim().min(1, { error: "must not be empty" }).optional(),
  MODEL_URI: z.string().trim().optional(),
  REGISTERED_MODEL_NAME: name.default("sentiment-tfidf"),
  MODEL_ALIAS: z
    .string()
    .trim()
    .regex(/^[A-Za-z_][\w-]{0,254}$/, { error: "must be an alias name (letters, digits, _ and -, not starting with a digit)" })
    .refine((a) => !/^(latest|v\d+)$/i.test(a), { error: "must not be 'latest' or v<number> (reserved by MLflow)" })
    .default("champion"),
  EXPERIMENT_NAME: name.default("sentiment"),
  BERT_MODEL: z.string().trim().optional(),
  TRAIN_DATA: z.string().trim().optional(),
  VALIDATION_SPLIT: z
    .string()
    .trim()
    .transform(Number)
    .refine((n) => Number.isFinite(n) && n > 0 && n < 1, { error: "must be a number between 0 and 1 (exclusive)" })
    .default(0.2),
  TRAIN_SEED: integer(0, 2 ** 31 - 1, "a non-negative integer").default(42),
  TRAIN_OPTIONS: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "must be a JSON object" });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string(), z.unknown(), { error: "must be a JSON object" }))
    .optional(),
  PROMOTION_POLICY: z.enum(["if-better", "always", "never"], { error: "must be one of if-better, always, never" }).default("if-better"),
  API_TOKEN: z
    .string()
    .min(16, { error: "must be at least 16 characters (or unset to disable training)" })
    .max(4096, { error: "must be at most 4096 characters" })
    .regex(/^[\x21-\x7e]+$/, { error: "must be printable ASCII without spaces" })
    .refine(
      (token) => {
        const { bits, distinct } = tokenStrength(token);
        return bits >= MIN_TOKEN_BITS && distinct >= MIN_TOKEN_DISTINCT;
      },
      { error: `is too easy to guess (it needs at least ${MIN_TOKEN_DISTINCT} distinct characters and ${MIN_TOKEN_BITS} bits of character entropy × length): ${TOKEN_HOWTO}` },
    )
    .optional(),
  MAX_BODY: z
    .string()
    .transform((v, ctx) => {
      const bytes = parseSize(v);
      if (bytes === null || bytes < 64 || bytes > 1024 ** 3) {
        ctx.addIssue({ code: "custom", message: 'must be a size from 64 bytes to 1gb, e.g. 1048576, "100kb" or "1mb"' });
        return z.NEVER;
      }
      return bytes;
    })
    .default(1024 * 1024),
  MAX_REVIEWS: integer(1, 100_000, "an integer from 1 to 100000").default(256),
  MAX_REVIEW_CHARS: integer(1, 10_000_000, "an integer from 1 to 10000000").default(20_000),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], { error: "must be one of fatal, error, warn, info, debug, trace, silent" })
    .default("info"),
  SHUTDOWN_TIMEOUT_MS: integer(0, 600_000, "an integer from 0 to 600000").default(10_000),
  WORKERS: integer(1, 256, "an integer from 1 to 256").optional(),
  MODEL_REFRESH_SECONDS: decimal(0, 86_400, "a number of seconds from 0 (off) to 86400").default(30),
  TRAINING_LEASE_SECONDS: integer(10, 86_400, "an integer from 10 to 86400").default(120),
  MIN_VALIDATION_ACCURACY: decimal(0, 1, "a number from 0 to 1").default(0.6),
  MAX_CONNECTIONS: integer(1, 1_000_000, "an integer from 1 to 1000000").default(1024),
  BODY_TIMEOUT_MS: integer(1000, 600_000, "an integer from 1000 to 600000").default(30_000),
  STORE_STARTUP_TIMEOUT_SECONDS: integer(0, 86_400, "an integer number of seconds from 0 (no retry) to 86400").default(180),
});

/** Describes a value for a message without echoing secrets or huge strings. */
function shown(key: string, value: string | undefined): string {
  if (value === undefined) return "unset";
  if (key === "API_TOKEN") return `a value of ${value.length} characters`;
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}

/**
 * Reads and validates the configuration from environment variables. Empty values count as unset.
 *
 * @throws {ConfigError} listing every bad variable, one line each.
 *
 * @example
 * ```ts
 * const config = loadConfig({ PORT: "0", MLFLOW_TRACKING_URI: "memory:", API_TOKEN: "a-long-secret-token" });
 * config.port; // 0
 * ```
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): ServiceConfig {
  const present = Object.fromEntries(Object.keys(envSchema.shape).flatMap((k) => (env[k] !== undefined && env[k] !== "" ? [[k, env[k]]] : [])));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const byKey = new Map<string, string>();
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0]);
      if (!byKey.has(key)) byKey.set(key, `${key} ${issue.message}, got ${shown(key, present[key])}`);
    }
    throw new ConfigError([...byKey.values()]);
  }
  const e = parsed.data;
  const problems: string[] = [];
  let trainOptions = DEFAULT_TRAIN_OPTIONS as unknown as TrainOptions;
  if (e.TRAIN_OPTIONS) {
    const options = trainOptionsSchema.safeParse({ ...DEFAULT_TRAIN_OPTIONS, ...e.TRAIN_OPTIONS });
    if (options.success) trainOptions = options.data as TrainOptions;
    else {
      const issue = options.error.issues[0]!;
      problems.push(`TRAIN_OPTIONS ${issue.path.length ? `field ${issue.path.join(".")}: ` : ""}${issue.message}`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  const explicit = e.MODEL_URI !== undefined;
  const modelUri = explicit ? (e.MODEL_URI === "none" ? null : e.MODEL_URI!) : `models:/${e.REGISTERED_MODEL_NAME}@${e.MODEL_ALIAS}`;
  return Object.freeze({
    host: e.HOST,
    port: e.PORT,
    trackingUri: e.MLFLOW_TRACKING_URI,
    artifactRoot: e.MLFLOW_ARTIFACT_ROOT,
    modelUri,
    modelUriExplicit: explicit && modelUri !== null,
    registeredModelName: e.REGISTERED_MODEL_NAME,
    modelAlias: e.MODEL_ALIAS,
    experimentName: e.EXPERIMENT_NAME,
    bertModel: e.BERT_MODEL ?? null,
    trainData: e.TRAIN_DATA ?? null,
    validationSplit: e.VALIDATION_SPLIT,
    trainSeed: e.TRAIN_SEED,
    trainOptions: Object.freeze(trainOptions),
    promotionPolicy: e.PROMOTION_POLICY,
    apiToken: e.API_TOKEN ?? null,
    maxBody: e.MAX_BODY,
    maxReviews: e.MAX_REVIEWS,
    maxReviewChars: e.MAX_REVIEW_CHARS,
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    workers: e.WORKERS ?? Math.min(256, availableParallelism()),
    modelRefreshSeconds: e.MODEL_REFRESH_SECONDS,
    trainingLeaseSeconds: e.TRAINING_LEASE_SECONDS,
    minValidationAccuracy: e.MIN_VALIDATION_ACCURACY,
    maxConnections: e.MAX_CONNECTIONS,
    bodyTimeoutMs: e.BODY_TIMEOUT_MS,
    storeStartupTimeoutSeconds: e.STORE_STARTUP_TIMEOUT_SECONDS,
  });
}

/** Query (and fragment) parameters whose values {@link redactUri} masks, lower-cased. */
export const SECRET_PARAMETERS: ReadonlySet<string> = new Set(
  ["token", "access_token", "api_key", "apikey", "key", "secret", "password", "sig", "signature", "x-amz-signature", "x-amz-credential", "x-amz-security-token"].map((p) => p.toLowerCase()),
);

/** What {@link redactUri} answers for a URI it cannot take apart safely. */
export const MASKED_URI = "***";

/** `scheme://authority` then the rest; the authority ends at the first `/`, `?`, `#` or `\`, as in WHATWG URL. */
const AUTHORITY_URI = /^([a-z][\w+.-]*:\/\/)([^/?#\\]*)([\s\S]*)$/i;

function maskParameters(rest: string): string {
  return rest.replace(/([?&#;])([^=&#;]*)=([^&#;]*)/g, (whole, separator: string, key: string) => {
    let name = key;
    try {
      name = decodeURIComponent(key.replace(/\+/g, " "));
    } catch {
      // a malformed escape: compare the raw name
    }
    return SECRET_PARAMETERS.has(name.trim().toLowerCase()) ? `${separator}${key}=***` : whole;
  });
}

/**
 * Removes credentials from a URI before it is shown or logged: the password of the userinfo
 * (`http://user:secret@host` → `http://user:***@host`, the userinfo ending at the last `@` before
 * the host, as WHATWG URL parses it, so passwords containing `@` are masked whole), a userinfo
 * without password (`http://token@host` → `http://***@host`), and the values of token-like query
 * or fragment parameters ({@link SECRET_PARAMETERS}, case-insensitive: `?token=***`). URIs without
 * an authority (`models:/name@alias`, `runs:/…`, `memory:`, file paths) are returned unchanged.
 * Never throws: a `scheme://` string that WHATWG URL cannot parse, or a string that contains
 * `://` without starting with a scheme, becomes {@link MASKED_URI}.
 *
 * @example
 * ```ts
 * redactUri("http://me:pw@mlflow:5000");             // "http://me:***@mlflow:5000"
 * redactUri("http://me:p@ss@mlflow:5000");           // "http://me:***@mlflow:5000"
 * redactUri("https://tok@host/x?X-Amz-Signature=ab"); // "https://***@host/x?X-Amz-Signature=***"
 * redactUri("models:/sentiment-tfidf@champion");     // unchanged
 * ```
 */
export function redactUri(uri: string): string {
  try {
    const match = AUTHORITY_URI.exec(uri);
    if (!match) return uri.includes("://") ? MASKED_URI : uri;
    new URL(uri); // throws on what fetch would not accept either
    const [, scheme, authority, rest] = match as unknown as [string, string, string, string];
    const at = authority.lastIndexOf("@");
    let host = authority;
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      const colon = userinfo.indexOf(":");
      host = `${colon >= 0 ? `${userinfo.slice(0, colon)}:***` : "***"}@${authority.slice(at + 1)}`;
    }
    return `${scheme}${host}${maskParameters(rest)}`;
  } catch {
    return MASKED_URI;
  }
}

/** URLs inside free text (error messages, stacks, JSON log lines): a scheme, `://` and no blank, quote, backslash or angle bracket. */
const URL_IN_TEXT = /[a-z][\w+.-]*:\/\/[^\s"'\\<>]+/gi;

/**
 * Applies {@link redactUri} to every `scheme://…` URL inside a text (an error message, a stack, a
 * serialized log line); the rest of the text is kept.
 *
 * @example
 * ```ts
 * redactUrisInText("GET http://me:pw@mlflow:5000/api failed"); // "GET http://me:***@mlflow:5000/api failed"
 * ```
 */
export function redactUrisInText(text: string): string {
  return text.includes("://") ? text.replace(URL_IN_TEXT, (url) => redactUri(url)) : text;
}
