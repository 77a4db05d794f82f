/**
 * The service's configuration: defaults, one clear message per bad variable (naming it, what it
 * must be and what it was), secrets never echoed, credentials masked in URIs.
 */
import { availableParallelism } from "node:os";
import { describe, expect, test } from "vitest";
import { randomBytes, randomInt } from "node:crypto";
import { ConfigError, MASKED_URI, loadConfig, redactUri, redactUrisInText, tokenStrength } from "../../examples/express-server/src/config.js";
import { TOKEN } from "./helpers.js";

function problems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  test("defaults", () => {
    expect(loadConfig({})).toEqual({
      host: "0.0.0.0",
      port: 5001,
      trackingUri: "sqlite:///mlflow.db",
      artifactRoot: undefined,
      modelUri: "models:/sentiment-tfidf@champion",
      modelUriExplicit: false,
      registeredModelName: "sentiment-tfidf",
      modelAlias: "champion",
      experimentName: "sentiment",
      bertModel: null,
      trainData: null,
      validationSplit: 0.2,
      trainSeed: 42,
      trainOptions: { ngramRange: [1, 2], minDf: 2, sublinearTf: true, C: 4 },
      promotionPolicy: "if-better",
      apiToken: null,
      maxBody: 1024 * 1024,
      maxReviews: 256,
      maxReviewChars: 20_000,
      logLevel: "info",
      shutdownTimeoutMs: 10_000,
      workers: availableParallelism(),
      modelRefreshSeconds: 30,
      trainingLeaseSeconds: 120,
      minValidationAccuracy: 0.6,
      maxConnections: 1024,
      bodyTimeoutMs: 30_000,
      storeStartupTimeoutSeconds: 180,
    });
    expect(Object.isFrozen(loadConfig({}))).toBe(true);
  });

  test("values are parsed; empty values count as unset; MODEL_URI=none serves nothing; the alias follows the name", () => {
    const c = loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      MLFLOW_TRACKING_URI: "http://mlflow:5000",
      MAX_BODY: "100kb",
      MAX_REVIEWS: "32",
      MAX_REVIEW_CHARS: "5000",
      API_TOKEN: "0123456789abcdef",
      TRAIN_OPTIONS: '{"C": 2, "ngramRange": [1, 1]}',
      REGISTERED_MODEL_NAME: "reviews",
      MODEL_ALIAS: "prod",
      BERT_MODEL: "",
    });
    expect(c).toMatchObject({ port: 0, host: "127.0.0.1", trackingUri: "http://mlflow:5000", maxBody: 102_400, maxReviews: 32, maxReviewChars: 5000, bertModel: null });
    expect(c.trainOptions).toEqual({ ngramRange: [1, 1], minDf: 2, sublinearTf: true, C: 2 });
    expect(c.modelUri).toBe("models:/reviews@prod");
    expect(loadConfig({ MAX_BODY: "2mb" }).maxBody).toBe(2 * 1024 * 1024);
    expect(loadConfig({ MODEL_URI: "none" })).toMatchObject({ modelUri: null, modelUriExplicit: false });
    expect(loadConfig({ MODEL_URI: "runs:/abc/model" })).toMatchObject({ modelUri: "runs:/abc/model", modelUriExplicit: true });
  });

  test.each([
    [{ PORT: "abc" }, 'PORT must be an integer from 0 to 65535, got "abc"'],
    [{ PORT: "70000" }, 'PORT must be an integer from 0 to 65535, got "70000"'],
    [{ MLFLOW_TRACKING_URI: "mysql://db" }, 'MLFLOW_TRACKING_URI must be an http(s):// MLflow server URL, sqlite:///path or memory:, got "mysql://db"'],
    [{ MAX_BODY: "lots" }, 'MAX_BODY must be a size from 64 bytes to 1gb, e.g. 1048576, "100kb" or "1mb", got "lots"'],
    [{ MAX_REVIEWS: "0" }, 'MAX_REVIEWS must be an integer from 1 to 100000, got "0"'],
    [{ MAX_REVIEW_CHARS: "-5" }, 'MAX_REVIEW_CHARS must be an integer from 1 to 10000000, got "-5"'],
    [{ VALIDATION_SPLIT: "1.5" }, 'VALIDATION_SPLIT must be a number between 0 and 1 (exclusive), got "1.5"'],
    [{ PROMOTION_POLICY: "maybe" }, 'PROMOTION_POLICY must be one of if-better, always, never, got "maybe"'],
    [{ LOG_LEVEL: "loud" }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    [{ MODEL_ALIAS: "v3" }, "MODEL_ALIAS must not be 'latest' or v<number> (reserved by MLflow), got \"v3\""],
    [{ TRAIN_OPTIONS: "{C:1}" }, 'TRAIN_OPTIONS must be a JSON object, got "{C:1}"'],
    [{ TRAIN_OPTIONS: '{"C": -1}' }, "TRAIN_OPTIONS field C: Too small: expected number to be >0"],
    [{ TRAIN_OPTIONS: '{"penalty": "l1"}' }, 'TRAIN_OPTIONS Unrecognized key: "penalty"'],
    [{ WORKERS: "0" }, 'WORKERS must be an integer from 1 to 256, got "0"'],
    [{ WORKERS: "2.5" }, 'WORKERS must be an integer from 1 to 256, got "2.5"'],
    [{ MODEL_REFRESH_SECONDS: "-1" }, 'MODEL_REFRESH_SECONDS must be a number of seconds from 0 (off) to 86400, got "-1"'],
    [{ MODEL_REFRESH_SECONDS: "86401" }, 'MODEL_REFRESH_SECONDS must be a number of seconds from 0 (off) to 86400, got "86401"'],
    [{ TRAINING_LEASE_SECONDS: "9" }, 'TRAINING_LEASE_SECONDS must be an integer from 10 to 86400, got "9"'],
    [{ MIN_VALIDATION_ACCURACY: "1.1" }, 'MIN_VALIDATION_ACCURACY must be a number from 0 to 1, got "1.1"'],
    [{ MIN_VALIDATION_ACCURACY: "high" }, 'MIN_VALIDATION_ACCURACY must be a number from 0 to 1, got "high"'],
    [{ MAX_CONNECTIONS: "0" }, 'MAX_CONNECTIONS must be an integer from 1 to 1000000, got "0"'],
    [{ BODY_TIMEOUT_MS: "999" }, 'BODY_TIMEOUT_MS must be an integer from 1000 to 600000, got "999"'],
    [{ BODY_TIMEOUT_MS: "600001" }, 'BODY_TIMEOUT_MS must be an integer from 1000 to 600000, got "600001"'],
  ])("%o → one message naming the variable", (env, message) => {
    expect(problems(env as Record<string, string>)).toEqual([message]);
  });

  test("workers, model refresh, training lease, minimum accuracy, connection and body limits are parsed", () => {
    expect(
      loadConfig({
        WORKERS: "4",
        MODEL_REFRESH_SECONDS: "0.5",
        TRAINING_LEASE_SECONDS: "10",
        MIN_VALIDATION_ACCURACY: "0.75",
        MAX_CONNECTIONS: "1000000",
        BODY_TIMEOUT_MS: "1000",
      }),
    ).toMatchObject({ workers: 4, modelRefreshSeconds: 0.5, trainingLeaseSeconds: 10, minValidationAccuracy: 0.75, maxConnections: 1_000_000, bodyTimeoutMs: 1000 });
    expect(loadConfig({ MODEL_REFRESH_SECONDS: "0", MIN_VALIDATION_ACCURACY: "0", WORKERS: "256" })).toMatchObject({ modelRefreshSeconds: 0, minValidationAccuracy: 0, workers: 256 });
  });

  test("API_TOKEN of low entropy is refused with how to generate one; random 32-hex and 16-printable tokens pass", () => {
    const howTo = "generate one with `openssl rand -hex 32` or `node -e \"console.log(require('crypto').randomBytes(32).toString('hex'))\"`";
    for (const weak of ["a".repeat(20), "ab".repeat(10), "aaaaaaaaaaaaaaaa1", "abcabcabcabcabcabcabcabc", "1234123412341234"]) {
      const p = problems({ API_TOKEN: weak });
      expect(p, weak).toEqual([
        `API_TOKEN is too easy to guess (it needs at least 8 distinct characters and 44 bits of character entropy × length): ${howTo}, got a value of ${weak.length} characters`,
      ]);
      expect(p[0]).not.toContain(weak);
    }
    expect(tokenStrength("ab".repeat(10))).toEqual({ bits: 20, distinct: 2 });
    expect(tokenStrength("0123456789abcdef")).toEqual({ bits: 64, distinct: 16 });
    for (let i = 0; i < 1000; i++) {
      const hex = randomBytes(16).toString("hex");
      expect(loadConfig({ API_TOKEN: hex }).apiToken).toBe(hex);
      const printable = Array.from({ length: 16 }, () => String.fromCharCode(33 + randomInt(94))).join("");
      expect(loadConfig({ API_TOKEN: printable }).apiToken, printable).toBe(printable);
    }
    expect(loadConfig({ API_TOKEN: TOKEN }).apiToken).toBe(TOKEN);
  });

  test("every bad variable gets its own line; API_TOKEN is never echoed", () => {
    const secret = "short secret";
    const p = problems({ PORT: "x", MAX_REVIEWS: "many", API_TOKEN: secret, SHUTDOWN_TIMEOUT_MS: "soon" });
    expect(p).toHaveLength(4);
    expect(p.map((line) => line.split(" ")[0])).toEqual(["PORT", "API_TOKEN", "MAX_REVIEWS", "SHUTDOWN_TIMEOUT_MS"]);
    expect(p[1]).toBe("API_TOKEN must be at least 16 characters (or unset to disable training), got a value of 12 characters");
    const error = (() => {
      try {
        loadConfig({ API_TOKEN: secret });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).not.toContain(secret);
  });
});

test("redactUri masks passwords in URIs", () => {
  expect(redactUri("http://me:pw@mlflow:5000")).toBe("http://me:***@mlflow:5000");
  expect(redactUri("https://mlflow.example.com")).toBe("https://mlflow.example.com");
  expect(redactUri("sqlite:///mlflow.db")).toBe("sqlite:///mlflow.db");
});

test("redactUri masks passwords containing @, token-only userinfo and token-like query parameters; never throws", () => {
  expect(redactUri("http://user:p%40ss@w0rd@127.0.0.1:5000/")).toBe("http://user:***@127.0.0.1:5000/");
  expect(redactUri("http://user:p@ss@w0rd@mlflow/api")).toBe("http://user:***@mlflow/api");
  expect(redactUri("http://token123@mlflow:5000")).toBe("http://***@mlflow:5000");
  const params = ["token", "access_token", "API_KEY", "apikey", "key", "Secret", "password", "sig", "signature", "X-Amz-Signature", "x-amz-credential", "X-Amz-Security-Token"];
  for (const p of params) expect(redactUri(`https://s3.example.com/b/o?a=1&${p}=s3cr3t&b=2`), p).toBe(`https://s3.example.com/b/o?a=1&${p}=***&b=2`);
  expect(redactUri("https://h/x#access_token=s3cr3t")).toBe("https://h/x#access_token=***");
  expect(redactUri("https://h/x?model=bert&tokenizer=fast")).toBe("https://h/x?model=bert&tokenizer=fast");
  for (const kept of ["models:/sentiment-tfidf@champion", "runs:/abc/model", "memory:", "/srv/models/tfidf", "./model"]) expect(redactUri(kept)).toBe(kept);
  for (const weird of ["http://u:s3cr3t@h:99999", "http://[s3cr3t", " http://u:s3cr3t@h", "x\u0000://u:s3cr3t@h", "http://u:s3cr3t@"]) {
    expect(() => redactUri(weird)).not.toThrow();
    expect(redactUri(weird), weird).not.toContain("s3cr3t");
  }
  expect(redactUri("http://[s3cr3t")).toBe(MASKED_URI);
  expect(redactUrisInText("GET http://me:s3cr3t@mlflow:5000/api/2.0?x=1 failed: connect ECONNREFUSED")).toBe("GET http://me:***@mlflow:5000/api/2.0?x=1 failed: connect ECONNREFUSED");
});
