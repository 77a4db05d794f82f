/**
 * The RegistryStore differential script: ONE scripted sequence of RegistryStore calls — about a
 * third of them calls that must fail — whose every observable result (return value, or the error
 * code `e.code`) must be the same on our stores as on the REST store against a FRESH private
 * `mlflow server` (the oracle), after normalization. The oracle is fresh so that searches over
 * "everything" are deterministic; the checks verify, on the oracle, that every call marked `fails`
 * fails with that code and every other call succeeds. Browser-safe:
 * test/registry/differential.test.ts runs it in Node (memory, SQL),
 * test/browser/suites/registry-differential.test.ts in Chromium on the stores of
 * test/browser/suites/stores.ts.
 *
 * Normalized (and only these, because they legitimately differ between stores):
 * - timestamps (`creationTimestamp`, `lastUpdatedTimestamp`) → `@<n>`, the number of the call
 *   during which that clock reading was taken (each call runs in its own clock window, so a store
 *   that bumps the wrong timestamp, or none, shows up), or `<time>` if no call's window holds it;
 * - page tokens → `true` (only their presence is compared).
 * Run ids are fixed 32-hex strings written into the script (MLflow checks that a `runs:/` source
 * names the given run id, not that the run exists), so they need no normalization.
 *
 * Differences found in a store are listed with the reason and run with `it.fails` (so the list
 * must shrink when a store is fixed); they are reported, not excused.
 *
 * @example
 * ```ts
 * describe("…", () => {
 *   const results: Record<string, Outcome[]> = {};
 *   beforeAll(async () => {
 *     results.memory = await runRegistryScript(createMemoryRegistryStore());
 *     results.mlflow = …;
 *   });
 *   describeRegistryChecks(() => results, [{ name: "memory" }]);
 * });
 * ```
 */
import { expect, it } from "vitest";
import type { ErrorCode } from "../../src/errors.js";
import type { RegistryStore } from "../../src/mlflow/registry-store.js";
import type { Page, Tag } from "../../src/mlflow/tracking-entities.js";
import { describeCalls, errorOutcome, oracleMismatches, sleep, type Outcome } from "./differential.js";

// ------------------------------------------------------------------------------------------------
// Script vocabulary

const R1 = "1111111111111111aaaaaaaaaaaaaaaa";
const R2 = "2222222222222222bbbbbbbbbbbbbbbb";
const R3 = "3333333333333333cccccccccccccccc";

interface Ctx {
  readonly tokens: Map<string, string | undefined>;
}

interface Step {
  title: string;
  call: (store: RegistryStore, ctx: Ctx) => Promise<unknown>;
  /** The error code the call must fail with (checked on the oracle). Absent: it must succeed. */
  fails?: ErrorCode;
}

const steps: Step[] = [];
const call = (title: string, fn: Step["call"]): void => {
  steps.push({ title, call: fn });
};
const fail = (code: ErrorCode, title: string, fn: Step["call"]): void => {
  steps.push({ title, call: fn, fails: code });
};
const tag = (key: string, value: string): Tag => ({ key, value });
const keep = <T>(ctx: Ctx, key: string, page: Page<T>): Page<T> => {
  ctx.tokens.set(key, page.nextPageToken);
  return page;
};

const TF = "sentiment-tfidf";
const BERT = "sentiment-bert";
const LR = "imdb-lr";
const SCRATCH = "scratch-src";

// ------------------------------------------------------------------------------------------------
// The script.

// --- registered models: create, duplicates, bad names, get
call("createRegisteredModel sentiment-tfidf with tags and a description", (s) =>
  s.createRegisteredModel(TF, { tags: [tag("team", "nlp"), tag("stage", "dev")], description: "TF-IDF + LR" }),
);
call("createRegisteredModel sentiment-bert", (s) => s.createRegisteredModel(BERT));
call("createRegisteredModel imdb-lr with a description", (s) => s.createRegisteredModel(LR, { description: "baseline" }));
fail("RESOURCE_ALREADY_EXISTS", "createRegisteredModel with a taken name", (s) => s.createRegisteredModel(TF));
call("createRegisteredModel Sentiment-Tfidf (names are case-sensitive)", (s) => s.createRegisteredModel("Sentiment-Tfidf"));
fail("INVALID_PARAMETER_VALUE", "createRegisteredModel with '/'", (s) => s.createRegisteredModel("a/b"));
fail("INVALID_PARAMETER_VALUE", "createRegisteredModel with ':'", (s) => s.createRegisteredModel("a:b"));
fail("INVALID_PARAMETER_VALUE", "createRegisteredModel with an empty name", (s) => s.createRegisteredModel(""));
fail("INVALID_PARAMETER_VALUE", "createRegisteredModel with a blank name", (s) => s.createRegisteredModel("   "));
fail("INVALID_PARAMETER_VALUE", "createRegisteredModel named '..'", (s) => s.createRegisteredModel(".."));
fail("INVALID_PARAMETER_VALUE", "createRegisteredModel with a bad tag key", (s) => s.createRegisteredModel("bad-tags", { tags: [tag("../x", "v")] }));
fail("RESOURCE_DOES_NOT_EXIST", "getRegisteredModel of the model the failed create named", (s) => s.getRegisteredModel("bad-tags"));
call("getRegisteredModel sentiment-tfidf", (s) => s.getRegisteredModel(TF));
fail("RESOURCE_DOES_NOT_EXIST", "getRegisteredModel of an unknown name", (s) => s.getRegisteredModel("absent"));
fail("RESOURCE_DOES_NOT_EXIST", "getRegisteredModel in another case", (s) => s.getRegisteredModel("SENTIMENT-TFIDF"));
call("createRegisteredModel with a repeated tag key (the last wins)", (s) => s.createRegisteredModel("tag-dup", { tags: [tag("k", "1"), tag("k", "2")] }));
call("createRegisteredModel with spaces, dots and non-ASCII", (s) => s.createRegisteredModel("my model v1.2 é"));

