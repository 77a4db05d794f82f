/**
 * Text to model inputs with `@huggingface/tokenizers` (the tokenizer of transformers.js, pure JS):
 * the `tokenizer.json` pipeline (normalizer, pre-tokenizer, model, post-processor) runs unchanged;
 * senti-mlops adds only truncation, which keeps the post-processor's special tokens.
 *
 * Long texts: when the tokenizer splits words on whitespace and normalizes character by character
 * (BERT's `BertNormalizer` + `BertPreTokenizer`, and the like), the tokens of a text cut at a space
 * are exactly the first tokens of the whole text. Such a tokenizer encodes a growing prefix of a
 * long text until it has enough tokens, instead of the whole text (an IMDB review can be 2,500
 * tokens for 510 kept). Any other tokenizer encodes the whole text, then truncates.
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";
import { importOptionalPeer } from "../optional-peer.js";

/**
 * One text as model inputs: token ids and token type ids, with special tokens, truncated.
 *
 * @example
 * ```ts
 * const encoded: BertEncoding = { ids: [101, 2307, 3185, 999, 102], typeIds: [0, 0, 0, 0, 0] };
 * ```
 */
export interface BertEncoding {
  readonly ids: readonly number[];
  readonly typeIds: readonly number[];
}

/**
 * A tokenizer for one model: `encode` gives the ids the model was trained on, at most `maxLength`.
 *
 * @example
 * ```ts
 * const tokenizer = model.tokenizer;
 * tokenizer.encode("Great movie!").ids; // [101, 2307, 3185, 999, 102]
 * tokenizer.maxLength; // 512
 * ```
 */
export interface BertTokenizer {
  /** The longest encoding, special tokens included. */
  readonly maxLength: number;
  /** Encodes one text with special tokens; longer texts are cut (the end goes), never refused. */
  encode(text: string): BertEncoding;
}

/** The constructor of `@huggingface/tokenizers`, structurally (so this module imports it lazily). */
interface TokenizerLike {
  tokenize(text: string, options?: { add_special_tokens?: boolean }): string[];
  token_to_id(token: string): number | undefined;
  post_processor: { post_process(tokens: string[], pair?: string[] | null, addSpecialTokens?: boolean): { tokens: string[]; token_type_ids?: number[] } } | null;
  model: { unk_token_id?: number } | null;
}
type TokenizerClass = new (tokenizerJson: object, tokenizerConfig: object) => TokenizerLike;

let library: Promise<TokenizerClass> | undefined;

/** Normalizers that work character by character, so normalizing a prefix gives a prefix. */
const LOCAL_NORMALIZERS = /* @__PURE__ */ new Set(["BertNormalizer", "Lowercase", "NFC", "NFD", "NFKC", "NFKD", "StripAccents", "Strip"]);
/** Pre-tokenizers whose words never span ASCII whitespace. */
const WHITESPACE_PRE_TOKENIZERS = /* @__PURE__ */ new Set(["BertPreTokenizer", "Whitespace", "WhitespaceSplit"]);

/** The component types of a normalizer or pre-tokenizer config (a `Sequence` flattened). */
function componentTypes(config: unknown, nested: "normalizers" | "pretokenizers"): string[] | undefined {
  if (config === null || config === undefined) return [];
  if (typeof config !== "object") return undefined;
  const c = config as { type?: unknown } & Record<string, unknown>;
  if (c.type === "Sequence") {
    const parts = c[nested];
    if (!Array.isArray(parts)) return undefined;
    const types: string[] = [];
    for (const part of parts) {
      const inner = componentTypes(part, nested);
      if (!inner) return undefined;
      types.push(...inner);
    }
    return types;
  }
  return typeof c.type === "string" ? [c.type] : undefined;
}

/**
 * True when the tokens of a text cut at an ASCII whitespace character are a prefix of the tokens of
 * the whole text: character-local normalizers, a pre-tokenizer that splits on whitespace, and no
 * added token containing whitespace.
 */
function prefixesTokenizeAsPrefixes(tokenizerJson: Record<string, unknown>): boolean {
  const normalizers = componentTypes(tokenizerJson.normalizer, "normalizers");
  const preTokenizers = componentTypes(tokenizerJson.pre_tokenizer, "pretokenizers");
  if (!normalizers || !preTokenizers) return false;
  if (!normalizers.every((t) => LOCAL_NORMALIZERS.has(t))) return false;
  if (preTokenizers.length === 0 || !preTokenizers.some((t) => WHITESPACE_PRE_TOKENIZERS.has(t))) return false;
  if (!preTokenizers.every((t) => WHITESPACE_PRE_TOKENIZERS.has(t) || t === "Punctuation" || t === "Digits")) return false;
  const added = tokenizerJson.added_tokens;
  return !Array.isArray(added) || added.every((t) => typeof (t as { content?: unknown })?.content === "string" && !/\s/.test((t as { content: string }).content));
}

/** Characters first tried per kept token when encoding a prefix of a long text (English averages 4–5). */
const PREFIX_CHARS_PER_TOKEN = 5;
const ASCII_SPACE = /[ \t\n\r]/g;

