/**
 * Model codecs: how a model kind becomes the files of an MLflow model folder and back. The TF-IDF
 * codec is built in; other kinds (BERT) plug in the same way.
 *
 * @module
 */
import { SentiMlopsError, describeType } from "../errors.js";
import { decodeTfidfModel, encodeTfidfModel, TFIDF_FORMAT_VERSION } from "../tfidf/model-format.js";
import { TfidfModel } from "../tfidf/model.js";
import type { SentimentModel } from "../types.js";
import type { ArtifactFile } from "../adapters/artifact-store.js";
import type { SentiFlavor } from "../mlflow/model-entities.js";

/**
 * Reads a file of the model folder by its path relative to the folder; checksums are verified
 * before the bytes are returned.
 *
 * @example
 * ```ts
 * const bytes = await read("model.senti");
 * ```
 */
export type ModelFileReader = (path: string) => Promise<Uint8Array>;

/**
 * Turns one kind of model into files and back.
 *
 * @example
 * ```ts
 * const codec: ModelCodec = {
 *   kind: "tfidf", formatVersion: 1, dataPath: "model.senti",
 *   encode: (model) => [{ path: "model.senti", bytes: encodeTfidfModel(model as TfidfModel) }],
 *   decode: async (read) => decodeTfidfModel(await read("model.senti")),
 * };
 * ```
 */
export interface ModelCodec {
  /** The {@link SentimentModel.kind} this codec handles. */
  readonly kind: string;
  /** The version of the files it writes; newer files are refused on load. */
  readonly formatVersion: number;
  /** The main data file or folder, relative to the model folder (the flavor's `data`). */
  readonly dataPath: string;
  /** The model's files, paths relative to the model folder (never `MLmodel`). */
  encode(model: SentimentModel): ArtifactFile[] | Promise<ArtifactFile[]>;
  /** The model, from its verified files. */
  decode(read: ModelFileReader, flavor: SentiFlavor): SentimentModel | Promise<SentimentModel>;
}

/**
 * The TF-IDF codec: one binary file, `model.senti`, in the format of `encodeTfidfModel`.
 *
 * @example
 * ```ts
 * const files = await tfidfCodec.encode(model); // [{ path: "model.senti", bytes }]
 * ```
 */
export const tfidfCodec: ModelCodec = /* @__PURE__ */ Object.freeze({
  kind: "tfidf",
  formatVersion: TFIDF_FORMAT_VERSION,
  dataPath: "model.senti",
  encode(model: SentimentModel): ArtifactFile[] {
    if (!(model instanceof TfidfModel)) {
      throw SentiMlopsError.invalidParameterValue(`the tfidf codec needs a TfidfModel, got ${describeType(model)}`, { component: "models" });
    }
    return [{ path: "model.senti", bytes: encodeTfidfModel(model) }];
  },
  async decode(read: ModelFileReader, flavor: SentiFlavor): Promise<SentimentModel> {
    return decodeTfidfModel(await read(flavor.data));
  },
});


/**
 * The codec for `kind`, or an error naming the kinds that are known.
 *
 * @example
 * ```ts
 * findCodec([tfidfCodec], "tfidf").dataPath; // "model.senti"
 * ```
 */
export function findCodec(codecs: readonly ModelCodec[], kind: string): ModelCodec {
  const codec = codecs.find((c) => c.kind === kind);
  if (!codec) {
    throw SentiMlopsError.invalidParameterValue(
      `no codec for model kind ${JSON.stringify(kind)}; known kinds: ${codecs.map((c) => c.kind).join(", ") || "none"}`,
      { component: "models" },
    );
  }
  return codec;
}
