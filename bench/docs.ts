/**
 * Writes a benchmark's table into docs/benchmarks.md between its markers
 * (`<!-- bench:<name>:start -->` … `<!-- bench:<name>:end -->`). With `heading`, a section whose
 * markers are missing is appended at the end of the page under `## <heading>` (and `intro`, if
 * given) instead of being an error.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../test/peers/python-env.js";

export function writeBenchmarkSection(name: string, table: string, section?: { heading: string; intro?: string }): void {
  const doc = join(PROJECT_ROOT, "docs", "benchmarks.md");
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  let text = readFileSync(doc, "utf8");
  if (section && (!text.includes(start) || !text.includes(end))) {
    const intro = section.intro ? `${section.intro}\n\n` : "";
    text = `${text.trimEnd()}\n\n## ${section.heading}\n\n${intro}${start}\n${end}\n`;
  }
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < 0) throw new Error(`docs/benchmarks.md lacks the markers ${start} … ${end}`);
  writeFileSync(doc, `${text.slice(0, a + start.length)}\n${table}\n${text.slice(b)}`);
  process.stderr.write(`updated ${doc}\n`);
}
