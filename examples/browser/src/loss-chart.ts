/**
 * The loss curve, drawn as training reports each optimizer iteration: an SVG polyline scaled to
 * the points so far (a chart library would be most of the page's weight for one line).
 */
const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 360;
const HEIGHT = 160;
const PAD = { left: 44, right: 8, top: 10, bottom: 22 };

export interface LossChart {
  add(iteration: number, loss: number): void;
  clear(): void;
  /** The points drawn so far. */
  readonly points: ReadonlyArray<readonly [number, number]>;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, String(value));
  return el;
}

/** Draws into `container` (emptied first). */
export function createLossChart(container: HTMLElement): LossChart {
  const root = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-label": "training loss by iteration", class: "loss-chart" });
  const axes = svg("path", { d: `M${PAD.left},${PAD.top}V${HEIGHT - PAD.bottom}H${WIDTH - PAD.right}`, class: "axes", fill: "none" });
  const line = svg("polyline", { points: "", class: "loss-line", fill: "none" });
  const top = svg("text", { x: PAD.left - 4, y: PAD.top + 8, "text-anchor": "end", class: "tick" });
  const bottom = svg("text", { x: PAD.left - 4, y: HEIGHT - PAD.bottom, "text-anchor": "end", class: "tick" });
  const last = svg("text", { x: WIDTH - PAD.right, y: HEIGHT - 6, "text-anchor": "end", class: "tick" });
  root.append(axes, line, top, bottom, last);
  container.replaceChildren(root);
  const points: [number, number][] = [];

  const redraw = (): void => {
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    const [x0, x1] = [Math.min(...xs), Math.max(...xs, Math.min(...xs) + 1)];
    const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
    const span = y1 - y0 || 1;
    const x = (v: number) => PAD.left + ((v - x0) / (x1 - x0)) * (WIDTH - PAD.left - PAD.right);
    const y = (v: number) => PAD.top + ((y1 - v) / span) * (HEIGHT - PAD.top - PAD.bottom);
    line.setAttribute("points", points.map(([i, l]) => `${x(i).toFixed(1)},${y(l).toFixed(1)}`).join(" "));
    top.textContent = y1.toFixed(3);
    bottom.textContent = y0.toFixed(3);
    last.textContent = `iteration ${x1}`;
  };

  return {
    points,
    add(iteration, loss) {
      if (!Number.isFinite(loss)) return;
      // The optimizer's final report repeats its last iteration: one point per iteration.
      if (points.at(-1)?.[0] === iteration) points.pop();
      points.push([iteration, loss]);
      redraw();
    },
    clear() {
      points.length = 0;
      line.setAttribute("points", "");
      top.textContent = bottom.textContent = last.textContent = "";
    },
  };
}
