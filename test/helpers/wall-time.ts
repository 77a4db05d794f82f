/**
 * A globalSetup whose teardown prints the run's wall time as the suite's last line, e.g.
 * `senti-mlops tests: wall time 9m12s (build 48s, vitest 8m24s)`. Listed first in vitest.config.ts,
 * so that its teardown runs after the other global teardowns (vitest runs them in reverse).
 *
 * Under `npm test` the clock starts when npm started the script (`npm run build && vitest run`),
 * so the build is included; otherwise when this vitest process started.
 */
import { execFileSync } from "node:child_process";

/** Seconds since the `npm test` script's process started (the build included), if it can be told. */
function scriptElapsedSeconds(): number | undefined {
  if (process.env.npm_lifecycle_event !== "test") return undefined;
  try {
    const out = execFileSync("ps", ["-o", "etimes=", "-p", String(process.ppid)], { encoding: "utf8" }).trim();
    const seconds = Number(out);
    return Number.isFinite(seconds) && out !== "" ? seconds : undefined;
  } catch {
    return undefined;
  }
}

function format(seconds: number): string {
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

export default function setup(): () => void {
  // Read now: the parent shell may be gone by teardown time.
  const before = scriptElapsedSeconds();
  const vitestBefore = process.uptime();
  return () => {
    const vitest = process.uptime();
    const total = before === undefined ? vitest : before - vitestBefore + vitest;
    const parts = before === undefined ? "" : ` (build ${format(total - vitest)}, vitest ${format(vitest)})`;
    process.stdout.write(`senti-mlops tests: wall time ${format(total)}${parts}\n`);
  };
}
