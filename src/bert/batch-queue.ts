/**
 * A queue that coalesces concurrent requests into shared, length-bucketed batches and runs the
 * batches one at a time.
 *
 * @module
 */
import { planBatches, type BatchLimits } from "./batch-plan.js";

/**
 * Options of {@link createBatchQueue}.
 *
 * @example
 * ```ts
 * const options: BatchQueueOptions<BertEncoding, Float64Array> = { limits, lengthOf: (e) => e.ids.length, run };
 * ```
 */
export interface BatchQueueOptions<I, O> {
  readonly limits: BatchLimits;
  /** The size of an item (its token count), for sorting and the token limit. */
  lengthOf(item: I): number;
  /** Runs one batch; returns one result per item, in the batch's order. */
  run(batch: readonly I[]): Promise<readonly O[]>;
}

/**
 * Submits items and gets their results back in submission order.
 *
 * @example
 * ```ts
 * const [a, b] = await Promise.all([queue.submit(first), queue.submit(second)]); // one round, shared batches
 * await queue.drain();
 * ```
 */
export interface BatchQueue<I, O> {
  /** Queues `items`; they run in the next round with whatever else was submitted meanwhile. */
  submit(items: readonly I[]): Promise<O[]>;
  /** Resolves once everything submitted so far has run. */
  drain(): Promise<void>;
}

interface Pending<I, O> {
  readonly item: I;
  readonly resolve: (value: O) => void;
  readonly reject: (reason: unknown) => void;
}

/**
 * Resolves in a later macrotask, without the clamping of `setTimeout(…, 0)` (browsers wait at least
 * 4 ms once timers nest five deep, which a loop of awaited `predict` calls does): `setImmediate`
 * where there is one (Node), else a `MessageChannel` message, else `setTimeout`.
 */
function nextMacrotask(): Promise<void> {
  const g = globalThis as { setImmediate?: (callback: () => void) => unknown; MessageChannel?: typeof MessageChannel };
  return new Promise<void>((resolve) => {
    if (typeof g.setImmediate === "function") g.setImmediate(resolve);
    else if (typeof g.MessageChannel === "function") {
      const channel = new g.MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(undefined);
    } else setTimeout(resolve, 0);
  });
}

/**
 * Creates a batch queue. A submission waits one macrotask (so every call made in the same tick, or
 * while a round is running, joins the same round); a round takes everything pending, sorts it by
 * length, plans batches under the limits ({@link planBatches}) and runs them one after another. A
 * failing batch rejects the submissions that had items in it; other batches go on.
 *
 * @example
 * ```ts
 * const queue = createBatchQueue({ limits: { maxBatchSize: 32, maxTokensPerBatch: 8192 }, lengthOf: (e) => e.ids.length, run: runBatch });
 * const rows = await queue.submit(encodings);
 * ```
 */
export function createBatchQueue<I, O>(options: BatchQueueOptions<I, O>): BatchQueue<I, O> {
  const { limits, lengthOf, run } = options;
  let pending: Pending<I, O>[] = [];
  let active: Promise<void> | undefined;

  const round = async (): Promise<void> => {
    // Let every caller of this tick submit first.
    await nextMacrotask();
    while (pending.length > 0) {
      const taken = pending;
      pending = [];
      for (const batch of planBatches(taken.map((p) => lengthOf(p.item)), limits)) {
        const members = batch.map((i) => taken[i]!);
        try {
          const results = await run(members.map((m) => m.item));
          members.forEach((m, i) => m.resolve(results[i]!));
        } catch (e) {
          for (const m of members) m.reject(e);
        }
      }
    }
  };

  const start = (): void => {
    if (active) return;
    active = round().finally(() => {
      active = undefined;
      if (pending.length > 0) start();
    });
  };

  return {
    submit(items) {
      if (items.length === 0) return Promise.resolve([]);
      const results = items.map((item) => new Promise<O>((resolve, reject) => pending.push({ item, resolve, reject })));
      start();
      return Promise.all(results);
    },
    async drain() {
      while (active) await active;
    },
  };
}
