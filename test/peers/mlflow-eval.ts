/**
 * The TypeScript side of test/peers/mlflow_eval.py: runs it (Python's XML parser on SVG files,
 * Python MLflow reading an evaluation run back), and checks parsed SVG texts against the viewBox.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { estimateTextWidth } from "../../src/evaluation/plots.js";
import { MLFLOW_QUIET_ENV } from "./mlflow-server.js";
import { PROJECT_ROOT, VENV_PYTHON } from "./python-env.js";

const execFileAsync = promisify(execFile);

/** Runs test/peers/mlflow_eval.py; returns its JSON line. */
export async function evalPeer<T>(args: string[], cwd: string): Promise<T> {
  const script = join(PROJECT_ROOT, "test", "peers", "mlflow_eval.py");
  const { stdout } = await execFileAsync(VENV_PYTHON, [script, ...args], { cwd, env: { ...process.env, ...MLFLOW_QUIET_ENV }, maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split("\n").pop()!) as T;
}

export interface SvgText {
  x: number;
  y: number;
  anchor: string;
  size: number;
  transform: string | null;
  text: string;
}
export interface ParsedSvg {
  width: number;
  height: number;
  viewBox: string | null;
  texts: SvgText[];
}

/**
 * The texts of a parsed SVG whose estimated box (the library's glyph widths, which err wide) is not
 * inside the viewBox; rotated texts (rotate(-90 x y)) are checked along their vertical extent.
 */
export function textsOutside(svg: ParsedSvg): string[] {
  const out: string[] = [];
  for (const t of svg.texts) {
    const w = estimateTextWidth(t.text, t.size);
    const span = t.anchor === "middle" ? [-w / 2, w / 2] : t.anchor === "end" ? [-w, 0] : [0, w];
    const rotated = t.transform !== null && /rotate\(-90/.test(t.transform);
    const [x0, x1, y0, y1] = rotated
      ? [t.x - t.size, t.x + 0.3 * t.size, t.y - span[1]!, t.y - span[0]!]
      : [t.x + span[0]!, t.x + span[1]!, t.y - t.size, t.y + 0.3 * t.size];
    if (x0 < 0 || y0 < 0 || x1 > svg.width || y1 > svg.height) out.push(`${JSON.stringify(t.text)} spans x ${x0.toFixed(0)}..${x1.toFixed(0)}, y ${y0.toFixed(0)}..${y1.toFixed(0)} in ${svg.width}×${svg.height}`);
  }
  return out;
}

