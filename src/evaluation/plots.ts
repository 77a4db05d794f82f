/**
 * Evaluation plots as self-contained SVG (the MLflow UI shows SVG artifacts inline): a confusion
 * matrix, a ROC curve and a precision-recall curve. Drawn by hand: a plotting library would be far
 * larger than the plots.
 *
 * Every plot has a `viewBox`, so a viewer that shows it smaller (MLflow's artifact pane) scales it
 * instead of cutting it off, and every text is measured against the image's width (with glyph
 * widths of a wide sans-serif font, so that narrower fonts fit too): a long title wraps, a long
 * model name or label is shortened with an ellipsis.
 *
 * @module
 */
import type { ClassificationMetrics } from "./metrics.js";
import { precisionRecallCurve, rocCurve, type Curve } from "./curves.js";

/**
 * Options of the plots.
 *
 * @example
 * ```ts
 * confusionMatrixSvg(metrics, { subtitle: "models:/sentiment-tfidf@champion" });
 * ```
 */
export interface PlotOptions {
  /** The first line(s) of the header; wrapped onto at most two lines. @default the plot's name */
  title?: string;
  /** A line under the title, e.g. the model's name or URI; shortened in the middle to fit. */
  subtitle?: string;
  /** Name of the positive class, shown in the axis titles of the ROC and precision-recall curves. */
  positiveLabel?: string;
}

const FONT_FAMILY = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif";
const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Advance widths in em, by character class: DejaVu Sans (the widest common sans-serif) rounded up. */
function charWidth(c: string): number {
  const code = c.codePointAt(0)!;
  if (code < 128) {
    if ("ijl.,:;'!|".includes(c)) return 0.32;
    if ("frt()[]{}/\\-\"` I".includes(c)) return 0.42;
    if (c >= "0" && c <= "9") return 0.64;
    if (c === "M" || c === "W" || c === "m" || c === "w") return 1;
    if (c >= "A" && c <= "Z") return 0.8;
    if (c >= "a" && c <= "z") return 0.64;
    return 0.86;
  }
  const wide =
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    code >= 0x1f000;
  return wide ? 1.05 : 0.8;
}

/**
 * An upper estimate of the width in px of `text` drawn at `fontSize` px in a sans-serif font.
 *
 * @example
 * ```ts
 * estimateTextWidth("ROC curve", 14); // ≈ 70
 * ```
 */
export function estimateTextWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const c of text) em += charWidth(c);
  return em * fontSize;
}

/** `text` shortened in the middle ("models:/sentim…@champion") to at most `maxWidth` px. */
function ellipsize(text: string, maxWidth: number, fontSize: number): string {
  if (estimateTextWidth(text, fontSize) <= maxWidth) return text;
  const chars = [...text];
  let keep = chars.length - 1;
  for (; keep > 0; keep--) {
    const head = chars.slice(0, Math.ceil(keep / 2)).join("");
    const tail = chars.slice(chars.length - Math.floor(keep / 2)).join("");
    const candidate = `${head}…${tail}`;
    if (estimateTextWidth(candidate, fontSize) <= maxWidth) return candidate;
  }
  return "…";
}

/** Greedy word wrap onto at most `maxLines` lines of `maxWidth` px; a line still too wide (one long word, or the rest of the text on the last line) ends in "…". */
function wrap(text: string, maxWidth: number, fontSize: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = "";
  const words = text.split(/\s+/).filter((w) => w !== "");
  for (let i = 0; i < words.length; i++) {
    const next = line === "" ? words[i]! : `${line} ${words[i]}`;
    if (estimateTextWidth(next, fontSize) <= maxWidth || line === "") {
      line = next;
      continue;
    }
    lines.push(line);
    line = words[i]!;
    if (lines.length === maxLines - 1) {
      line = words.slice(i).join(" ");
      break;
    }
  }
  if (line !== "") lines.push(line);
  return lines.map((l) => (estimateTextWidth(l, fontSize) > maxWidth ? truncateEnd(l, maxWidth, fontSize) : l));
}

