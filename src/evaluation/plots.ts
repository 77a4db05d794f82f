/**
 * Evaluation plots as self-contained SVG (the MLflow UI shows SVG artifacts inline): a confusion
 * matrix and a ROC curve. Drawn by hand: a plotting library would be far larger than the plots.
 *
 * @module
 */
import type { ClassificationMetrics } from "./metrics.js";

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * The confusion matrix as an SVG heat map (rows: true label, columns: predicted label).
 *
 * @example
 * ```ts
 * const svg = confusionMatrixSvg(metrics); // "<svg …>…</svg>"
 * ```
 */
export function confusionMatrixSvg(metrics: Pick<ClassificationMetrics, "confusionMatrix" | "labels">): string {
  const { confusionMatrix: m, labels } = metrics;
  const k = labels.length;
  const cell = 80;
  const left = 110;
  const top = 60;
  // Wide enough for the title (about 350 px at 14 px), which two classes' grid alone is not.
  const size = Math.max(left + k * cell + 20, 380);
  const max = Math.max(1, ...m.flat());
  const cells: string[] = [];
  m.forEach((row, i) =>
    row.forEach((n, j) => {
      const shade = Math.round(245 - (n / max) * 190);
      const x = left + j * cell;
      const y = top + i * cell;
      cells.push(
        `<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="rgb(${shade},${shade + 5 > 255 ? 255 : shade + 5},255)" stroke="#fff"/>`,
        `<text x="${x + cell / 2}" y="${y + cell / 2 + 5}" text-anchor="middle" font-size="16" fill="${n / max > 0.6 ? "#fff" : "#111"}">${n}</text>`,
      );
    }),
  );
  const axis = labels.flatMap((label, i) => [
    `<text x="${left + i * cell + cell / 2}" y="${top - 8}" text-anchor="middle" font-size="12">${esc(label)}</text>`,
    `<text x="${left - 8}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end" font-size="12">${esc(label)}</text>`,
  ]);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${top + k * cell + 40}" font-family="sans-serif">`,
    `<text x="${size / 2}" y="20" text-anchor="middle" font-size="14">Confusion matrix (rows: true, columns: predicted)</text>`,
    ...cells,
    ...axis,
    `</svg>`,
  ].join("\n");
}

/**
 * The ROC curve of scores for a binary target as an SVG line chart, with its AUC in the title.
 *
 * @example
 * ```ts
 * const svg = rocCurveSvg([true, false, true], [0.9, 0.3, 0.6], 1);
 * ```
 */
export function rocCurveSvg(positive: ArrayLike<boolean>, score: ArrayLike<number>, auc: number): string {
  const n = score.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b]! - score[a]!);
  let pos = 0;
  for (let i = 0; i < n; i++) if (positive[i]) pos++;
  const neg = n - pos;
  const points: [number, number][] = [[0, 0]];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < n; i++) {
    if (positive[order[i]!]) tp++;
    else fp++;
    // One point per distinct threshold, thinned to at most ~500 points.
    const last = i + 1 === n || score[order[i + 1]!] !== score[order[i]!];
    if (last && (i + 1 === n || i % Math.max(1, Math.floor(n / 500)) === 0)) points.push([neg ? fp / neg : 0, pos ? tp / pos : 0]);
  }
  const w = 360;
  const h = 360;
  const pad = 50;
  const xy = ([x, y]: [number, number]): string => `${(pad + x * w).toFixed(1)},${(pad + (1 - y) * h).toFixed(1)}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w + 2 * pad}" height="${h + 2 * pad}" font-family="sans-serif">`,
    `<text x="${pad + w / 2}" y="25" text-anchor="middle" font-size="14">ROC curve (AUC = ${auc.toFixed(4)})</text>`,
    `<rect x="${pad}" y="${pad}" width="${w}" height="${h}" fill="none" stroke="#999"/>`,
    `<line x1="${pad}" y1="${pad + h}" x2="${pad + w}" y2="${pad}" stroke="#ccc" stroke-dasharray="4 4"/>`,
    `<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="${points.map(xy).join(" ")}"/>`,
    `<text x="${pad + w / 2}" y="${pad + h + 35}" text-anchor="middle" font-size="12">False positive rate</text>`,
    `<text x="15" y="${pad + h / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 15 ${pad + h / 2})">True positive rate</text>`,
    `</svg>`,
  ].join("\n");
}
