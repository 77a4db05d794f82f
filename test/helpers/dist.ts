/**
 * Tests of the built package (test/package, test/cli) run against dist/, which `npm test` builds
 * first. Run alone, they fail at once with a message that says so.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../peers/python-env.js";

export { PROJECT_ROOT };

/** Absolute path of a file under dist/; throws a clear error when dist/ has not been built. */
export function distFile(relative: string): string {
  const path = join(PROJECT_ROOT, "dist", relative);
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: these tests run against the built package; run "npm run build" first (npm test does).`);
  }
  return path;
}
