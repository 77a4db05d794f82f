/**
 * MLflow's `python_function` flavor for the models senti-mlops logs, so that Python can use them:
 * `mlflow.pyfunc.load_model("models:/…")`, `mlflow models serve`. The model folder gets the Python
 * loader (`code/senti_mlops_pyfunc.py`, the module named by the flavor's `loader_module`) and the
 * environment files MLflow reads to recreate what it needs (`requirements.txt`,
 * `python_env.yaml`, `conda.yaml`).
 *
 * @module
 */
import type { ArtifactFile } from "../adapters/artifact-store.js";
import type { SentimentModel } from "../types.js";
import { TfidfModel } from "../tfidf/model.js";
import { pythonTokenPattern } from "../tfidf/python-token-pattern.js";
import { ENGLISH_STOP_WORDS } from "../tfidf/stop-words.js";
import { PYFUNC_LOADER_SOURCE } from "./pyfunc-loader.js";

/**
 * The name of the Python module that loads senti-mlops models (the flavor's `loader_module`).
 *
 * @example
 * ```ts
 * mlmodel.flavors.python_function.loader_module === PYFUNC_LOADER_MODULE; // true
 * ```
 */
export const PYFUNC_LOADER_MODULE = "senti_mlops_pyfunc";

/**
 * The Python the loader is tested with, recorded as the flavor's `python_version` and the
 * environment files' interpreter (MLflow warns when the loading Python's minor version differs).
 *
 * @example
 * ```ts
 * mlmodel.flavors.python_function.python_version; // "3.11"
 * ```
 */
export const PYFUNC_PYTHON_VERSION = "3.11";

/** What the loader imports for each model kind (lower bounds: the oldest releases with the APIs it calls). */
const REQUIREMENTS: Readonly<Record<string, readonly string[]>> = {
  tfidf: ["mlflow", "numpy>=1.21", "pandas", "pyyaml"],
  bert: ["mlflow", "numpy>=1.21", "pandas", "pyyaml", "onnxruntime>=1.16", "tokenizers>=0.15"],
};

/**
 * The `python_function` flavor of a model and the files it needs in the model folder, or `null`
 * for a kind the Python loader does not read (a codec plugged in by an application).
 *
 * @example
 * ```ts
 * const pyfunc = pythonFunctionFlavor(model);
 * if (pyfunc) { files.push(...pyfunc.files); flavors.python_function = pyfunc.flavor; }
 * ```
 */
export function pythonFunctionFlavor(model: SentimentModel): { files: ArtifactFile[]; flavor: Record<string, unknown> } | null {
  const requirements = REQUIREMENTS[model.kind];
  if (!requirements) return null;
  const encoder = new TextEncoder();
  const file = (path: string, text: string): ArtifactFile => ({ path, bytes: encoder.encode(text) });
  const pipLines = requirements.map((r) => `    - ${r}\n`).join("");
  const files = [
    file(`code/${PYFUNC_LOADER_MODULE}.py`, PYFUNC_LOADER_SOURCE),
    file("requirements.txt", requirements.join("\n") + "\n"),
    file("python_env.yaml", `python: "${PYFUNC_PYTHON_VERSION}"\nbuild_dependencies:\n  - pip\ndependencies:\n  - -r requirements.txt\n`),
    file(
      "conda.yaml",
      `name: mlflow-env\nchannels:\n  - conda-forge\ndependencies:\n  - python=${PYFUNC_PYTHON_VERSION}\n  - pip\n  - pip:\n${pipLines}`,
    ),
  ];
  const modelConfig = model instanceof TfidfModel ? tfidfModelConfig(model) : {};
  const flavor: Record<string, unknown> = {
    loader_module: PYFUNC_LOADER_MODULE,
    code: "code",
    env: { conda: "conda.yaml", virtualenv: "python_env.yaml" },
    python_version: PYFUNC_PYTHON_VERSION,
    predict_fn: "predict",
    ...(Object.keys(modelConfig).length > 0 ? { config: modelConfig } : {}),
  };
  return { files, flavor };
}

/**
 * What the Python loader of a TF-IDF model cannot read from its file: the token pattern in
 * Python's syntax, and the words of a named stop-word list.
 */
function tfidfModelConfig(model: TfidfModel): Record<string, unknown> {
  const options = model.vectorizer.options;
  const config: Record<string, unknown> = {};
  if (options.tokenPattern) {
    const pattern = pythonTokenPattern(options.tokenPattern);
    // Without one the Python loader refuses the model, naming the JavaScript pattern.
    if (pattern !== null) config.token_pattern = pattern;
  }
  if (options.stopWordsName === "english") config.stop_words = [...ENGLISH_STOP_WORDS];
  return config;
}
