import { describe, expect, it } from "vitest";
import { isModelsUri, parseModelsUri, parseRunsUri, type ModelsUriFailure } from "../../src/mlflow/model-uri.js";
import * as modelsEntry from "../../src/entries/models.js";
import { SentiMlopsError } from "../../src/errors.js";

const failure = (uri: unknown): SentiMlopsError => {
  try {
    parseModelsUri(uri as string);
  } catch (e) {
    return e as SentiMlopsError;
  }
  throw new Error(`${String(uri)} parsed`);
};

describe("parseModelsUri (one parser, MLflow's _parse_model_uri)", () => {
  it("parses versions, stages, latest, aliases and model ids", () => {
    expect(parseModelsUri("models:/sentiment/3")).toEqual({ kind: "version", name: "sentiment", version: "3" });
    expect(parseModelsUri("models:/sentiment/007")).toEqual({ kind: "version", name: "sentiment", version: "007" });
    expect(parseModelsUri("models:/sentiment/Production")).toEqual({ kind: "stage", name: "sentiment", stage: "Production" });
    expect(parseModelsUri("models:/sentiment/staging")).toEqual({ kind: "stage", name: "sentiment", stage: "staging" });
    expect(parseModelsUri("models:/sentiment/latest")).toEqual({ kind: "latest", name: "sentiment" });
    expect(parseModelsUri("models:/sentiment/LATEST")).toEqual({ kind: "latest", name: "sentiment" });
    expect(parseModelsUri("models:/sentiment@champion")).toEqual({ kind: "alias", name: "sentiment", alias: "champion" });
    expect(parseModelsUri("models:/m@a@champion")).toEqual({ kind: "alias", name: "m@a", alias: "champion" });
    expect(parseModelsUri("models:/m-0123456789abcdef")).toEqual({ kind: "modelId", modelId: "m-0123456789abcdef" });
    // The scheme is case-insensitive and a query is ignored.
    expect(parseModelsUri("MODELS:/sentiment/3")).toEqual({ kind: "version", name: "sentiment", version: "3" });
    expect(parseModelsUri("models:/sentiment/3?x=1")).toEqual({ kind: "version", name: "sentiment", version: "3" });
  });

  it("throws INVALID_PARAMETER_VALUE with MLflow's client message and the reason", () => {
    const cases: [unknown, ModelsUriFailure][] = [
      ["runs:/abc/model", "scheme"],
      ["s3://bucket/model", "scheme"],
      ["./model", "scheme"],
      ["", "scheme"],
      [42, "scheme"],
      ["models://profile/sentiment/3", "authority"],
      ["models://", "authority"],
      ["models:/", "improper"],
      ["models:", "improper"],
      ["models:m/1", "improper"],
      ["models:/a/b/c", "improper"],
      ["models:/m/ ", "improper"],
      ["models:/ /1", "improper"],
      ["models:/m@", "improper"],
      ["models:/m@ ", "improper"],
    ];
    for (const [uri, reason] of cases) {
      const e = failure(uri);
      expect(e, String(uri)).toBeInstanceOf(SentiMlopsError);
      expect(e.code, String(uri)).toBe("INVALID_PARAMETER_VALUE");
      expect(e.component, String(uri)).toBe("mlflow");
      expect(e.details, String(uri)).toEqual({ reason });
      expect(e.message, String(uri)).toBe(
        `Not a proper models:/ URI: ${JSON.stringify(String(uri))}. Models URIs must be of the form 'models:/model_name/suffix' or ` +
          `'models:/model_name@alias' where suffix is a model version, stage, or the string 'latest' and where alias is a registered model alias.`,
      );
    }
  });

  it("isModelsUri checks only the scheme", () => {
    expect(isModelsUri("models:/sentiment/3")).toBe(true);
    expect(isModelsUri("Models:/m@a")).toBe(true);
    expect(isModelsUri("models:/")).toBe(true);
    expect(isModelsUri("models://profile/m/1")).toBe(true);
    expect(isModelsUri("runs:/abc/model")).toBe(false);
    expect(isModelsUri("models")).toBe(false);
    expect(isModelsUri("./models:/x")).toBe(false);
    expect(isModelsUri(undefined)).toBe(false);
  });

  it("parseRunsUri splits runs:/ URIs", () => {
    expect(parseRunsUri("runs:/abc/model/")).toEqual({ runId: "abc", path: "model" });
    expect(parseRunsUri("runs:/abc")).toEqual({ runId: "abc", path: "" });
    expect(() => parseRunsUri("runs:/")).toThrowError(/Not a proper runs:\/ URI/);
  });

  it("senti-mlops/models exports the one parser", () => {
    expect(modelsEntry.parseModelsUri).toBe(parseModelsUri);
    expect(modelsEntry.isModelsUri).toBe(isModelsUri);
    expect(modelsEntry.parseRunsUri).toBe(parseRunsUri);
  });
});

describe("parseRunsUri keeps paths inside the run's artifacts", () => {
  it("refuses '..', '.', empty segments, backslashes and their percent-encodings, naming the URI", () => {
    for (const uri of ["runs:/abc/../x", "runs:/abc/a/../../x", "runs:/abc/./x", "runs:/abc//etc/passwd", "runs:/abc/a//b", "runs:/abc/a\\..\\b", "runs:/abc/%2E%2E/x", "runs:/abc/a%2Fb", "runs:/../x"]) {
      let error: unknown;
      try {
        parseRunsUri(uri);
      } catch (e) {
        error = e;
      }
      expect((error as SentiMlopsError)?.code, uri).toBe("INVALID_PARAMETER_VALUE");
      expect((error as SentiMlopsError).message, uri).toContain(JSON.stringify(uri));
    }
    expect(parseRunsUri("runs:/abc/model/sub/MLmodel")).toEqual({ runId: "abc", path: "model/sub/MLmodel" });
    expect(parseRunsUri("runs:/abc/a..b/.hidden")).toEqual({ runId: "abc", path: "a..b/.hidden" });
  });
});