// --- registered model tags
call("setRegisteredModelTag owner=ana", (s) => s.setRegisteredModelTag(BERT, "owner", "ana"));
call("setRegisteredModelTag owner=bob (overwrite)", (s) => s.setRegisteredModelTag(BERT, "owner", "bob"));
fail("INVALID_PARAMETER_VALUE", "setRegisteredModelTag with a bad key", (s) => s.setRegisteredModelTag(BERT, "a//b", "v"));
fail("INVALID_PARAMETER_VALUE", "setRegisteredModelTag with a 251-character key", (s) => s.setRegisteredModelTag(BERT, "k".repeat(251), "v"));
fail("INVALID_PARAMETER_VALUE", "setRegisteredModelTag with a value over 100000 characters", (s) => s.setRegisteredModelTag(BERT, "big", "v".repeat(100_001)));
fail("RESOURCE_DOES_NOT_EXIST", "setRegisteredModelTag on an unknown model", (s) => s.setRegisteredModelTag("absent", "k", "v"));
call("deleteRegisteredModelTag stage", (s) => s.deleteRegisteredModelTag(TF, "stage"));
call("deleteRegisteredModelTag of a missing key", (s) => s.deleteRegisteredModelTag(TF, "stage"));
fail("RESOURCE_DOES_NOT_EXIST", "deleteRegisteredModelTag on an unknown model", (s) => s.deleteRegisteredModelTag("absent", "k"));
fail("INVALID_PARAMETER_VALUE", "deleteRegisteredModelTag with a bad key", (s) => s.deleteRegisteredModelTag(TF, "/abs"));
call("getRegisteredModel sentiment-bert after the tag changes", (s) => s.getRegisteredModel(BERT));
call("getRegisteredModel sentiment-tfidf after the tag changes", (s) => s.getRegisteredModel(TF));

// --- update
call("updateRegisteredModel imdb-lr: a new description", (s) => s.updateRegisteredModel(LR, { description: "logistic regression" }));
call("updateRegisteredModel imdb-lr without a description (clears it)", (s) => s.updateRegisteredModel(LR, {}));
fail("RESOURCE_DOES_NOT_EXIST", "updateRegisteredModel of an unknown model", (s) => s.updateRegisteredModel("absent", { description: "x" }));
call("getRegisteredModel imdb-lr after the updates", (s) => s.getRegisteredModel(LR));