function truncateEnd(text: string, maxWidth: number, fontSize: number): string {
  const chars = [...text];
  for (let keep = chars.length - 1; keep > 0; keep--) {
    const candidate = `${chars.slice(0, keep).join("").trimEnd()}…`;
    if (estimateTextWidth(candidate, fontSize) <= maxWidth) return candidate;
  }
  return "…";
}

const TITLE_SIZE = 14;
const SUBTITLE_SIZE = 12;
const MARGIN = 10;

/** The header's text elements, centred in `width`, and the height it takes. */
function header(width: number, title: string, subtitle: string | undefined): { svg: string[]; height: number } {
  const max = width - 2 * MARGIN;
  const svg: string[] = [];
  let y = 8;
  for (const line of wrap(title, max, TITLE_SIZE, 2)) {
    y += 18;
    svg.push(`<text x="${width / 2}" y="${y}" text-anchor="middle" font-size="${TITLE_SIZE}" font-weight="bold">${esc(line)}</text>`);
  }
  if (subtitle !== undefined && subtitle !== "") {
    y += 16;
    svg.push(`<text x="${width / 2}" y="${y}" text-anchor="middle" font-size="${SUBTITLE_SIZE}" fill="#444">${esc(ellipsize(subtitle, max, SUBTITLE_SIZE))}</text>`);
  }
  return { svg, height: y + 10 };
}

function svgDocument(width: number, height: number, body: readonly string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...body,
    `</svg>`,
  ].join("\n");
}

/**
 * The confusion matrix as an SVG heat map (rows: true label, columns: predicted label), with the
 * label names on both axes.
 *
 * @example
 * ```ts
 * const svg = confusionMatrixSvg(metrics, { subtitle: "model.bin" }); // "<svg …>…</svg>"
 * ```
 */
export function confusionMatrixSvg(metrics: Pick<ClassificationMetrics, "confusionMatrix" | "labels">, options: PlotOptions = {}): string {
  const { confusionMatrix: m, labels } = metrics;
  const k = labels.length;
  const cell = 80;
  const labelSize = 12;
  // Room for the row labels (up to 150 px, longer ones shortened) and the rotated axis title.
  const rowLabelWidth = Math.min(150, Math.max(40, ...labels.map((l) => estimateTextWidth(l, labelSize))));
  const left = 30 + rowLabelWidth + 8;
  const width = Math.max(left + k * cell + 20, 300);
  const head = header(width, options.title ?? "Confusion matrix", options.subtitle);
  const top = head.height + 40;
  const height = top + k * cell + 20;
  const max = Math.max(1, ...m.flat());
  const body: string[] = [...head.svg];
  m.forEach((row, i) =>
    row.forEach((n, j) => {
      const shade = Math.round(245 - (n / max) * 190);
      const x = left + j * cell;
      const y = top + i * cell;
      body.push(
        `<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="rgb(${shade},${Math.min(255, shade + 5)},255)" stroke="#fff"/>`,
        `<text x="${x + cell / 2}" y="${y + cell / 2 + 5}" text-anchor="middle" font-size="16" fill="${n / max > 0.6 ? "#fff" : "#111"}">${n}</text>`,
      );
    }),
  );
  labels.forEach((label, i) => {
    body.push(
      `<text x="${left + i * cell + cell / 2}" y="${top - 8}" text-anchor="middle" font-size="${labelSize}">${esc(ellipsize(label, cell - 6, labelSize))}</text>`,
      `<text x="${left - 8}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end" font-size="${labelSize}">${esc(ellipsize(label, rowLabelWidth, labelSize))}</text>`,
    );
  });
  const gridMiddleY = top + (k * cell) / 2;
  body.push(
    `<text x="${left + (k * cell) / 2}" y="${top - 26}" text-anchor="middle" font-size="${labelSize}" fill="#444">Predicted label</text>`,
    `<text x="18" y="${gridMiddleY}" text-anchor="middle" font-size="${labelSize}" fill="#444" transform="rotate(-90 18 ${gridMiddleY})">True label</text>`,
  );
  return svgDocument(width, height, body);
}

