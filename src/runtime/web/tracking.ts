/**
 * What `createTracking` adds outside Node: nothing beyond the universal stores (REST, memory).
 *
 * @module
 */
import type { TrackingOptions } from "../../tracking/client.js";

/**
 * The options as given.
 *
 * @example
 * ```ts
 * trackingDefaults({ artifactRoot: "memory://" });
 * ```
 */
export function trackingDefaults(options: TrackingOptions): TrackingOptions {
  return options;
}
