/**
 * Worker thread for {@link createPredictPool}: decodes the model it is given once, then answers
 * probability requests for batches of texts.
 */
import { parentPort, workerData } from "node:worker_threads";
import { decodeTfidfModel } from "../tfidf/model-format.js";

const model = decodeTfidfModel(workerData.model as Uint8Array);
parentPort!.postMessage({ ready: true });
parentPort!.on("message", (message: { id: number; texts: string[] }) => {
  try {
    const proba = model.probabilities(message.texts);
    parentPort!.postMessage({ id: message.id, proba }, [proba.buffer as ArrayBuffer]);
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error });
  }
});