/** Drops points closer than half a pixel to the last kept one (a curve of 100,000 scores stays small). */
function thin(curve: Curve, w: number, h: number): [number, number][] {
  const out: [number, number][] = [];
  const n = curve.x.length;
  for (let i = 0; i < n; i++) {
    const p: [number, number] = [curve.x[i]!, curve.y[i]!];
    const last = out[out.length - 1];
    if (i === 0 || i === n - 1 || !last || Math.abs(p[0] - last[0]) * w >= 0.5 || Math.abs(p[1] - last[1]) * h >= 0.5) out.push(p);
  }
  return out;
}

/** A line chart of `curve` in the unit square, with a dashed reference line and axis titles. */
function curveSvg(curve: Curve, title: string, options: PlotOptions, axes: { x: string; y: string }, reference: [number, number, number, number]): string {
  const size = 360;
  const left = 60;
  const width = left + size + 30;
  const head = header(width, options.title ?? title, options.subtitle);
  const top = head.height + 10;
  const height = top + size + 50;
  const axisSize = 12;
  const px = (x: number): string => (left + x * size).toFixed(1);
  const py = (y: number): string => (top + (1 - y) * size).toFixed(1);
  const suffix = options.positiveLabel === undefined ? "" : ` (positive: ${options.positiveLabel})`;
  const ticks = [0, 0.25, 0.5, 0.75, 1].flatMap((t) => [
    `<text x="${px(t)}" y="${top + size + 16}" text-anchor="middle" font-size="10" fill="#444">${t}</text>`,
    `<text x="${left - 6}" y="${(top + (1 - t) * size + 4).toFixed(1)}" text-anchor="end" font-size="10" fill="#444">${t}</text>`,
  ]);
  const middleY = top + size / 2;
  const points = thin(curve, size, size);
  return svgDocument(width, height, [
    ...head.svg,
    `<rect x="${left}" y="${top}" width="${size}" height="${size}" fill="none" stroke="#999"/>`,
    `<line x1="${px(reference[0])}" y1="${py(reference[1])}" x2="${px(reference[2])}" y2="${py(reference[3])}" stroke="#ccc" stroke-dasharray="4 4"/>`,
    `<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="${points.map(([x, y]) => `${px(x)},${py(y)}`).join(" ")}"/>`,
    ...ticks,
    `<text x="${left + size / 2}" y="${top + size + 38}" text-anchor="middle" font-size="${axisSize}">${esc(ellipsize(`${axes.x}${suffix}`, size, axisSize))}</text>`,
    `<text x="16" y="${middleY}" text-anchor="middle" font-size="${axisSize}" transform="rotate(-90 16 ${middleY})">${esc(ellipsize(`${axes.y}${suffix}`, size, axisSize))}</text>`,
  ]);
}

const formatScore = (v: number): string => (Number.isNaN(v) ? "n/a" : v.toFixed(4));

/**
 * The ROC curve of scores for a binary target as an SVG line chart, with its AUC in the title.
 *
 * @example
 * ```ts
 * const svg = rocCurveSvg([true, false, true], [0.9, 0.3, 0.6], 1, { subtitle: "model.bin", positiveLabel: "Positive" });
 * ```
 */
export function rocCurveSvg(positive: ArrayLike<boolean>, score: ArrayLike<number>, auc: number, options: PlotOptions = {}): string {
  return curveSvg(rocCurve(positive, score), `ROC curve (AUC = ${formatScore(auc)})`, options, { x: "False positive rate", y: "True positive rate" }, [0, 0, 1, 1]);
}

/**
 * The precision-recall curve of scores for a binary target as an SVG line chart, with the average
 * precision (AP, MLflow's `precision_recall_auc`) in the title.
 *
 * @example
 * ```ts
 * const svg = prCurveSvg([true, false, true], [0.9, 0.3, 0.6], 1, { subtitle: "model.bin", positiveLabel: "Positive" });
 * ```
 */
export function prCurveSvg(positive: ArrayLike<boolean>, score: ArrayLike<number>, averagePrecision: number, options: PlotOptions = {}): string {
  const { curve } = precisionRecallCurve(positive, score);
  return curveSvg(curve, `Precision-recall curve (AP = ${formatScore(averagePrecision)})`, options, { x: "Recall", y: "Precision" }, [0, 1, 1, 0]);
}
