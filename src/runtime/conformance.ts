/**
 * Compile-time check that both bindings export everything {@link RuntimeBinding} names (type-only;
 * nothing here runs or ships).
 *
 * @module
 */
import type { Conforms } from "./binding.js";

/** Node's binding, checked. */
export type NodeBinding = Conforms<typeof import("./node.js")>;
/** The web binding, checked. */
export type WebBinding = Conforms<typeof import("./web.js")>;
