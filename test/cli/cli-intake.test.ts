/**
 * The built `senti-mlops train` (bin/senti-mlops.js) on files a new user might bring: progress a
 * log file can read when stderr is a pipe (and a live line per phase on a terminal), Latin-1 data
 * with --encoding, and label mistakes named by file, line and value, with the flags that fix them.
 *
 * Needs `npm run build` first (npm test does it). The terminal test runs the CLI under util-linux
 * `script`, which gives it a pseudo-terminal (installed with apt-get when missing, as CI runs as root).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadModel } from "../../src/index.js";
import { PROJECT_ROOT, distFile } from "../helpers/dist.js";
import { describeResult, runProcess, type ProcessResult } from "../helpers/run-process.js";

let cli = "";
let tmp = "";

function senti(args: string[]): Promise<ProcessResult> {
  return runProcess(process.execPath, [cli, ...args], { cwd: tmp });
}

const POSITIVE = ["great", "wonderful", "loved", "superb", "moving", "fun", "brilliant", "charming"];
const NEGATIVE = ["awful", "boring", "hated", "dull", "clumsy", "tedious", "bland", "lifeless"];

/** `n` rows alternating label 0 (negative words) and 1 (positive words), with some shared words. */
function rows(n: number): [string, string][] {
  return Array.from({ length: n }, (_, i) => {
    const words = i % 2 === 1 ? POSITIVE : NEGATIVE;
    const other = i % 2 === 1 ? NEGATIVE : POSITIVE;
    return [`${words[i % 8]} ${words[(i * 3 + 1) % 8]} ${other[i % 5]} story ${i % 7}`, String(i % 2)];
  });
}

async function csv(name: string, data: [string, string][], encoding: BufferEncoding = "utf8"): Promise<string> {
  const path = join(tmp, name);
  await writeFile(path, Buffer.from(`text,label\n${data.map(([t, l]) => `${t},${l}`).join("\n")}\n`, encoding));
  return path;
}

/** The error line of a failed run (exit 1: a SentiMlopsError), checked to be the last line of stderr. */
function errorOf(r: ProcessResult): string {
  expect(r.code, describeResult(r)).toBe(1);
  expect(r.stderr, "no stack trace").not.toMatch(/^ {4}at /m);
  const last = r.stderr.trimEnd().split("\n").at(-1)!;
  expect(last).toMatch(/^senti-mlops: error: /);
  return last.slice("senti-mlops: error: ".length);
}