// --- model versions: create, sources
call("createModelVersion sentiment-tfidf v1 from runs:/R1 with tags, description and run link", (s) =>
  s.createModelVersion({
    name: TF,
    source: `runs:/${R1}/model`,
    runId: R1,
    tags: [tag("flavor", "tfidf"), tag("data", "imdb")],
    description: "first",
    runLink: "http://mlflow.example/runs/1",
  }),
);
call("createModelVersion sentiment-tfidf v2 from S3", (s) => s.createModelVersion({ name: TF, source: "s3://models/tfidf/2" }));
call("createModelVersion sentiment-tfidf v3 from runs:/R2", (s) => s.createModelVersion({ name: TF, source: `runs:/${R2}/model`, runId: R2 }));
call("createModelVersion sentiment-bert v1 from runs:/R1", (s) =>
  s.createModelVersion({ name: BERT, source: `runs:/${R1}/bert`, runId: R1, tags: [tag("flavor", "onnx")] }),
);
fail("RESOURCE_DOES_NOT_EXIST", "createModelVersion of an unknown model", (s) => s.createModelVersion({ name: "absent", source: "s3://models/x" }));
fail("INVALID_PARAMETER_VALUE", "createModelVersion with a bad tag key", (s) =>
  s.createModelVersion({ name: TF, source: "s3://models/x", tags: [tag("a//b", "v")] }),
);
fail("INVALID_PARAMETER_VALUE", "createModelVersion with an empty source", (s) => s.createModelVersion({ name: TF, source: "" }));
// Source checks on a scratch model, deleted afterwards, so that a store accepting a bad source
// leaves nothing behind that later results would show.
call("createRegisteredModel scratch-src", (s) => s.createRegisteredModel(SCRATCH));
fail("INVALID_PARAMETER_VALUE", "createModelVersion from runs:/R1 without a run id", (s) => s.createModelVersion({ name: SCRATCH, source: `runs:/${R1}/model` }));
fail("INVALID_PARAMETER_VALUE", "createModelVersion from runs:/R1 with another run id", (s) =>
  s.createModelVersion({ name: SCRATCH, source: `runs:/${R1}/model`, runId: R2 }),
);
fail("INVALID_PARAMETER_VALUE", "createModelVersion from a source with '..'", (s) => s.createModelVersion({ name: SCRATCH, source: "s3://models/a/../b" }));
fail("INVALID_PARAMETER_VALUE", "createModelVersion from a local path without a run", (s) => s.createModelVersion({ name: SCRATCH, source: "/tmp/model" }));
fail("INVALID_PARAMETER_VALUE", "createModelVersion from an https URL", (s) => s.createModelVersion({ name: SCRATCH, source: "https://example.org/model" }));
fail("INVALID_PARAMETER_VALUE", "createModelVersion from mlflow-artifacts:/ without a run", (s) =>
  s.createModelVersion({ name: SCRATCH, source: "mlflow-artifacts:/0/model" }),
);
call("searchModelVersions of scratch-src (nothing was registered)", (s) => s.searchModelVersions({ filter: `name = '${SCRATCH}'` }));
call("deleteRegisteredModel scratch-src", (s) => s.deleteRegisteredModel(SCRATCH));
call("createModelVersion imdb-lr v1 from models:/sentiment-tfidf/1 (inherits the run id)", (s) =>
  s.createModelVersion({ name: LR, source: `models:/${TF}/1` }),
);
call("getModelVersionDownloadUri imdb-lr 1 (the referenced version's)", (s) => s.getModelVersionDownloadUri(LR, "1"));
fail("RESOURCE_DOES_NOT_EXIST", "createModelVersion from models:/ of an unknown version", (s) => s.createModelVersion({ name: LR, source: `models:/${TF}/9` }));
fail("INVALID_PARAMETER_VALUE", "createModelVersion from models:/ with a run id that does not match", (s) =>
  s.createModelVersion({ name: LR, source: `models:/${TF}/1`, runId: R2 }),
);
call("getRegisteredModel sentiment-tfidf with its versions", (s) => s.getRegisteredModel(TF));
call("getModelVersion sentiment-tfidf 1", (s) => s.getModelVersion(TF, "1"));
call("getModelVersion sentiment-tfidf 01", (s) => s.getModelVersion(TF, "01"));
fail("RESOURCE_DOES_NOT_EXIST", "getModelVersion of an unknown version", (s) => s.getModelVersion(TF, "9"));
fail("INVALID_PARAMETER_VALUE", "getModelVersion of a non-integer version", (s) => s.getModelVersion(TF, "abc"));
fail("RESOURCE_DOES_NOT_EXIST", "getModelVersion of an unknown model", (s) => s.getModelVersion("absent", "1"));
call("updateModelVersion sentiment-tfidf 2: a description", (s) => s.updateModelVersion(TF, "2", { description: "from S3" }));
call("updateModelVersion sentiment-tfidf 1 without a description (clears it)", (s) => s.updateModelVersion(TF, "1", {}));
fail("RESOURCE_DOES_NOT_EXIST", "updateModelVersion of an unknown version", (s) => s.updateModelVersion(TF, "9", { description: "x" }));
call("getModelVersionDownloadUri sentiment-tfidf 3", (s) => s.getModelVersionDownloadUri(TF, "3"));
fail("RESOURCE_DOES_NOT_EXIST", "getModelVersionDownloadUri of an unknown version", (s) => s.getModelVersionDownloadUri(TF, "9"));

