/**
 * Compile-time check that both bindings export everything {@link RuntimeBinding} names, feature by
 * feature (type-only; nothing here runs or ships).
 *
 * @module
 */
import type { Conforms, RuntimeBinding } from "./binding.js";

/**
 * Node's binding, checked.
 *
 * @example
 * ```ts
 * type NodeThreads = NodeBinding["threads"]; // what `#runtime/threads` gives in Node
 * ```
 */
export type NodeBinding = {
  threads: Conforms<typeof import("./node/threads.js"), "threads">;
  "model-files": Conforms<typeof import("./node/model-files.js"), "model-files">;
  bert: Conforms<typeof import("./node/bert.js"), "bert">;
  tracking: Conforms<typeof import("./node/tracking.js"), "tracking">;
} & RuntimeBinding;
/**
 * The web binding, checked.
 *
 * @example
 * ```ts
 * type WebThreads = WebBinding["threads"]; // what `#runtime/threads` gives in browsers
 * ```
 */
export type WebBinding = {
  threads: Conforms<typeof import("./web/threads.js"), "threads">;
  "model-files": Conforms<typeof import("./web/model-files.js"), "model-files">;
  bert: Conforms<typeof import("./web/bert.js"), "bert">;
  tracking: Conforms<typeof import("./web/tracking.js"), "tracking">;
} & RuntimeBinding;
