/**
 * Filters and order-bys run against the fixture by both the in-memory evaluator and the compiled
 * SQL (compile-sql.test.ts checks that they agree on every one); `expect`, where given, is the
 * hand-checked result (ids in the result order for the kind's default order).
 */
import { rid } from "./fixture.js";

export interface SearchCase {
  readonly filter: string;
  /** Expected run numbers / experiment ids / model names / "name/version", in result order, when hand-checked. */
  readonly expect?: readonly (number | string)[];
}

const r = (...ns: number[]): number[] => ns;

export const RUN_CASES: readonly SearchCase[] = [
  { filter: "" },
  { filter: "metrics.acc > 0.8", expect: r(15, 8, 16, 4, 19, 2, 1) },
  { filter: "metrics.acc >= 0.8", expect: r(14, 13, 15, 8, 16, 4, 19, 2, 1) },
  { filter: "metrics.acc != 0.91", expect: r(20, 14, 13, 12, 15, 11, 10, 9, 7, 17, 4, 19, 3, 2, 5, 18) },
  { filter: "metrics.acc = 0", expect: r(10, 18) },
  { filter: "metrics.acc < 0", expect: r(11, 5) },
  { filter: "metrics.acc > 1e308", expect: r(4, 19) },
  { filter: "metrics.acc = 1.7976931348623157e308", expect: r(4, 19) },
  { filter: "metrics.acc > 1e999", expect: [] },
  { filter: "metrics.acc <= -1e999", expect: [] },
  { filter: "metrics.loss != 0.3", expect: r(11, 3, 2, 5) },
  { filter: "metrics.loss = 0" },
  { filter: "metrics.nothing > 0", expect: [] },
  { filter: "metrics.`val loss` < 0.5", expect: r(13) },
  { filter: "metrics.acc > 0.5 AND metrics.acc < 0.9", expect: r(14, 13, 12, 9, 2) },
  { filter: "params.model = 'tfidf'", expect: r(8, 16, 17, 2, 1) },
  { filter: "params.model LIKE 'tf%'", expect: r(10, 8, 16, 17, 2, 1) },
  { filter: "params.model ILIKE 'tf%'", expect: r(10, 9, 8, 16, 17, 2, 1) },
  { filter: "params.model ILIKE 'bert'", expect: r(4, 3) },
  { filter: "params.model LIKE 'tf_idf'", expect: r(10) },
  { filter: "params.model LIKE 'tf\\%idf'", expect: [] },
  { filter: "params.model LIKE 'na_ve%'", expect: r(7) },
  { filter: "params.model ILIKE 'NAÏVE%'", expect: [] },
  { filter: "params.model ILIKE 'NA_VE%'", expect: r(7) },
  { filter: "params.model != 'tfidf'", expect: r(20, 12, 11, 10, 9, 7, 4, 19, 3, 5, 18) },
  { filter: "params.model IS NULL", expect: r(14, 13, 15, 6) },
  { filter: "params.model IS NOT NULL AND params.model = ''", expect: r(18) },
  { filter: "params.C = '4'", expect: r(1) },
  { filter: "params.`a-b` = 'x'", expect: r(13) },
  { filter: "params.model = '\uFFFD'", expect: r(20) },
  { filter: "params.model LIKE '_'", expect: r(20, 19) },
  { filter: "tags.team = 'nlp'", expect: r(8, 2, 1) },
  { filter: "tags.team != 'nlp'", expect: r(20, 9, 17, 3, 5) },
  { filter: "tags.team ILIKE 'nlp'", expect: r(9, 8, 3, 2, 1) },
  { filter: "tags.team LIKE 'nlp%'", expect: r(8, 17, 2, 1) },
  { filter: "tags.team LIKE '%'", expect: r(20, 9, 8, 17, 3, 2, 1, 5) },
  { filter: "tags.team IS NOT NULL", expect: r(20, 9, 8, 17, 3, 2, 1, 5) },
  { filter: "tags.team IS NULL AND tags.path IS NULL", expect: r(14, 13, 12, 15, 11, 7, 16, 4, 19, 6, 18) },
  { filter: "tags.note = 'it''s'", expect: r(7) },
  { filter: "tags.empty = ''", expect: r(11) },
  { filter: "tags.mlflow.source.type = 'LOCAL'", expect: r(13) },
  { filter: "tags.path LIKE 'a_b'", expect: r(10) },
  { filter: "tags.team = '😀'", expect: r(20) },
  { filter: "tags.team LIKE '_'", expect: r(20) },
  { filter: "status = 'FINISHED'" },
  { filter: "status != 'FINISHED'", expect: r(15, 4, 3, 6) },
  { filter: "attributes.status LIKE '%ED'" },
  { filter: "status = 'finished'", expect: [] },
  { filter: "status ILIKE 'finished'" },
  { filter: "run_name = 'bert-tiny'", expect: r(3) },
  { filter: "run_name LIKE 'tfidf%'", expect: r(8, 2, 1) },
  { filter: "attributes.`Run name` ILIKE 'tfidf%'", expect: r(9, 8, 2, 1) },
  { filter: "run_name = 'legacy-12'", expect: [] },
  { filter: "run_name != 'x'" },
  { filter: "run_name LIKE 'R_sum_%'", expect: r(7) },
  { filter: "run_name LIKE 'percent%'", expect: r(10) },
  { filter: `run_id = '${rid(5)}'`, expect: r(5) },
  { filter: `run_id IN ('${rid(1)}', '${rid(2)}', 'zz')`, expect: r(2, 1) },
  { filter: `run_id NOT IN ('${rid(1)}', '${rid(2)}')` },
  { filter: "run_id LIKE '0%'" },
  { filter: "user_id = 'alice'", expect: r(8, 2, 1) },
  { filter: "user_id ILIKE 'ALICE'", expect: r(9, 8, 2, 1) },
  { filter: "user_id = ''", expect: r(11) },
  { filter: "user_id != 'dave'" },
  { filter: "start_time >= 2000", expect: r(20, 14, 13, 12, 15) },
  { filter: "created < 1000", expect: r(6, 18) },
  { filter: "start_time = 1500.0", expect: r(8, 16) },
  { filter: "start_time > 1499.5 AND start_time < 1500.5", expect: r(8, 16) },
  { filter: "end_time > 2500", expect: r(20, 15) },
  { filter: "end_time != 2000" },
  { filter: "end_time = 0", expect: r(18) },
  { filter: "artifact_uri LIKE 's3://%'", expect: r(15) },
  { filter: "datasets.name = 'imdb'", expect: r(14, 2, 1) },
  { filter: "datasets.name != 'imdb'", expect: r(14, 3) },
  { filter: "datasets.context = 'eval'", expect: r(14, 2) },
  { filter: "datasets.context != 'train'", expect: r(14, 2) },
  { filter: "datasets.context IN ('train')", expect: r(3, 2, 1) },
  { filter: "datasets.context NOT IN ('train')", expect: r(14, 2) },
  { filter: "datasets.digest = 'd5'", expect: r(14) },
  { filter: "datasets.name NOT IN ('imdb', 'sst2')", expect: r(14) },
  { filter: "datasets.name LIKE 'i%' AND datasets.context = 'train'", expect: r(2, 1) },
  { filter: "datasets.digest ILIKE 'D_'", expect: r(14, 3, 2, 1) },
  { filter: "metrics.acc > 0 AND params.model = 'tfidf' AND tags.team = 'nlp' AND status = 'FINISHED'", expect: r(8, 2, 1) },
];

