/**
 * Worker thread for {@link createWorkerParallelism}: counts the n-grams of the texts it is sent
 * and answers with the fitter's counts (typed arrays transferred, not copied).
 */
import { parentPort } from "node:worker_threads";
import type { ResolvedVectorizerOptions } from "../tfidf/options.js";
import { createFitter } from "../tfidf/vectorizer-fit.js";

parentPort!.on("message", (message: { options: ResolvedVectorizerOptions; texts: string[] }) => {
  try {
    const fitter = createFitter(message.options);
    for (const text of message.texts) fitter.add(text);
    const counts = fitter.counts();
    parentPort!.postMessage({ counts }, [
      counts.prefix.buffer,
      counts.last.buffer,
      counts.order.buffer,
      counts.wordIds.buffer,
      counts.df.buffer,
      counts.total.buffer,
      counts.stream.buffer,
      counts.rowEnds.buffer,
    ] as ArrayBuffer[]);
  } catch (error) {
    parentPort!.postMessage({ error });
  }
});
