/**
 * `npm start`'s script (scripts/start.sh, run after the build): the first start trains, logs and
 * registers a champion with the CLI, then serves it; a second start on the same store skips the
 * training. Runs on a small stand-in for the shared IMDB files (SENTI_SHARED_DIR), a temp SQLite
 * store and a free port.
 *
 * Also `npm start`'s build step (scripts/build-if-stale.mjs): its staleness check on a temp folder
 * (no build is run).
 *
 * Needs `npm run build` and ../shared/data/sst2.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
// @ts-expect-error: a plain .mjs script without types
import { checkBuild, writeBuildStamp } from "../../scripts/build-if-stale.mjs";
import { PROJECT_ROOT, post, tempDir, writeTrainingCsv } from "./helpers.js";
import { cleanEnv } from "../helpers/run-process.js";

const dir = tempDir("senti-start-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

mkdirSync(join(dir, "shared", "data", "imdb"), { recursive: true });
const imdb = join(dir, "shared", "data", "imdb");

async function startOnce(): Promise<{ output: string; code: number | null }> {
  const child = spawn("sh", ["scripts/start.sh"], {
    cwd: PROJECT_ROOT,
    env: cleanEnv({ SENTI_SHARED_DIR: join(dir, "shared"), PORT: "0", MLFLOW_TRACKING_URI: `sqlite:///${join(dir, "mlflow.db")}`, MLFLOW_ARTIFACT_ROOT: join(dir, "mlruns") }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /"port":(\d+).*"msg":"listening"/.exec(output);
      if (m) resolve(Number(m[1]));
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    exited.then((code) => reject(new Error(`start.sh exited ${code}:\n${output}`)));
  });
  const res = await post(`http://127.0.0.1:${port}/predict`, { reviews: ["This movie was amazing!"] });
  expect(res.status, output).toBe(200);
  expect(((await res.json()) as { model_version: string }).model_version).toBe("1");
  child.kill("SIGTERM");
  return { output, code: await exited };
}

test("the first start trains and registers a champion, then serves it; the second only serves", async () => {
  // The shared IMDB layout, with SST-2 rows standing in (text,label): the script reads train.csv and test.csv.
  const { renameSync } = await import("node:fs");
  renameSync(writeTrainingCsv(dir, 2000), join(imdb, "train.csv"));
  renameSync(writeTrainingCsv(dir, 500, 2000), join(imdb, "test.csv"));
  const first = await startOnce();
  expect(first.code, first.output).toBe(0);
  expect(first.output).toMatch(/registered models:\/sentiment-tfidf\/1 \(alias champion: models:\/sentiment-tfidf@champion\)/);
  expect(first.output).toMatch(/^accuracy 0\.\d{4}/m);
  const second = await startOnce();
  expect(second.code, second.output).toBe(0);
  expect(second.output).toContain("models:/sentiment-tfidf@champion exists (version 1); not training");
});

describe("npm start builds only when stale (scripts/build-if-stale.mjs)", () => {
  type Check = (root: string, options?: object) => { stale: boolean; reason: string };
  const check = checkBuild as Check;
  const stamp = writeBuildStamp as (root: string, startedMs: number) => void;

  test("package.json's start script runs the check before start.sh", () => {
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe("node scripts/build-if-stale.mjs && sh scripts/start.sh");
  });

  test("missing outputs, no stamp, or an input changed after the last build → stale; otherwise skipped", () => {
    const root = tempDir("senti-stale-");
    try {
      const now = Date.now();
      const write = (path: string, secondsAgo: number) => {
        mkdirSync(join(root, path, ".."), { recursive: true });
        writeFileSync(join(root, path), "x");
        const t = now / 1000 - secondsAgo;
        utimesSync(join(root, path), t, t);
      };
      for (const input of ["src/index.ts", "src/deep/er/model.ts", "examples/express-server/src/main.ts", "tsup.config.ts", "tsconfig.json", "tsconfig.build.json", "package.json", "examples/express-server/package.json"]) {
        write(input, 600);
      }
      expect(check(root)).toEqual({ stale: true, reason: "dist/index.js is missing" });
      write("dist/index.js", 300);
      expect(check(root)).toEqual({ stale: true, reason: "examples/express-server/dist/main.js is missing" });
      write("examples/express-server/dist/main.js", 300);
      expect(check(root)).toMatchObject({ stale: true, reason: expect.stringMatching(/^no stamp of a successful build/) });
      stamp(root, Date.now() - 300_000);
      expect(check(root)).toMatchObject({ stale: false, reason: expect.stringMatching(/^nothing changed since the last build/) });
      // package-lock.json and other inputs may be absent; files outside the inputs do not count.
      write("README.md", 0);
      write("test/x.test.ts", 0);
      expect(check(root).stale).toBe(false);
      // Each input in turn is modified after the last build (mtimes in the future keep the order unambiguous).
      const changed = ["src/deep/er/model.ts", "examples/express-server/src/main.ts", "tsconfig.build.json", "package-lock.json", "examples/express-server/tsconfig.json"];
      changed.forEach((input, i) => {
        write(input, -10 * (i + 1));
        expect(check(root)).toEqual({ stale: true, reason: `${input} changed after the last build` });
        stamp(root, now + 10_000 * (i + 1) + 5000);
        expect(check(root).stale).toBe(false);
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