export const RUN_ORDERS: readonly (readonly string[])[] = [
  [],
  ["metrics.acc DESC"],
  ["metrics.acc"],
  ["metrics.loss DESC", "metrics.acc"],
  ["params.model"],
  ["params.model DESC"],
  ["tags.team"],
  ["tags.team DESC", "run_name"],
  ["run_name DESC"],
  ["attributes.end_time"],
  ["end_time DESC"],
  ["created"],
  ["status", "user_id DESC"],
  ["artifact_uri"],
  ["run_id DESC"],
  ["metrics.`val loss`"],
];

/** Hand-checked orders (no filter). */
export const RUN_ORDER_EXPECT: readonly (readonly [readonly string[], readonly number[]])[] = [
  [[], [20, 14, 13, 12, 15, 11, 10, 9, 7, 8, 16, 17, 4, 19, 3, 2, 1, 5, 6, 18]],
  [["metrics.acc DESC"], [4, 19, 15, 8, 16, 1, 2, 14, 13, 9, 12, 7, 17, 20, 10, 18, 11, 5, 3, 6]],
  [["metrics.acc"], [5, 11, 10, 18, 20, 17, 7, 12, 9, 14, 13, 2, 8, 16, 1, 15, 4, 19, 3, 6]],
];

export const EXPERIMENT_CASES: readonly SearchCase[] = [
  { filter: "", expect: ["2", "3", "10", "1", "11", "0", "12"] },
  { filter: "name = 'sentiment'", expect: ["1"] },
  { filter: "name LIKE 'sent%'", expect: ["2", "3", "1"] },
  { filter: "name ILIKE 'sent%'", expect: ["2", "3", "10", "1"] },
  { filter: "name like 'sent_x'", expect: ["3"] },
  { filter: "name != 'Default'", expect: ["2", "3", "10", "1", "11", "12"] },
  { filter: "name ILIKE '%É%'", expect: [] },
  { filter: "name LIKE '%é'", expect: ["12"] },
  { filter: "experiment_id = '1'", expect: ["1"] },
  { filter: "experiment_id = '010'", expect: ["10"] },
  { filter: "experiment_id IN ('1', '10', '99')", expect: ["10", "1"] },
  { filter: "experiment_id NOT IN ('1', '10')", expect: ["2", "3", "11", "0", "12"] },
  { filter: "experiment_id != '0'", expect: ["2", "3", "10", "1", "11", "12"] },
  { filter: "creation_time = 300", expect: ["2", "3", "10"] },
  { filter: "creation_time < 150", expect: ["0", "12"] },
  { filter: "last_update_time >= 400", expect: ["2", "3", "1"] },
  { filter: "tags.team = 'nlp'", expect: ["1", "12"] },
  { filter: "tags.team != 'nlp'", expect: ["2", "10"] },
  { filter: "tags.team ILIKE 'NLP'", expect: ["2", "1", "12"] },
  { filter: "tags.owner IS NULL", expect: ["3", "10", "1", "0", "12"] },
  { filter: "tags.owner IS NOT NULL", expect: ["2", "11"] },
  { filter: "tags.owner = ''", expect: ["11"] },
  { filter: "creation_time = 300 AND tags.team ILIKE 'nlp'", expect: ["2"] },
];

