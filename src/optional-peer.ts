/**
 * Loading the optional peer dependencies (better-sqlite3, the AWS SDK, onnxruntime-node/-web,
 * @huggingface/tokenizers): each is imported only when a feature needs it, and its absence is
 * worded one way — what is missing, which feature needs it, and the command that installs it.
 *
 * @module
 */
import { SentiMlopsError, type Component } from "./errors.js";

/** Extra words for packages whose plain `npm install` is not enough everywhere. */
const INSTALL_COMMANDS: Readonly<Record<string, string>> = /* @__PURE__ */ Object.freeze({
  // Its postinstall downloads GPU binaries, which fails offline; the CPU binaries ship inside.
  "onnxruntime-node": "ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node",
  "@aws-sdk/client-s3": "npm install @aws-sdk/client-s3 @aws-sdk/lib-storage",
  "@aws-sdk/lib-storage": "npm install @aws-sdk/client-s3 @aws-sdk/lib-storage",
});

/**
 * What a peer is needed for, for {@link importOptionalPeer}.
 *
 * @example
 * ```ts
 * const peer: OptionalPeer = { name: "better-sqlite3", feature: "sqlite:/// tracking stores", component: "tracking" };
 * ```
 */
export interface OptionalPeer {
  /** The npm package. */
  readonly name: string;
  /** What needs it, e.g. "BERT models in Node". */
  readonly feature: string;
  /** The component the error is reported from. */
  readonly component: Component;
  /** Another way to get the feature without the package, added to the message, e.g. "or pass options.runtime". */
  readonly alternative?: string;
}

/**
 * Runs `load` (a literal `import("pkg")`, so that bundlers see it) and returns the module; when it
 * fails, throws `NOT_IMPLEMENTED` naming the package, the feature and the install command, with the
 * loader's error as `cause` and `details.missing_package`.
 *
 * @example
 * ```ts
 * const sqlite = await importOptionalPeer(
 *   { name: "better-sqlite3", feature: "sqlite:/// tracking stores", component: "tracking" },
 *   () => import("better-sqlite3"),
 * );
 * ```
 */
export async function importOptionalPeer<T>(peer: OptionalPeer, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    throw missingPeer(peer, e);
  }
}

/**
 * The error {@link importOptionalPeer} throws, for loaders that cannot use it (a synchronous
 * `require`, a module whose shape is checked after loading).
 *
 * @example
 * ```ts
 * throw missingPeer({ name: "onnxruntime-web", feature: "BERT models in browsers", component: "bert" }, cause);
 * ```
 */
export function missingPeer(peer: OptionalPeer, cause: unknown): SentiMlopsError {
  const install = INSTALL_COMMANDS[peer.name] ?? `npm install ${peer.name}`;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new SentiMlopsError(
    "NOT_IMPLEMENTED",
    `${peer.feature} need the package ${peer.name}, which could not be loaded: install it with \`${install}\`` +
      `${peer.alternative ? `, ${peer.alternative}` : ""} (${reason})`,
    { cause, component: peer.component, details: { missing_package: peer.name } },
  );
}
