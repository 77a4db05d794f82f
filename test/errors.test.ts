/**
 * SentiMlopsError's structure: every error the library throws names its `component` as a field,
 * messages carry no "[senti-mlops] [component] " prefix, and `toJSON()` stays MLflow's wire shape
 * (`{ error_code, message, ...details }`, no component).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { SentiMlopsError, isSentiMlopsError } from "../src/errors.js";
import { createRestClient } from "../src/mlflow/rest-client.js";
import { predict } from "../src/predict.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SRC = join(ROOT, "src");


/** Call sites that legitimately pass no `component` literal, with the reason. */
const FORWARDING: Readonly<Record<string, string>> = {
  "src/errors.ts": "invalidParameterValue forwards its caller's options, component included",
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.[cm]?ts$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

interface Finding {
  file: string;
  line: number;
  text: string;
}

/** Scans every source file: string literals holding "[senti-mlops]", and error call sites without a component. */
function scan(): { prefixed: Finding[]; withoutComponent: Finding[]; callSites: number } {
  const prefixed: Finding[] = [];
  const withoutComponent: Finding[] = [];
  let callSites = 0;
  for (const path of sourceFiles(SRC)) {
    const file = relative(ROOT, path).split(sep).join("/");
    const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
    const at = (node: ts.Node): Finding => ({
      file,
      line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1,
      text: node.getText(source).slice(0, 120),
    });
    const visit = (node: ts.Node): void => {
      if (
        (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) &&
        node.text.includes("[senti-mlops]")
      ) {
        prefixed.push(at(node));
      }
      const isNew = ts.isNewExpression(node) && node.expression.getText(source) === "SentiMlopsError";
      const isShorthand =
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        node.expression.name.text === "invalidParameterValue" &&
        node.expression.expression.getText(source) === "SentiMlopsError";
      if ((isNew || isShorthand) && FORWARDING[file] === undefined) {
        callSites++;
        const args = (node as ts.NewExpression | ts.CallExpression).arguments ?? ts.factory.createNodeArray();
        const options = args[isNew ? 2 : 1];
        if (options === undefined || !/\bcomponent\b/.test(options.getText(source))) withoutComponent.push(at(node));
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { prefixed, withoutComponent, callSites };
}

describe("SentiMlopsError", () => {
  it("carries its component as a field", () => {
    const error = new SentiMlopsError("RESOURCE_DOES_NOT_EXIST", "Run 'abc' not found", { component: "tracking" });
    expect(error.component).toBe("tracking");
    expect(error.message).toBe("Run 'abc' not found");
    expect(SentiMlopsError.invalidParameterValue("C must be positive", { component: "tfidf" }).component).toBe("tfidf");
    expect(new SentiMlopsError("INTERNAL_ERROR", "x").component).toBeUndefined();
  });

  it("keeps toJSON() MLflow's shape, without the component", () => {
    const error = new SentiMlopsError("RESOURCE_DOES_NOT_EXIST", "Run 'abc' not found", {
      component: "tracking",
      details: { httpStatus: 404 },
    });
    expect(error.toJSON()).toEqual({ httpStatus: 404, error_code: "RESOURCE_DOES_NOT_EXIST", message: "Run 'abc' not found" });
    expect(JSON.parse(JSON.stringify(error))).toEqual({ httpStatus: 404, error_code: "RESOURCE_DOES_NOT_EXIST", message: "Run 'abc' not found" });
    expect(SentiMlopsError.invalidParameterValue("bad", { component: "data" }).toJSON()).toEqual({ error_code: "INVALID_PARAMETER_VALUE", message: "bad" });
  });

  it("is what the library throws: component set, message without a prefix", async () => {
    const error = await predict({} as never, ["x"]).catch((e: unknown) => e);
    expect(isSentiMlopsError(error)).toBe(true);
    expect(error).toMatchObject({ code: "INVALID_PARAMETER_VALUE", component: "models" });
    expect((error as Error).message).toMatch(/^model must be a loaded model/);
  });

  it("reports the REST client's failures as the calling component; a server's message is kept as it is", async () => {
    const down = createRestClient("http://127.0.0.1:9", { retries: 0, fetch: () => Promise.reject(new TypeError("fetch failed")) }, "registry");
    await expect(down.get("/api/2.0/mlflow/registered-models/get", { name: "m" })).rejects.toMatchObject({
      code: "TEMPORARILY_UNAVAILABLE",
      component: "registry",
      message: "GET http://127.0.0.1:9/api/2.0/mlflow/registered-models/get?name=m failed: fetch failed",
    });
    const body = { error_code: "RESOURCE_DOES_NOT_EXIST", message: "Registered Model with name=m not found" };
    const server = createRestClient("http://mlflow.test", { retries: 0, fetch: async () => new Response(JSON.stringify(body), { status: 404 }) }, "registry");
    const error = await server.get("/api/2.0/mlflow/registered-models/get", { name: "m" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "RESOURCE_DOES_NOT_EXIST", component: "registry", message: body.message });
    expect((error as SentiMlopsError).toJSON()).toEqual({ ...body, httpStatus: 404 });
    const plain = createRestClient("http://mlflow.test", { retries: 0, fetch: async () => new Response(JSON.stringify(body), { status: 404 }) });
    await expect(plain.get("/x")).rejects.toMatchObject({ component: "mlflow" });
  });
});

describe("the sources", () => {
  const { prefixed, withoutComponent, callSites } = scan();

  it("hold no \"[senti-mlops]\" message prefix in any string literal", () => {
    expect(prefixed).toEqual([]);
  });

  it("pass a component at every SentiMlopsError call site", () => {
    expect(callSites).toBeGreaterThan(200);
    expect(withoutComponent).toEqual([]);
  });
});