export const EXPERIMENT_ORDERS: readonly (readonly string[])[] = [
  [],
  ["name"],
  ["name DESC"],
  ["creation_time"],
  ["experiment_id"],
  ["experiment_id DESC"],
  ["last_update_time DESC", "name"],
  ["creation_time", "creation_time DESC"],
];

export const EXPERIMENT_ORDER_EXPECT: readonly (readonly [readonly string[], readonly string[]])[] = [
  [["name"], ["0", "10", "3", "1", "2", "11", "12"]],
  [["creation_time"], ["12", "0", "11", "1", "10", "3", "2"]],
  [["experiment_id"], ["0", "1", "2", "3", "10", "11", "12"]],
];

export const REGISTERED_MODEL_CASES: readonly SearchCase[] = [
  { filter: "", expect: ["Sentiment-old", "not-a-prompt", "sentiment-bert", "sentiment-tfidf", "vision"] },
  { filter: "name = 'vision'", expect: ["vision"] },
  { filter: "name LIKE 'sentiment%'", expect: ["sentiment-bert", "sentiment-tfidf"] },
  { filter: "name ILIKE 'sentiment%'", expect: ["Sentiment-old", "sentiment-bert", "sentiment-tfidf"] },
  { filter: "name IN ('vision', 'summarize-prompt')", expect: ["vision"] },
  { filter: "name NOT IN ('vision')", expect: ["Sentiment-old", "not-a-prompt", "sentiment-bert", "sentiment-tfidf"] },
  { filter: "tags.team = 'nlp'", expect: ["sentiment-tfidf"] },
  { filter: "tags.team != 'nlp'", expect: ["sentiment-bert", "vision"] },
  { filter: "tags.team ILIKE 'nlp' AND tags.stage = 'dev'", expect: ["sentiment-bert"] },
  { filter: "tags.`mlflow.prompt.is_prompt` = 'true'", expect: ["summarize-prompt"] },
  { filter: "tags.`mlflow.prompt.is_prompt` = 'TRUE'" },
  { filter: "tags.`mlflow.prompt.is_prompt` != 'false'", expect: ["summarize-prompt"] },
  { filter: "tags.`mlflow.prompt.is_prompt` = 'false'", expect: ["Sentiment-old", "not-a-prompt", "sentiment-bert", "sentiment-tfidf", "vision"] },
  { filter: "tags.`mlflow.prompt.is_prompt` != 'true'", expect: ["Sentiment-old", "not-a-prompt", "sentiment-bert", "sentiment-tfidf", "vision"] },
  { filter: "tags.`mlflow.prompt.is_prompt` LIKE 't%'" },
];