// --- model version tags
call("setModelVersionTag sentiment-tfidf 1 flavor=sklearn (overwrite)", (s) => s.setModelVersionTag(TF, "1", "flavor", "sklearn"));
call("setModelVersionTag sentiment-tfidf 3 flavor=tfidf", (s) => s.setModelVersionTag(TF, "3", "flavor", "tfidf"));
call("deleteModelVersionTag of a missing key", (s) => s.deleteModelVersionTag(TF, "1", "missing"));
fail("INVALID_PARAMETER_VALUE", "setModelVersionTag with a bad key", (s) => s.setModelVersionTag(TF, "1", "bad*key", "v"));
fail("INVALID_PARAMETER_VALUE", "setModelVersionTag with a value over 100000 characters", (s) => s.setModelVersionTag(TF, "1", "big", "v".repeat(100_001)));
fail("RESOURCE_DOES_NOT_EXIST", "setModelVersionTag on an unknown version", (s) => s.setModelVersionTag(TF, "9", "k", "v"));
fail("INVALID_PARAMETER_VALUE", "setModelVersionTag on a non-integer version", (s) => s.setModelVersionTag(TF, "x", "k", "v"));
call("deleteModelVersionTag sentiment-tfidf 1 data", (s) => s.deleteModelVersionTag(TF, "1", "data"));
call("getModelVersion sentiment-tfidf 1 after the tag changes", (s) => s.getModelVersion(TF, "1"));

// --- stages
call("transitionModelVersionStage sentiment-tfidf 1 → 'staging'", (s) => s.transitionModelVersionStage(TF, "1", "staging", false));
call("transitionModelVersionStage sentiment-tfidf 2 → 'PRODUCTION'", (s) => s.transitionModelVersionStage(TF, "2", "PRODUCTION", false));
call("transitionModelVersionStage sentiment-tfidf 3 → 'production', archiving the others", (s) => s.transitionModelVersionStage(TF, "3", "production", true));
call("getModelVersion sentiment-tfidf 2 (archived)", (s) => s.getModelVersion(TF, "2"));
fail("INVALID_PARAMETER_VALUE", "transitionModelVersionStage to an unknown stage", (s) => s.transitionModelVersionStage(TF, "1", "bogus", false));
fail("INVALID_PARAMETER_VALUE", "transitionModelVersionStage to Deleted_Internal", (s) => s.transitionModelVersionStage(TF, "1", "Deleted_Internal", false));
fail("INTERNAL_ERROR", "transitionModelVersionStage to Archived, archiving the others", (s) => s.transitionModelVersionStage(TF, "1", "Archived", true));
fail("RESOURCE_DOES_NOT_EXIST", "transitionModelVersionStage of an unknown version", (s) => s.transitionModelVersionStage(TF, "9", "Staging", false));
call("getLatestVersions sentiment-tfidf (all stages)", (s) => s.getLatestVersions(TF));
call("getLatestVersions sentiment-tfidf [production, NONE]", (s) => s.getLatestVersions(TF, ["production", "NONE"]));
call("getLatestVersions sentiment-tfidf [Archived]", (s) => s.getLatestVersions(TF, ["Archived"]));
fail("INVALID_PARAMETER_VALUE", "getLatestVersions with an unknown stage", (s) => s.getLatestVersions(TF, ["bogus"]));
fail("RESOURCE_DOES_NOT_EXIST", "getLatestVersions of an unknown model", (s) => s.getLatestVersions("absent"));
call("getLatestVersions sentiment-bert with an empty stage list", (s) => s.getLatestVersions(BERT, []));
call("getRegisteredModel sentiment-tfidf after the transitions", (s) => s.getRegisteredModel(TF));

