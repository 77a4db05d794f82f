/**
 * Text to model inputs with `@huggingface/tokenizers` (the tokenizer of transformers.js, pure JS):
 * the `tokenizer.json` pipeline (normalizer, pre-tokenizer, model, post-processor) runs unchanged;
 * senti-mlops adds only truncation, which keeps the post-processor's special tokens.
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";

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

/** Imports `@huggingface/tokenizers` once, with an error naming the package when it is missing. */
function importTokenizers(): Promise<TokenizerClass> {
  library ??= import("@huggingface/tokenizers").then(
    (mod) => (mod as unknown as { Tokenizer: TokenizerClass }).Tokenizer,
    (e: unknown) => {
      library = undefined;
      throw new SentiMlopsError(
        "NOT_IMPLEMENTED",
        `[senti-mlops] [bert] BERT models need the package @huggingface/tokenizers: npm install @huggingface/tokenizers (${(e as Error)?.message ?? e})`,
        { cause: e },
      );
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
    throw SentiMlopsError.invalidParameterValue(`[senti-mlops] [bert] tokenizer.json of ${source} must be a JSON object`);
  }
  if (tokenizerConfig === null || typeof tokenizerConfig !== "object" || Array.isArray(tokenizerConfig)) {
    throw SentiMlopsError.invalidParameterValue(`[senti-mlops] [bert] tokenizer_config.json of ${source} must be a JSON object`);
  }
  const Tokenizer = await importTokenizers();
  let tokenizer: TokenizerLike;
  try {
    tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
  } catch (e) {
    throw SentiMlopsError.invalidParameterValue(`[senti-mlops] [bert] tokenizer.json of ${source} cannot be used: ${(e as Error)?.message ?? e}`, { cause: e });
  }
  const post = tokenizer.post_processor;
  const special = post ? post.post_process([], null, true).tokens.length : 0;
  if (!(Number.isInteger(maxLength) && maxLength > special)) {
    throw SentiMlopsError.invalidParameterValue(
      `[senti-mlops] [bert] maxLength must be an integer above the ${special} special tokens the tokenizer adds, got ${maxLength}`,
    );
  }
  const budget = maxLength - special;
  const unk = tokenizer.model?.unk_token_id;

  const idOf = (token: string): number => {
    const id = tokenizer.token_to_id(token) ?? unk;
    if (id === undefined) {
      throw SentiMlopsError.invalidParameterValue(`[senti-mlops] [bert] the tokenizer of ${source} has no id for ${JSON.stringify(token)} and no unknown token`);
    }
    return id;
  };

  return Object.freeze({
    maxLength,
    encode(text: string): BertEncoding {
      const content = tokenizer.tokenize(text, { add_special_tokens: false });
      const kept = content.length > budget ? content.slice(0, budget) : content;
      const processed = post ? post.post_process(kept, null, true) : { tokens: kept, token_type_ids: undefined };
      const ids = processed.tokens.map(idOf);
      const typeIds = processed.token_type_ids ?? new Array<number>(ids.length).fill(0);
      return { ids, typeIds };
    },
  });
}
