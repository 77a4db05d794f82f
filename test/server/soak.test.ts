/**
 * Soak (bounded: 60 s of load, loopback only): two replicas of the service (two main.js processes,
 * WORKERS=1 each) on one SQLite store, under steady prediction load, while training jobs are started
 * every few seconds on alternating replicas and an operator moves the alias between versions every
 * second. Every prediction must be answered 200 by a complete model (its scores are exactly those of
 * the version it names), training requests only ever get 202 or 409, and at the end both replicas
 * converge on the registry's champion at their next check.
 *
 * Needs `npm run build` and ../shared/data/sst2.
 */
import { afterAll, expect, test } from "vitest";
import { loadModel, predict } from "../../src/index.js";
import { createTracking } from "../../src/entries/tracking.js";
import { TOKEN, tempDir, trainingEnv } from "./helpers.js";
import { killAll, once, startMain } from "./service-process.js";

const SOAK_MS = 60_000;
/** At most this many prediction requests in all (the load is bounded in requests as well as time). */
const MAX_REQUESTS = 40_000;
const REVIEWS = ["A warm, funny and beautifully acted film.", "Dull, predictable and far too long.", "Not bad at all."];
const auth = { authorization: `Bearer ${TOKEN}` };

afterAll(killAll);

test("two replicas under load while jobs train and the alias moves: 0 errors, complete models only, both converge on the champion", async () => {
  const dir = tempDir();
  const env = {
    WORKERS: "1",
    ...trainingEnv(dir, 2000),
    MODEL_REFRESH_SECONDS: "1",
  };
  const replicas = await Promise.all([startMain(env, /^listening$/), startMain(env, /^listening$/)]);
  const tracking = await createTracking(env.MLFLOW_TRACKING_URI, { artifactRoot: env.MLFLOW_ARTIFACT_ROOT });
  try {
    const first = await once(replicas[0]!.url, "/train_model", "POST", "", auth);
    expect(first.status).toBe(202);
    // Wait for a first champion before the load starts.
    for (;;) {
      const r = await once(replicas[1]!.url, "/predict", "POST", JSON.stringify({ reviews: REVIEWS }), { "content-type": "application/json" });
      if (r.status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const answers: { version: string; scores: number[] }[] = [];
    const failures: string[] = [];
    const trainingStatuses: number[] = [];
    let requests = 0;
    const deadline = Date.now() + SOAK_MS;
    const running = () => Date.now() < deadline && requests < MAX_REQUESTS;

    const client = async (i: number) => {
      while (running()) {
        requests++;
        const replica = replicas[(i + requests) % 2]!;
        try {
          const r = await once(replica.url, "/predict", "POST", JSON.stringify({ reviews: REVIEWS }), { "content-type": "application/json" });
          if (r.status !== 200) failures.push(`${r.status} ${JSON.stringify(r.body)}`);
          else answers.push({ version: String(r.body.model_version), scores: r.body.scores as number[] });
        } catch (e) {
          failures.push(String(e));
        }
      }
    };
    const trainer = async () => {
      let n = 0;
      while (running()) {
        await new Promise((resolve) => setTimeout(resolve, 4000));
        if (!running()) break;
        const r = await once(replicas[n++ % 2]!.url, "/train_model", "POST", JSON.stringify({ promotion_policy: n % 3 === 0 ? "never" : "always" }), {
          ...auth,
          "content-type": "application/json",
        });
        trainingStatuses.push(r.status);
      }
    };
    let lastMove = 0;
    const operator = async () => {
      while (running()) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const versions = (await tracking.registry.searchModelVersions({ filter: "name = 'sentiment-tfidf'" })).items.map((v) => v.version);
        const target = versions[Math.floor(Math.random() * versions.length)]!;
        await tracking.registry.setRegisteredModelAlias("sentiment-tfidf", "champion", target);
        lastMove = Date.now();
      }
    };
    await Promise.all([client(0), client(1), client(2), trainer(), operator()]);

    expect(failures).toEqual([]);
    expect(trainingStatuses.length).toBeGreaterThan(0);
    for (const s of trainingStatuses) expect([202, 409]).toContain(s);

    // Every answer is exactly what the version it names predicts.
    const expected = new Map<string, number[]>();
    for (const version of new Set(answers.map((a) => a.version))) {
      const model = await loadModel(`models:/sentiment-tfidf/${version}`, { tracking });
      expected.set(version, (await predict(model, REVIEWS)).map((p) => p.score));
    }
    expect(expected.size).toBeGreaterThan(1);
    for (const a of answers) expect(a.scores).toEqual(expected.get(a.version));

    // Once each replica has checked the registry after the last move, it serves the champion.
    const champion = (await tracking.registry.getModelVersionByAlias("sentiment-tfidf", "champion")).version;
    for (const replica of replicas) {
      for (;;) {
        const info = (await once(replica.url, "/model_info")).body as { refresh: { last_checked_at: string | null }; models: { tfidf: { registered_model: { version: string } | null } } };
        if (info.refresh.last_checked_at && Date.parse(info.refresh.last_checked_at) > lastMove) {
          const settled = (await once(replica.url, "/model_info")).body as typeof info;
          expect(settled.models.tfidf.registered_model?.version).toBe(champion);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    for (const replica of replicas) {
      replica.child.kill("SIGTERM");
      expect(await replica.exited).toBe(0);
    }
  } finally {
    await tracking.close();
  }
}, 180_000);