// --- aliases
call("setRegisteredModelAlias champion → 3", (s) => s.setRegisteredModelAlias(TF, "champion", "3"));
call("setRegisteredModelAlias challenger → 1", (s) => s.setRegisteredModelAlias(TF, "challenger", "1"));
call("setRegisteredModelAlias Champion → 2 (aliases are case-sensitive)", (s) => s.setRegisteredModelAlias(TF, "Champion", "2"));
call("getRegisteredModel sentiment-tfidf with aliases", (s) => s.getRegisteredModel(TF));
call("getModelVersionByAlias champion", (s) => s.getModelVersionByAlias(TF, "champion"));
call("setRegisteredModelAlias champion → 1 (moves it)", (s) => s.setRegisteredModelAlias(TF, "champion", "1"));
call("getModelVersion sentiment-tfidf 1 with its aliases", (s) => s.getModelVersion(TF, "1"));
fail("INVALID_PARAMETER_VALUE", "setRegisteredModelAlias 'latest'", (s) => s.setRegisteredModelAlias(TF, "latest", "1"));
fail("INVALID_PARAMETER_VALUE", "setRegisteredModelAlias 'V2'", (s) => s.setRegisteredModelAlias(TF, "V2", "1"));
fail("INVALID_PARAMETER_VALUE", "setRegisteredModelAlias 'a.b'", (s) => s.setRegisteredModelAlias(TF, "a.b", "1"));
fail("INVALID_PARAMETER_VALUE", "setRegisteredModelAlias of 256 characters", (s) => s.setRegisteredModelAlias(TF, "a".repeat(256), "1"));
fail("RESOURCE_DOES_NOT_EXIST", "setRegisteredModelAlias to an unknown version", (s) => s.setRegisteredModelAlias(TF, "x", "9"));
fail("RESOURCE_DOES_NOT_EXIST", "setRegisteredModelAlias on an unknown model", (s) => s.setRegisteredModelAlias("absent", "x", "1"));
fail("INVALID_PARAMETER_VALUE", "setRegisteredModelAlias to a non-integer version", (s) => s.setRegisteredModelAlias(TF, "x", "one"));
fail("INVALID_PARAMETER_VALUE", "getModelVersionByAlias of an unknown alias", (s) => s.getModelVersionByAlias(TF, "nope"));
call("getModelVersionByAlias 'latest'", (s) => s.getModelVersionByAlias(TF, "latest"));
fail("INVALID_PARAMETER_VALUE", "getModelVersionByAlias with a bad alias name", (s) => s.getModelVersionByAlias(TF, "a.b"));
call("deleteRegisteredModelAlias Champion", (s) => s.deleteRegisteredModelAlias(TF, "Champion"));
call("deleteRegisteredModelAlias of a missing alias", (s) => s.deleteRegisteredModelAlias(TF, "Champion"));
fail("RESOURCE_DOES_NOT_EXIST", "deleteRegisteredModelAlias on an unknown model", (s) => s.deleteRegisteredModelAlias("absent", "x"));
call("getRegisteredModel sentiment-tfidf after the alias changes", (s) => s.getRegisteredModel(TF));

// --- deleting versions
call("deleteModelVersion sentiment-tfidf 1 (champion and challenger point to it)", (s) => s.deleteModelVersion(TF, "1"));
fail("RESOURCE_DOES_NOT_EXIST", "getModelVersion of the deleted version", (s) => s.getModelVersion(TF, "1"));
fail("RESOURCE_DOES_NOT_EXIST", "deleteModelVersion of the deleted version", (s) => s.deleteModelVersion(TF, "1"));
call("getRegisteredModel sentiment-tfidf after the delete", (s) => s.getRegisteredModel(TF));
fail("INVALID_PARAMETER_VALUE", "getModelVersionByAlias of an alias the delete removed", (s) => s.getModelVersionByAlias(TF, "champion"));
call("createModelVersion sentiment-tfidf v4 (numbers are not reused)", (s) => s.createModelVersion({ name: TF, source: `runs:/${R3}/model`, runId: R3 }));
fail("RESOURCE_DOES_NOT_EXIST", "setModelVersionTag on the deleted version", (s) => s.setModelVersionTag(TF, "1", "k", "v"));
fail("RESOURCE_DOES_NOT_EXIST", "transitionModelVersionStage of the deleted version", (s) => s.transitionModelVersionStage(TF, "1", "Staging", false));
fail("RESOURCE_DOES_NOT_EXIST", "deleteModelVersion of an unknown model", (s) => s.deleteModelVersion("absent", "1"));