beforeAll(async () => {
  distFile("cli/main.js"); // fails clearly when dist/ is not built
  cli = join(PROJECT_ROOT, "bin", "senti-mlops.js");
  tmp = await mkdtemp(join(tmpdir(), "senti-mlops-cli-intake-"));
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("progress", () => {
  test("off a terminal: plain lines, one per phase start and end, the loss every 10 iterations", async () => {
    const data = await csv("train.csv", rows(600));
    // Weak regularization and a tiny tolerance: enough iterations for several loss lines.
    const r = await senti(["train", "--data", data, "--out", join(tmp, "p.bin"), "--tol", "1e-12", "--max-iter", "45", "-C", "100"]);
    expect(r.code, describeResult(r)).toBe(0);
    expect(r.stderr, "no carriage returns or escape sequences").not.toMatch(/[\r\x1b]/);
    const lines = r.stderr.trimEnd().split("\n");
    const patterns: [string, RegExp][] = [
      ["read", /^read 600 rows from \S+train\.csv \(2 labels: 0: 300, 1: 300\)$/],
      ["start", /^(tokenizing|vocabulary|optimizing|evaluating): started( \(at most 45 iterations\))?$/],
      ["iteration", /^optimizing: iteration (\d+), loss (\d+\.\d{6})$/],
      ["end", /^(tokenizing: 600 documents|vocabulary: done|optimizing: (\d+) iterations, loss \d+\.\d{6}|evaluating: done) \(\d+\.\d s\)$/],
      ["done", /^done in \d+\.\d s$/],
    ];
    const kinds = lines.map((line) => {
      const kind = patterns.find(([, p]) => p.test(line))?.[0];
      expect(kind, `a line a log reader understands: ${JSON.stringify(line)}`).toBeDefined();
      return kind;
    });
    expect(kinds[0]).toBe("read");
    expect(kinds.at(-1)).toBe("done");
    expect(lines.filter((l) => /: started/.test(l)).map((l) => l.split(":")[0])).toEqual(["tokenizing", "vocabulary", "optimizing"]);
    // Iteration 1 and every 10th are logged, then the end line with the iteration count.
    const iterations = Number(/, (\d+) iterations/.exec(r.stdout)?.[1]);
    expect(iterations, r.stdout).toBeGreaterThan(10);
    const logged = lines.flatMap((l) => /^optimizing: iteration (\d+),/.exec(l)?.[1] ?? []).map(Number);
    expect(logged).toEqual([1, ...Array.from({ length: Math.floor(iterations / 10) }, (_, i) => (i + 1) * 10)]);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^optimizing: ${iterations} iterations, loss `)));
  });

  test("on a terminal: one live line per phase, rewritten in place with the iteration and loss", async () => {
    if (!existsSync("/usr/bin/script")) execFileSync("sh", ["-c", "apt-get update && apt-get install -y --no-install-recommends bsdutils"], { stdio: "ignore" });
    const data = await csv("tty.csv", rows(400));
    const command = [process.execPath, cli, "train", "--data", data, "--out", join(tmp, "t.bin"), "--tol", "1e-12", "--max-iter", "30", "-C", "100"]
      .map((a) => `'${a}'`)
      .join(" ");
    // script gives the CLI a pseudo-terminal for stdin, stdout and stderr, and copies what it writes.
    const r = await runProcess("script", ["-qec", command, "/dev/null"], { cwd: tmp });
    expect(r.code, describeResult(r)).toBe(0);
    const screen = r.stdout;
    expect(screen).toContain("\r\x1b[K");
    const iterations = Number(/, (\d+) iterations/.exec(screen)?.[1]);
    expect(iterations, screen).toBeGreaterThan(1);
    for (let i = 1; i <= iterations; i++) expect(screen).toMatch(new RegExp(`optimizing iteration ${i} of at most 30, loss \\d+\\.\\d{6}`));
    // Each finished phase ends its line with a summary: the last thing written to that line.
    const finished = screen.split(/\r?\n/).map((line) => line.split("\r\x1b[K").at(-1)!);
    expect(finished).toContainEqual(expect.stringMatching(/^tokenizing 400 documents \(\d+\.\d s\)$/));
    expect(finished).toContainEqual(expect.stringMatching(new RegExp(`^optimizing ${iterations} iterations, loss \\d+\\.\\d{6} \\(\\d+\\.\\d s\\)$`)));
    expect(finished).toContainEqual(expect.stringMatching(/^done in \d+\.\d s$/));
  });

  test("--holdout says how many rows it held out", async () => {
    const data = await csv("holdout.csv", rows(500));
    const r = await senti(["train", "--data", data, "--out", join(tmp, "h.bin"), "--holdout", "0.2"]);
    expect(r.code, describeResult(r)).toBe(0);
    const [, held, kept] = /^held out (\d+) rows \(fraction 0\.2, seed 42\); training on (\d+)$/m.exec(r.stderr) ?? [];
    expect(Number(held) + Number(kept), r.stderr).toBe(500);
    expect(r.stdout).toContain(`saved ${join(tmp, "h.bin")}: ${kept} examples`);
    expect(r.stdout).toMatch(new RegExp(`\\(n = ${held}\\)`));
  });

  test("--quiet and --json print no progress", async () => {
    const data = await csv("quiet.csv", rows(100));
    for (const flag of ["--quiet", "--json"]) {
      const r = await senti(["train", "--data", data, "--out", join(tmp, "q.bin"), flag]);
      expect(r.code, describeResult(r)).toBe(0);
      expect(r.stderr).toBe("");
    }
  });
});

describe("encodings", () => {
  test("a Latin-1 file is an error naming the file, line and byte offset, and reads right with --encoding", async () => {
    const data = rows(200);
    data[41]![0] = `café crème ${data[41]![0]}`; // line 43
    const path = await csv("latin1.csv", data, "latin1");
    const failed = await senti(["train", "--data", path, "--out", join(tmp, "l.bin")]);
    const offset = Buffer.from(`text,label\n${data.slice(0, 41).map(([t, l]) => `${t},${l}\n`).join("")}caf`).length;
    expect(errorOf(failed)).toBe(
      `${path} line 43, byte offset ${offset} (byte 4 of the line): invalid UTF-8 (bytes e9 20); ` +
        `if the file is not UTF-8, say which encoding it is with the encoding option, e.g. encoding: "windows-1252" for Latin-1 (senti-mlops train: --encoding windows-1252)`,
    );
    for (const encoding of ["latin1", "windows-1252"]) {
      const model = join(tmp, `${encoding}.bin`);
      const r = await senti(["train", "--data", path, "--encoding", encoding, "--out", model, "--quiet"]);
      expect(r.code, describeResult(r)).toBe(0);
      const { vectorizer } = (await loadModel(model)) as unknown as { vectorizer: { vocabulary: readonly string[] } };
      expect(vectorizer.vocabulary).toEqual(expect.arrayContaining(["café", "crème"]));
      expect(vectorizer.vocabulary.join(" ")).not.toContain("\uFFFD");
    }
    const bad = await senti(["train", "--data", path, "--encoding", "utf-16le"]);
    expect(errorOf(bad)).toMatch(/^encoding "utf-16le" \(utf-16le\) is not supported/);
  });
});

describe("labels", () => {
  test("0, 1 and a stray 1.5: the line and the value", async () => {
    const data = rows(100);
    data[30]![1] = "1.5";
    const path = await csv("decimal.csv", data);
    const r = await senti(["train", "--data", path, "--out", join(tmp, "d.bin")]);
    expect(errorOf(r)).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} line 32: label "1\\.5" is not an integer class id, but the labels before it are class ids \\(0 at line 2\\)`));
    expect(r.stderr.split("\n")[0]).toBe(`read 100 rows from ${path} (3 labels: 0: 49, 1: 50, "1.5": 1)`);
  });

  test("a stray class is refused with the counts; --allow-rare-classes trains it", async () => {
    const data = rows(1000);
    data[700]![1] = "2";
    const path = await csv("stray.csv", data);
    const refused = await senti(["train", "--data", path, "--out", join(tmp, "s.bin")]);
    const message = errorOf(refused);
    expect(message).toMatch(/^the labels look unintended: class 2 \(1 row, first at \S+stray\.csv line 702\) has under 1% of the 500 rows of the largest class, 1,/);
    expect(message).toContain("Label counts of the 1,000 rows: 0: 499, 1: 500, 2: 1.");
    expect(message).toContain("(senti-mlops train: --allow-rare-classes)");
    expect(refused.stderr).not.toContain("optimizing");
    const allowed = await senti(["train", "--data", path, "--out", join(tmp, "s.bin"), "--allow-rare-classes", "--json"]);
    expect(allowed.code, describeResult(allowed)).toBe(0);
    const model = await loadModel(join(tmp, "s.bin"));
    expect(model.labels).toEqual(["0", "1", "2"]);
  });

  test("-1/1 labels: refused with the way out, which --label-map provides", async () => {
    const data = rows(100).map(([t, l]): [string, string] => [t, l === "0" ? "-1" : "1"]);
    const path = await csv("signs.csv", data);
    const refused = await senti(["train", "--data", path, "--out", join(tmp, "n.bin")]);
    expect(errorOf(refused)).toMatch(/ line 2: label -1 is not a class id: .*\(senti-mlops train: --label-map=-1=0,1=1\)/);
    const mapped = await senti(["train", "--data", path, "--out", join(tmp, "n.bin"), "--label-map=-1=0,1=1", "--quiet"]);
    expect(mapped.code, describeResult(mapped)).toBe(0);
    expect((await loadModel(join(tmp, "n.bin"))).labels).toEqual(["Negative", "Positive"]);
    const strings = await senti(["train", "--data", path, "--out", join(tmp, "n.bin"), "--labels", "string", "--quiet"]);
    expect(strings.code, describeResult(strings)).toBe(0);
    expect((await loadModel(join(tmp, "n.bin"))).labels).toEqual(["-1", "1"]);
  });

  test.each([
    [["--label-map", "oops"], '--label-map must be RAW=LABEL pairs separated by commas (e.g. --label-map=-1=0,1=1), got "oops"'],
    [["--label-map", "a=1,a=0"], '--label-map maps "a" twice'],
    [["--labels", "numbers"], '--labels must be auto, number or string, got "numbers"'],
  ])("%o is a usage error (exit 2), before any data is read", async (flags, message) => {
    const r = await senti(["train", "--data", join(tmp, "does-not-exist.csv"), ...flags]);
    expect(r.code, describeResult(r)).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(`senti-mlops: error: ${message}`);
  });
});
