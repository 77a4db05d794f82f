/**
 * `models:/` and `runs:/` URIs split as MLflow splits them (`mlflow/store/artifact/utils/models.py`
 * `_parse_model_uri`, `runs_artifact_repo.py`): one parser for the registry stores (which map its
 * errors to the server's messages) and for loading models (which report them as MLflow's client does).
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";

/**
 * A `models:/` URI split as MLflow's `_parse_model_uri` splits it.
 *
 * @example
 * ```ts
 * const parsed: ParsedModelsUri = { kind: "stage", name: "sentiment", stage: "Production" };
 * ```
 */
export type ParsedModelsUri =
  | { readonly kind: "version"; readonly name: string; readonly version: string }
  | { readonly kind: "stage"; readonly name: string; readonly stage: string }
  | { readonly kind: "latest"; readonly name: string }
  | { readonly kind: "alias"; readonly name: string; readonly alias: string }
  | { readonly kind: "modelId"; readonly modelId: string };

/**
 * Why {@link parseModelsUri} refused a URI, in its error's `details.reason`: not the `models`
 * scheme (or not a string), an authority (`models://profile/…`, another registry), or a
 * `models:/` URI of the wrong form.
 *
 * @example
 * ```ts
 * const reason: ModelsUriFailure = "improper";
 * ```
 */
export type ModelsUriFailure = "scheme" | "authority" | "improper";

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

/**
 * Whether `uri` uses the `models` scheme (any case), whatever follows; {@link parseModelsUri} then
 * says whether it is a proper one.
 *
 * @example
 * ```ts
 * isModelsUri("models:/sentiment/3"); // true
 * isModelsUri("runs:/abc/model");     // false
 * ```
 */
export function isModelsUri(uri: unknown): boolean {
  if (typeof uri !== "string") return false;
  const match = SCHEME.exec(uri);
  return match !== null && match[1]!.toLowerCase() === "models";
}

const notProper = (uri: string, reason: ModelsUriFailure): SentiMlopsError =>
  SentiMlopsError.invalidParameterValue(
    `Not a proper models:/ URI: ${JSON.stringify(uri)}. Models URIs must be of the form 'models:/model_name/suffix' or ` +
      `'models:/model_name@alias' where suffix is a model version, stage, or the string 'latest' and where alias is a registered model alias.`,
    { component: "mlflow", details: { reason } },
  );

/**
 * Parses a `models:/` URI as MLflow's `_parse_model_uri` (`store/artifact/utils/models.py:59`):
 * `models:/name/3`, `models:/name/Production`, `models:/name/latest`, `models:/name@alias`, or
 * `models:/m-<id>` (a logged model).
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` with MLflow's client message ("Not a proper
 * models:/ URI: …") for anything else; `details.reason` says why: `"scheme"` (not a `models:` URI),
 * `"authority"` (`models://…`) or `"improper"` (a `models:/` URI of the wrong form).
 *
 * @example
 * ```ts
 * parseModelsUri("models:/sentiment/3");        // { kind: "version", name: "sentiment", version: "3" }
 * parseModelsUri("models:/sentiment@champion"); // { kind: "alias", name: "sentiment", alias: "champion" }
 * parseModelsUri("runs:/abc/model");            // throws, details.reason "scheme"
 * ```
 */
export function parseModelsUri(uri: string): ParsedModelsUri {
  if (!isModelsUri(uri)) throw notProper(String(uri), "scheme");
  let rest = uri.slice(SCHEME.exec(uri)![0].length);
  // An authority (models://profile/...) names another registry.
  if (rest.startsWith("//")) throw notProper(uri, "authority");
  const improper = (): SentiMlopsError => notProper(uri, "improper");
  rest = rest.split("?")[0]!;
  if (!rest.startsWith("/") || rest.length <= 1) throw improper();
  const parts = rest.replace(/^\/+/, "").split("/");
  if (parts.length > 2 || parts[0]!.trim() === "") throw improper();
  if (parts.length === 2) {
    const [name, suffix] = parts as [string, string];
    if (suffix.trim() === "") throw improper();
    if (/^\d+$/.test(suffix)) return { kind: "version", name, version: suffix };
    if (suffix.toLowerCase() === "latest") return { kind: "latest", name };
    return { kind: "stage", name, stage: suffix };
  }
  const [only] = parts as [string];
  const at = only.lastIndexOf("@");
  if (at >= 0) {
    const alias = only.slice(at + 1);
    if (alias.trim() === "") throw improper();
    return { kind: "alias", name: only.slice(0, at), alias };
  }
  return { kind: "modelId", modelId: only };
}

/** `decodeURIComponent`, or the text itself when it is not valid percent-encoding. */
const decoded = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/**
 * Parses `runs:/<run id>/<path>` (the path may be empty: the run's artifact root). The path must
 * stay inside the run's artifacts: a `..` or `.` segment, an empty segment (`a//b`, or a path
 * starting with `/`), a backslash, a NUL, or a segment that percent-decodes to one of those
 * (`%2e%2e`) is refused. MLflow's client joins such paths as given; senti-mlops refuses them so
 * that a URI from a registry or a request cannot read another run's (or any) files.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` ("Not a proper runs:/ URI: …") when `uri` is
 * not one, or naming the URI when its path would leave the run's artifacts.
 *
 * @example
 * ```ts
 * parseRunsUri("runs:/0123456789abcdef0123456789abcdef/model"); // { runId: "0123…", path: "model" }
 * parseRunsUri("runs:/0123456789abcdef0123456789abcdef/../other/artifacts/model"); // throws INVALID_PARAMETER_VALUE
 * ```
 */
export function parseRunsUri(uri: string): { readonly runId: string; readonly path: string } {
  const match = typeof uri === "string" ? /^runs:\/+([^/]+)\/?(.*)$/.exec(uri) : null;
  if (!match || match[1]!.trim() === "") {
    throw SentiMlopsError.invalidParameterValue(
      `Not a proper runs:/ URI: ${JSON.stringify(uri)}. Runs URIs are of the form 'runs:/<run_id>/<path>'`,
      { component: "mlflow" },
    );
  }
  const runId = match[1]!;
  const path = match[2]!.replace(/\/+$/, "");
  const refuse = (why: string): never => {
    throw SentiMlopsError.invalidParameterValue(
      `Invalid runs:/ URI ${JSON.stringify(uri)}: the artifact path must stay inside the run's artifacts (${why})`,
      { component: "mlflow", details: { uri } },
    );
  };
  if (/^(\.|%2e){1,2}$/i.test(runId) || /[\\\0]|%5c|%2f|%00/i.test(runId)) refuse("the run id is a path");
  if (path !== "") {
    for (const raw of path.split("/")) {
      const segment = decoded(raw);
      if (segment === "") refuse("an empty segment or an absolute path");
      if (segment === "." || segment === "..") refuse(`a '${segment}' segment`);
      if (/[\\/\0]/.test(segment)) refuse("a backslash, an encoded '/' or a NUL");
    }
  }
  return { runId, path };
}