// --- searchRegisteredModels
call("createRegisteredModel a prompt", (s) => s.createRegisteredModel("prompt-x", { tags: [tag("mlflow.prompt.is_prompt", "true")] }));
call("searchRegisteredModels (defaults: prompts left out)", (s) => s.searchRegisteredModels());
call("searchRegisteredModels the prompts", (s) => s.searchRegisteredModels({ filter: "tags.`mlflow.prompt.is_prompt` = 'true'" }));
call("searchRegisteredModels name LIKE 'sentiment%'", (s) => s.searchRegisteredModels({ filter: "name LIKE 'sentiment%'" }));
call("searchRegisteredModels name ILIKE 'SENTIMENT%'", (s) => s.searchRegisteredModels({ filter: "name ILIKE 'SENTIMENT%'" }));
call("searchRegisteredModels tags.team = 'nlp'", (s) => s.searchRegisteredModels({ filter: "tags.team = 'nlp'" }));
call("searchRegisteredModels tags.owner != 'ana'", (s) => s.searchRegisteredModels({ filter: "tags.owner != 'ana'" }));
call("searchRegisteredModels name IN (…)", (s) => s.searchRegisteredModels({ filter: `name IN ('${TF}', '${LR}', 'absent')` }));
call("searchRegisteredModels name != 'imdb-lr' AND name LIKE '%t%'", (s) => s.searchRegisteredModels({ filter: `name != '${LR}' AND name LIKE '%t%'` }));
call("searchRegisteredModels by name DESC", (s) => s.searchRegisteredModels({ orderBy: ["name DESC"] }));
call("searchRegisteredModels by last_updated_timestamp DESC", (s) => s.searchRegisteredModels({ orderBy: ["last_updated_timestamp DESC"] }));
call("searchRegisteredModels by timestamp ASC", (s) => s.searchRegisteredModels({ orderBy: ["timestamp ASC"] }));
call("searchRegisteredModels page 1 of 3 (2 per page)", async (s, c) => keep(c, "rm", await s.searchRegisteredModels({ maxResults: 2 })));
call("searchRegisteredModels page 2 of 3", async (s, c) => keep(c, "rm", await s.searchRegisteredModels({ maxResults: 2, pageToken: c.tokens.get("rm") })));
call("searchRegisteredModels page 3 of 3", async (s, c) => keep(c, "rm", await s.searchRegisteredModels({ maxResults: 2, pageToken: c.tokens.get("rm") })));
call("searchRegisteredModels maxResults 0", (s) => s.searchRegisteredModels({ maxResults: 0 }));
fail("INVALID_PARAMETER_VALUE", "searchRegisteredModels maxResults 1001", (s) => s.searchRegisteredModels({ maxResults: 1001 }));
fail("INVALID_PARAMETER_VALUE", "searchRegisteredModels by creation_timestamp", (s) => s.searchRegisteredModels({ orderBy: ["creation_timestamp"] }));
fail("INTERNAL_ERROR", "searchRegisteredModels with a repeated order_by key", (s) => s.searchRegisteredModels({ orderBy: ["name", "name DESC"] }));
fail("INVALID_PARAMETER_VALUE", "searchRegisteredModels with OR", (s) => s.searchRegisteredModels({ filter: `name = '${TF}' OR name = '${LR}'` }));
fail("INVALID_PARAMETER_VALUE", "searchRegisteredModels on run_id", (s) => s.searchRegisteredModels({ filter: "run_id = 'x'" }));
fail("INVALID_PARAMETER_VALUE", "searchRegisteredModels with a garbage page token", (s) => s.searchRegisteredModels({ pageToken: "not-a-token" }));

// --- searchModelVersions
call("searchModelVersions (defaults)", (s) => s.searchModelVersions());
call("searchModelVersions run_id = R1", (s) => s.searchModelVersions({ filter: `run_id = '${R1}'` }));
call("searchModelVersions run_id IN (R1, R2)", (s) => s.searchModelVersions({ filter: `run_id IN ('${R1}', '${R2}')` }));
call("searchModelVersions run_id NOT IN (R1)", (s) => s.searchModelVersions({ filter: `run_id NOT IN ('${R1}')` }));
call("searchModelVersions source_path LIKE 's3://%'", (s) => s.searchModelVersions({ filter: "source_path LIKE 's3://%'" }));
call("searchModelVersions name = sentiment-tfidf AND version_number > 2", (s) => s.searchModelVersions({ filter: `name = '${TF}' AND version_number > 2` }));
call("searchModelVersions tags.flavor = 'tfidf'", (s) => s.searchModelVersions({ filter: "tags.flavor = 'tfidf'" }));
call("searchModelVersions by version_number ASC", (s) => s.searchModelVersions({ orderBy: ["version_number ASC"] }));
call("searchModelVersions by name DESC, version_number ASC", (s) => s.searchModelVersions({ orderBy: ["name DESC", "version_number ASC"] }));
call("searchModelVersions by creation_timestamp ASC", (s) => s.searchModelVersions({ orderBy: ["creation_timestamp ASC"] }));
call("searchModelVersions page 1 of 2 (4 per page)", async (s, c) => keep(c, "mv", await s.searchModelVersions({ maxResults: 4 })));
call("searchModelVersions page 2 of 2", async (s, c) => keep(c, "mv", await s.searchModelVersions({ maxResults: 4, pageToken: c.tokens.get("mv") })));
fail("INVALID_PARAMETER_VALUE", "searchModelVersions maxResults 0", (s) => s.searchModelVersions({ maxResults: 0 }));
fail("INVALID_PARAMETER_VALUE", "searchModelVersions maxResults 200001", (s) => s.searchModelVersions({ maxResults: 200_001 }));
fail("INVALID_PARAMETER_VALUE", "searchModelVersions on status", (s) => s.searchModelVersions({ filter: "status = 'READY'" }));
fail("INVALID_PARAMETER_VALUE", "searchModelVersions version_number = 2.0", (s) => s.searchModelVersions({ filter: "version_number = 2.0" }));
fail("INTERNAL_ERROR", "searchModelVersions with a repeated order_by key", (s) =>
  s.searchModelVersions({ orderBy: ["version_number", "version_number DESC"] }),
);
fail("INVALID_PARAMETER_VALUE", "searchModelVersions by run_id", (s) => s.searchModelVersions({ orderBy: ["run_id"] }));