export const REGISTERED_MODEL_ORDERS: readonly (readonly string[])[] = [[], ["name DESC"], ["timestamp DESC"], ["last_updated_timestamp"], ["timestamp", "name DESC"]];

export const REGISTERED_MODEL_ORDER_EXPECT: readonly (readonly [readonly string[], readonly string[]])[] = [
  [["timestamp DESC"], ["not-a-prompt", "vision", "sentiment-bert", "sentiment-tfidf", "Sentiment-old"]],
  [["timestamp"], ["Sentiment-old", "sentiment-bert", "sentiment-tfidf", "vision", "not-a-prompt"]],
];

export const MODEL_VERSION_CASES: readonly SearchCase[] = [
  { filter: "", expect: ["sentiment-bert/1", "sentiment-tfidf/3", "sentiment-tfidf/2", "sentiment-tfidf/1", "Sentiment-old/2", "sentiment-bert/10"] },
  { filter: `run_id = '${rid(1)}'`, expect: ["sentiment-bert/1", "sentiment-tfidf/1"] },
  { filter: `run_id != '${rid(1)}'`, expect: ["sentiment-tfidf/2", "Sentiment-old/2", "sentiment-bert/10"] },
  { filter: `run_id IN ('${rid(2)}', '${rid(3)}')`, expect: ["sentiment-tfidf/2", "Sentiment-old/2"] },
  { filter: "source_path LIKE 's3://%'", expect: ["sentiment-tfidf/2"] },
  { filter: "version_number >= 2", expect: ["sentiment-tfidf/3", "sentiment-tfidf/2", "Sentiment-old/2", "sentiment-bert/10"] },
  { filter: "version_number = '10'", expect: ["sentiment-bert/10"] },
  { filter: "name ILIKE 'sentiment-%'" },
  { filter: "name IN ('sentiment-tfidf') AND version_number < 3", expect: ["sentiment-tfidf/2", "sentiment-tfidf/1"] },
  { filter: "tags.team ILIKE 'nlp'", expect: ["sentiment-bert/1", "sentiment-tfidf/1"] },
  { filter: "tags.team != 'nlp'", expect: ["sentiment-bert/1"] },
  { filter: "tags.`mlflow.prompt.is_prompt` = 'true'", expect: ["summarize-prompt/1"] },
  { filter: "name = 'sentiment-tfidf' AND version_number = 4", expect: [] },
];

export const MODEL_VERSION_ORDERS: readonly (readonly string[])[] = [
  [],
  ["name"],
  ["version_number DESC"],
  ["creation_timestamp"],
  ["last_updated_timestamp", "version_number"],
  ["name DESC", "creation_timestamp DESC"],
];