/** Imports `@huggingface/tokenizers` once, with an error naming the package when it is missing. */
function importTokenizers(): Promise<TokenizerClass> {
  library ??= importOptionalPeer({ name: "@huggingface/tokenizers", feature: "BERT models", component: "bert" }, () => import("@huggingface/tokenizers")).then(
    (mod) => (mod as unknown as { Tokenizer: TokenizerClass }).Tokenizer,
    (e: unknown) => {
      library = undefined;
      throw e;
    },
  );
  return library;
}

/**
 * Options of {@link createBertTokenizer}.
 *
 * @example
 * ```ts
 * const options: BertTokenizerOptions = { tokenizerJson, tokenizerConfig, maxLength: 512, source: "./model" };
 * ```
 */
export interface BertTokenizerOptions {
  /** The parsed `tokenizer.json`. */
  tokenizerJson: unknown;
  /** The parsed `tokenizer_config.json`. */
  tokenizerConfig: unknown;
  /** The longest encoding, special tokens included. */
  maxLength: number;
  /** Where the files came from, for error messages. */
  source: string;
}

/**
 * Builds the tokenizer of `tokenizer.json` + `tokenizer_config.json`. Truncation happens between
 * the model and the post-processor: the text's tokens are cut to `maxLength` minus the special
 * tokens the post-processor adds (`[CLS]`, `[SEP]`), so a truncated text still ends in `[SEP]`.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` naming the file when `tokenizer.json` is not a
 * tokenizer the library can build; `NOT_IMPLEMENTED` when `@huggingface/tokenizers` is not installed.
 *
 * @example
 * ```ts
 * const tokenizer = await createBertTokenizer({ tokenizerJson, tokenizerConfig, maxLength: 128, source: "./model" });
 * tokenizer.encode("it 's a charming and often affecting journey .").ids.length; // 12
 * ```
 */
export async function createBertTokenizer(options: BertTokenizerOptions): Promise<BertTokenizer> {
  const { tokenizerJson, tokenizerConfig, maxLength, source } = options;
  if (tokenizerJson === null || typeof tokenizerJson !== "object" || Array.isArray(tokenizerJson)) {
    throw SentiMlopsError.invalidParameterValue(`tokenizer.json of ${source} must be a JSON object`, { component: "bert" });
  }
  if (tokenizerConfig === null || typeof tokenizerConfig !== "object" || Array.isArray(tokenizerConfig)) {
    throw SentiMlopsError.invalidParameterValue(`tokenizer_config.json of ${source} must be a JSON object`, { component: "bert" });
  }
  const Tokenizer = await importTokenizers();
  let tokenizer: TokenizerLike;
  try {
    tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
  } catch (e) {
    throw SentiMlopsError.invalidParameterValue(`tokenizer.json of ${source} cannot be used: ${(e as Error)?.message ?? e}`, { cause: e, component: "bert" });
  }
  const post = tokenizer.post_processor;
  const special = post ? post.post_process([], null, true).tokens.length : 0;
  if (!(Number.isInteger(maxLength) && maxLength > special)) {
    throw SentiMlopsError.invalidParameterValue(
      `maxLength must be an integer above the ${special} special tokens the tokenizer adds, got ${maxLength}`,
      { component: "bert" },
    );
  }
  const budget = maxLength - special;
  const unk = tokenizer.model?.unk_token_id;
  const prefixSafe = prefixesTokenizeAsPrefixes(tokenizerJson as Record<string, unknown>);

  /** The first `budget` tokens of `text` (all of them when there are fewer), without special tokens. */
  const contentTokens = (text: string): string[] => {
    if (prefixSafe) {
      // Encode growing prefixes cut at whitespace until one yields `budget` tokens: those are the
      // whole text's first tokens (see the module comment).
      let chars = budget * PREFIX_CHARS_PER_TOKEN;
      while (chars < text.length) {
        ASCII_SPACE.lastIndex = chars;
        const cut = ASCII_SPACE.exec(text)?.index;
        if (cut === undefined) break;
        const tokens = tokenizer.tokenize(text.slice(0, cut), { add_special_tokens: false });
        if (tokens.length >= budget) return tokens.slice(0, budget);
        // Too short: aim past the end from the characters per token seen so far (at least 1.5×).
        chars = Math.max(Math.ceil(cut * 1.5), Math.ceil((cut / Math.max(tokens.length, 1)) * budget * 1.2));
      }
    }
    const tokens = tokenizer.tokenize(text, { add_special_tokens: false });
    return tokens.length > budget ? tokens.slice(0, budget) : tokens;
  };

  const idOf = (token: string): number => {
    const id = tokenizer.token_to_id(token) ?? unk;
    if (id === undefined) {
      throw SentiMlopsError.invalidParameterValue(`the tokenizer of ${source} has no id for ${JSON.stringify(token)} and no unknown token`, { component: "bert" });
    }
    return id;
  };

  return Object.freeze({
    maxLength,
    encode(text: string): BertEncoding {
      const kept = contentTokens(text);
      const processed = post ? post.post_process(kept, null, true) : { tokens: kept, token_type_ids: undefined };
      const ids = processed.tokens.map(idOf);
      const typeIds = processed.token_type_ids ?? new Array<number>(ids.length).fill(0);
      return { ids, typeIds };
    },
  });
}