// --- rename and delete
call("renameRegisteredModel sentiment-bert → bert-renamed", (s) => s.renameRegisteredModel(BERT, "bert-renamed"));
fail("RESOURCE_ALREADY_EXISTS", "renameRegisteredModel to a taken name", (s) => s.renameRegisteredModel(LR, "Sentiment-Tfidf"));
fail("RESOURCE_DOES_NOT_EXIST", "renameRegisteredModel of an unknown model", (s) => s.renameRegisteredModel("absent", "x"));
fail("INVALID_PARAMETER_VALUE", "renameRegisteredModel to a name with '/'", (s) => s.renameRegisteredModel(LR, "a/b"));
call("getModelVersion bert-renamed 1", (s) => s.getModelVersion("bert-renamed", "1"));
fail("RESOURCE_DOES_NOT_EXIST", "getRegisteredModel of the old name", (s) => s.getRegisteredModel(BERT));
// --- the renamed model: more writes and reads
const RN = "bert-renamed";
call("createModelVersion bert-renamed v2 from models:/sentiment-tfidf/latest", (s) =>
  s.createModelVersion({ name: RN, source: `models:/${TF}/latest` }),
);
call("setRegisteredModelAlias bert-renamed prod → 1", (s) => s.setRegisteredModelAlias(RN, "prod", "1"));
call("createModelVersion bert-renamed v3 from models:/bert-renamed@prod", (s) => s.createModelVersion({ name: RN, source: `models:/${RN}@prod` }));
call("getModelVersionDownloadUri bert-renamed 3", (s) => s.getModelVersionDownloadUri(RN, "3"));
call("createModelVersion bert-renamed v4 from models:/bert-renamed/None", (s) => s.createModelVersion({ name: RN, source: `models:/${RN}/None` }));
call("transitionModelVersionStage bert-renamed 1 → Staging", (s) => s.transitionModelVersionStage(RN, "1", "Staging", false));
call("transitionModelVersionStage bert-renamed 2 → Staging", (s) => s.transitionModelVersionStage(RN, "2", "Staging", false));
call("transitionModelVersionStage bert-renamed 3 → Staging, archiving the others", (s) => s.transitionModelVersionStage(RN, "3", "staging", true));
call("transitionModelVersionStage bert-renamed 4 → Archived", (s) => s.transitionModelVersionStage(RN, "4", "Archived", false));
call("getLatestVersions bert-renamed [STAGING, archived]", (s) => s.getLatestVersions(RN, ["STAGING", "archived"]));
call("getRegisteredModel bert-renamed", (s) => s.getRegisteredModel(RN));
call("updateRegisteredModel bert-renamed", (s) => s.updateRegisteredModel(RN, { description: "renamed BERT" }));
call("updateModelVersion bert-renamed 3", (s) => s.updateModelVersion(RN, "3", { description: "staged" }));
call("setModelVersionTag bert-renamed 3 flavor=onnx", (s) => s.setModelVersionTag(RN, "3", "flavor", "onnx"));
call("getModelVersionByAlias bert-renamed prod", (s) => s.getModelVersionByAlias(RN, "prod"));
call("getModelVersionByAlias bert-renamed Latest", (s) => s.getModelVersionByAlias(RN, "Latest"));
call("searchModelVersions name = bert-renamed by version_number DESC", (s) => s.searchModelVersions({ filter: `name = '${RN}'`, orderBy: ["version_number DESC"] }));
call("searchModelVersions version_number <= 2 AND version_number != 1", (s) => s.searchModelVersions({ filter: "version_number <= 2 AND version_number != 1" }));
call("searchModelVersions tags.flavor != 'onnx'", (s) => s.searchModelVersions({ filter: "tags.flavor != 'onnx'" }));
call("searchModelVersions tags.flavor ILIKE 'ONNX'", (s) => s.searchModelVersions({ filter: "tags.flavor ILIKE 'ONNX'" }));
call("searchModelVersions source_path LIKE 'models:/%' by last_updated_timestamp", (s) =>
  s.searchModelVersions({ filter: "source_path LIKE 'models:/%'", orderBy: ["last_updated_timestamp ASC"] }),
);
call("searchModelVersions maxResults 200000", (s) => s.searchModelVersions({ maxResults: 200_000 }));
call("searchRegisteredModels tag.owner LIKE '%o%'", (s) => s.searchRegisteredModels({ filter: "tag.owner LIKE '%o%'" }));
call("searchRegisteredModels tags.team ILIKE 'NL%'", (s) => s.searchRegisteredModels({ filter: "tags.team ILIKE 'NL%'" }));
call("searchRegisteredModels maxResults 1000 by last_updated_timestamp ASC", (s) =>
  s.searchRegisteredModels({ maxResults: 1000, orderBy: ["last_updated_timestamp ASC"] }),
);
call("deleteModelVersion bert-renamed 1 (prod points to it)", (s) => s.deleteModelVersion(RN, "1"));
call("getRegisteredModel bert-renamed after the delete", (s) => s.getRegisteredModel(RN));
call("getLatestVersions bert-renamed after the delete", (s) => s.getLatestVersions(RN));

