// The page of test/browser/bert.test.ts, bundled by Vite, webpack or esbuild (bert-bundlers.ts).
// It imports the package BY NAME, as an app would, and exposes what the test calls through
// page.evaluate on globalThis.bertPage. Models stay loaded between calls, by id.
//
// Its top level touches neither window nor document: when onnxruntime-web is bundled into this
// script (esbuild) and runs it as a worker, it evaluates quietly and starts no thread, the case
// the watchdog of a threaded load exists for.
import { loadBert, predict } from "senti-mlops/bert";

const models = new Map();
let next = 0;

function show(text) {
  const out = globalThis.document?.getElementById("out");
  if (out) out.textContent = text;
}

/** An error as plain data (it crosses page.evaluate). */
function describe(error) {
  return { name: error?.name, code: error?.code, component: error?.component, message: String(error?.message ?? error) };
}

/** Fetches `paths` under `base` as File objects; `relativeTo` gives them a webkitRelativePath as a picked folder does. */
async function fetchFiles(base, paths, relativeTo) {
  return Promise.all(
    paths.map(async (path) => {
      const res = await fetch(`${base}/${path}`);
      if (!res.ok) throw new Error(`GET ${base}/${path}: ${res.status}`);
      const file = new File([await res.blob()], path.split("/").pop(), { lastModified: 0 });
      if (relativeTo !== undefined) Object.defineProperty(file, "webkitRelativePath", { value: `${relativeTo}/${path}` });
      return file;
    }),
  );
}

/**
 * The source of a load, from plain data: a string, or
 * `{ files: base, paths, as: "folder" | "flat" | "record" | "single" }` for the files under `base`
 * held in memory (a picked folder, files picked one by one, a record of paths to Blobs, or the
 * first File alone).
 */
async function sourceOf(source) {
  if (typeof source === "string") return source;
  const { files: base, paths, as } = source;
  if (as === "folder") return fetchFiles(base, paths, "picked/bert-tiny-sst2");
  const files = await fetchFiles(base, paths);
  if (as === "flat") return files;
  if (as === "single") return files[0];
  return Object.fromEntries(paths.map((path, i) => [path, files[i]]));
}

globalThis.bertPage = {
  async load(source, options = {}) {
    const started = performance.now();
    try {
      const model = await loadBert(await sourceOf(source), options);
      const id = ++next;
      models.set(id, model);
      show(`loaded ${model.source} in ${Math.round(performance.now() - started)} ms`);
      return { ok: true, id, labels: model.labels, source: model.source, ms: performance.now() - started };
    } catch (error) {
      show(`load failed: ${error?.message ?? error}`);
      return { ok: false, error: describe(error), ms: performance.now() - started };
    }
  },
  async logits(id, texts) {
    return models.get(id).predictLogits(texts);
  },
  async proba(id, texts) {
    return models.get(id).predictProba(texts);
  },
  async predict(id, texts) {
    return predict(models.get(id), texts);
  },
  async dispose(id) {
    await models.get(id)?.dispose();
    models.delete(id);
  },
  isolated: () => globalThis.crossOriginIsolated === true,
};
globalThis.pageReady = true;
show("ready");
