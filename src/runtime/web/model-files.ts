/**
 * Model files by path outside Node: none (models come from bytes, URLs and artifact stores).
 *
 * @module
 */
import type { ModelFiles } from "../binding.js";

/**
 * None: there is no file system.
 *
 * @example
 * ```ts
 * modelFiles; // undefined
 * ```
 */
export const modelFiles: ModelFiles | undefined = undefined;