call("deleteRegisteredModel imdb-lr", (s) => s.deleteRegisteredModel(LR));
fail("RESOURCE_DOES_NOT_EXIST", "deleteRegisteredModel imdb-lr again", (s) => s.deleteRegisteredModel(LR));
fail("RESOURCE_DOES_NOT_EXIST", "getModelVersion of a deleted model", (s) => s.getModelVersion(LR, "1"));
call("createRegisteredModel imdb-lr again", (s) => s.createRegisteredModel(LR));
call("createModelVersion imdb-lr (version 1 again)", (s) => s.createModelVersion({ name: LR, source: "s3://models/lr/1" }));
call("searchRegisteredModels, final state, by name", (s) => s.searchRegisteredModels({ orderBy: ["name ASC"] }));
call("searchModelVersions, final state", (s) => s.searchModelVersions());

// ------------------------------------------------------------------------------------------------
// Running and normalizing

/** The script's steps, in order (call n of the checks is `REGISTRY_STEPS[n - 1]`). */
export const REGISTRY_STEPS: readonly Step[] = steps;

const TIME_KEYS = new Set(["creationTimestamp", "lastUpdatedTimestamp"]);

/** Replaces clock readings by the number of the call whose window holds them, page tokens by presence. */
function normalize(value: unknown, windows: readonly (readonly [number, number])[]): unknown {
  const timeOf = (t: number): string => {
    const i = windows.findIndex(([from, to]) => t >= from && t <= to);
    return i === -1 ? "<time>" : `@${i + 1}`;
  };
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === "number" && key !== undefined && TIME_KEYS.has(key)) return timeOf(v);
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === "nextPageToken" ? x !== undefined : walk(x, k)]));
    }
    return v;
  };
  return walk(value);
}

/** Runs the whole script on one store (fresh and empty); one normalized outcome per step. */
export async function runRegistryScript(store: RegistryStore): Promise<Outcome[]> {
  const ctx: Ctx = { tokens: new Map() };
  const windows: [number, number][] = [];
  const raw: Outcome[] = [];
  for (const step of steps) {
    const from = Date.now();
    try {
      raw.push({ ok: await step.call(store, ctx) });
    } catch (e) {
      raw.push(errorOutcome(e));
    }
    windows.push([from, Date.now()]);
    // Each call's clock readings fall in its own window: the windows never touch.
    await sleep(3);
  }
  return raw.map((o) => ("ok" in o ? { ok: normalize(o.ok, windows) } : o));
}

// ------------------------------------------------------------------------------------------------
// The checks

/** A store compared with the oracle, and the calls (by title) where it is known to differ, with the reason. */
export interface RegistryComparedStore {
  name: string;
  knownDifferences?: Readonly<Record<string, string>>;
}

/**
 * Registers the checks of one differential run: the script's size, the oracle's outcomes against
 * the script and its clock readings, that every known difference names a call, and one test per
 * call and store ("#<n> <call>" / "<store> = mlflow"). `results()` holds each store's outcomes
 * under its name and the oracle's under "mlflow". Call it inside the describe whose `beforeAll`
 * fills the results.
 */
export function describeRegistryChecks(results: () => Readonly<Record<string, readonly Outcome[]>>, stores: readonly RegistryComparedStore[]): void {
  it(`the script has at least 150 calls (it has ${steps.length}), about a third of them failing`, () => {
    expect(steps.length).toBeGreaterThanOrEqual(150);
    expect(steps.filter((s) => s.fails).length).toBeGreaterThanOrEqual(45);
    expect(new Set(steps.map((s) => s.title)).size).toBe(steps.length);
  });

  it("on the oracle, every call succeeds or fails exactly as the script says", () => {
    expect(oracleMismatches(steps, results().mlflow!)).toEqual([]);
  });

  it("on the oracle, every clock reading falls inside a call's window", () => {
    expect(JSON.stringify(results().mlflow)).not.toContain("<time>");
  });

  for (const s of stores) {
    const known = s.knownDifferences ?? {};
    it(`every KNOWN_DIFFERENCES entry of ${s.name} names a call of the script`, () => {
      expect(Object.keys(known).filter((t) => !steps.some((step) => step.title === t))).toEqual([]);
    });
  }

  describeCalls(
    steps,
    results,
    stores.map((s) => ({
      name: s.name,
      differences: Object.fromEntries(Object.entries(s.knownDifferences ?? {}).map(([title, reason]) => [title, { kind: "known difference", reason }])),
    })),
  );
}
