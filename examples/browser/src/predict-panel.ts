/**
 * Live predictions: what is typed is scored by the registered TF-IDF champion
 * (`models:/sentiment-tfidf@champion`, read from the IndexedDB store) and by a BERT model loaded
 * from a folder URL, a moment after typing stops. Each result element carries the full
 * probabilities in `data-probabilities` (the page shows them rounded).
 */
import { hasErrorCode, loadBert, loadModel, predictProba, type BertModel, type SentimentModel } from "senti-mlops";
import { ALIAS, CHAMPION_URI, MODEL_NAME } from "./config.js";
import { byId, debounce } from "./dom.js";
import { describeError } from "./errors.js";
import { localTracking, onChange } from "./local-tracking.js";
import { initialBertUrl } from "./settings.js";

interface Slot {
  readonly card: HTMLElement;
  readonly status: HTMLElement;
  readonly label: HTMLElement;
  readonly bar: HTMLElement;
  model?: SentimentModel;
}

function slot(name: "tfidf" | "bert"): Slot {
  return {
    card: byId(`${name}-result`),
    status: byId(`${name}-status`),
    label: byId(`${name}-label`),
    bar: byId(`${name}-bar`),
  };
}

function setStatus(s: Slot, text: string, state: "ready" | "loading" | "empty" | "error"): void {
  s.status.textContent = text;
  s.card.dataset.state = state;
}

/** The index of the positive class, for the bar: a label that says so, else the last one. */
function positiveIndex(labels: readonly string[]): number {
  const found = labels.findIndex((l) => /^pos/i.test(l));
  return found >= 0 ? found : labels.length - 1;
}

function showPrediction(s: Slot, probabilities: number[] | undefined): void {
  if (!s.model || !probabilities) {
    s.label.textContent = "—";
    s.bar.style.width = "0";
    delete s.card.dataset.probabilities;
    delete s.card.dataset.label;
    return;
  }
  const best = probabilities.indexOf(Math.max(...probabilities));
  const label = s.model.labels[best]!;
  s.label.textContent = `${label} ${(probabilities[best]! * 100).toFixed(1)}%`;
  s.bar.style.width = `${(probabilities[positiveIndex(s.model.labels)]! * 100).toFixed(1)}%`;
  s.card.dataset.label = label;
  s.card.dataset.labels = JSON.stringify(s.model.labels);
  s.card.dataset.probabilities = JSON.stringify(probabilities);
}

export function mountPredictPanel(): void {
  const review = byId<HTMLTextAreaElement>("review");
  const bertUrl = byId<HTMLInputElement>("bert-url");
  const bertForm = byId<HTMLFormElement>("bert-form");
  const tfidf = slot("tfidf");
  const bert = slot("bert");
  let sequence = 0;

  const predictNow = async (): Promise<void> => {
    const text = review.value.trim();
    const mine = ++sequence;
    const run = async (s: Slot): Promise<number[] | undefined> => (s.model && text ? (await predictProba(s.model, [text]))[0] : undefined);
    const [t, b] = await Promise.allSettled([run(tfidf), run(bert)]);
    if (mine !== sequence) return; // a later keystroke has its own, newer result
    for (const [s, result] of [[tfidf, t], [bert, b]] as const) {
      if (result.status === "fulfilled") showPrediction(s, result.value);
      else setStatus(s, describeError(result.reason), "error");
    }
    review.dataset.scored = text; // the text the shown results are for
  };
  const predictSoon = debounce(() => void predictNow(), 250);
  review.addEventListener("input", predictSoon);

  let loadedVersion: string | undefined;
  const refreshChampion = async (): Promise<void> => {
    try {
      const tracking = await localTracking();
      const version = await tracking.registry.getModelVersionByAlias(MODEL_NAME, ALIAS);
      if (version.version === loadedVersion) return;
      setStatus(tfidf, `loading ${CHAMPION_URI}…`, "loading");
      tfidf.model = await loadModel(CHAMPION_URI, { tracking });
      loadedVersion = version.version;
      setStatus(tfidf, `${MODEL_NAME} version ${version.version} (@${ALIAS})`, "ready");
      await predictNow();
    } catch (error) {
      if (hasErrorCode(error, "RESOURCE_DOES_NOT_EXIST")) setStatus(tfidf, "No model yet: train one below.", "empty");
      else setStatus(tfidf, describeError(error), "error");
    }
  };

  let bertLoads = 0;
  const loadBertFrom = async (url: string): Promise<void> => {
    const mine = ++bertLoads;
    const previous = bert.model as BertModel | undefined;
    bert.model = undefined;
    showPrediction(bert, undefined);
    await previous?.dispose();
    setStatus(bert, `loading ${url}…`, "loading");
    try {
      // One WebAssembly thread: no cross-origin isolation needed, and no WebGPU probing (a tiny
      // model gains nothing from it). The files are cached in IndexedDB after the first load.
      const model = await loadBert(url, { threads: 1, executionProviders: ["wasm"] });
      if (mine !== bertLoads) return void (await model.dispose()); // another Load was asked for meanwhile
      bert.model = model;
      setStatus(bert, `${url} (${model.labels.join(" / ")})`, "ready");
      await predictNow();
    } catch (error) {
      if (mine === bertLoads) setStatus(bert, describeError(error), "error");
    }
  };

  bertUrl.value = initialBertUrl;
  bertForm.addEventListener("submit", (event) => {
    event.preventDefault();
    void loadBertFrom(bertUrl.value.trim());
  });
  onChange(() => void refreshChampion());
  void refreshChampion();
  void loadBertFrom(bertUrl.value);
}
