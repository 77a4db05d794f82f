/**
 * Model files by path, on Node's file system.
 *
 * @module
 */
import { openLocalModelFolder, readModelFile, saveModel } from "../../models/node-files.js";
import type { ModelFiles } from "../binding.js";

/**
 * Reads model files and folders by path and writes model files atomically.
 *
 * @example
 * ```ts
 * const bytes = await modelFiles.readFile("./model.bin");
 * ```
 */
export const modelFiles: ModelFiles | undefined = /* @__PURE__ */ Object.freeze({ readFile: readModelFile, openLocalFolder: openLocalModelFolder, writeModel: saveModel });
