/**
 * Run ids and generated run names, as MLflow makes them.
 *
 * @module
 */

/**
 * A new run id: 32 lowercase hex characters (a random UUID without dashes).
 *
 * @example
 * ```ts
 * newRunId(); // e.g. "3f2a9c0d4b1e4f6a8c7d2e1f0a9b8c7d"
 * ```
 */
export function newRunId(): string {
  return globalThis.crypto.randomUUID().replace(/-/g, "");
}

const ADJECTIVES = [
  "able", "bold", "brave", "bright", "calm", "clever", "crisp", "eager", "fair", "fast", "gentle", "glad",
  "grand", "keen", "kind", "lively", "lucky", "merry", "neat", "noble", "proud", "quick", "quiet", "rare",
  "sharp", "shy", "smart", "sunny", "swift", "tidy", "vivid", "warm", "wise", "witty", "zesty",
];
const NOUNS = [
  "ant", "bass", "bear", "bird", "carp", "cat", "crab", "crow", "deer", "doe", "dove", "duck", "eel", "elk",
  "fawn", "finch", "fox", "frog", "goat", "hare", "hawk", "koi", "lamb", "lark", "lynx", "mole", "moth",
  "newt", "owl", "pug", "ram", "seal", "slug", "swan", "toad", "wasp", "wolf", "wren", "yak",
];

/**
 * A random `adjective-noun-NNN` name (at most 20 characters), the shape of MLflow's generated run
 * names.
 *
 * @example
 * ```ts
 * generateRunName(); // "swift-owl-482"
 * ```
 */
export function generateRunName(): string {
  const r = new Uint32Array(3);
  globalThis.crypto.getRandomValues(r);
  return `${ADJECTIVES[r[0]! % ADJECTIVES.length]}-${NOUNS[r[1]! % NOUNS.length]}-${r[2]! % 1000}`;
}
