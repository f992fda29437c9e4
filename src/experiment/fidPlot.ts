/** One line of a plot. */
export interface PlotSeries {
  label: string;
  points: { x: number; y: number }[];
}

export interface PlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** A horizontal reference line (the real-against-real floor). */
  floor?: number;
  width?: number;
  height?: number;
}

/** Colour-blind-friendly palette (Okabe-Ito, then darker tones); dashes tell repeats apart. */
const COLOURS = [
  '#0072b2',
  '#e69f00',
  '#009e73',
  '#d55e00',
  '#cc79a7',
  '#56b4e9',
  '#000000',
  '#f0e442',
  '#7f3c8d',
  '#11a579',
  '#3969ac',
  '#e73f74',
];
const DASHES = ['', '6 3', '2 3', '8 3 2 3'];

/**
 * Round numbers (1, 2 or 5 times a power of ten apart) from `low` up to the first one at or
 * above `high`, about `count` steps, so the axis ends on a labelled tick above the data.
 */
export function niceTicks(low: number, high: number, count = 5): number[] {
  if (!(high > low)) return [low];
  const raw = (high - low) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => raw <= s) ?? 10 * power;
  const ticks: number[] = [];
  const last = Math.ceil(high / step - 1e-9);
  for (let i = Math.ceil(low / step - 1e-9); i <= last; i++)
    ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function tickLabel(value: number): string {
  if (Math.abs(value) >= 1000) return `${Number((value / 1000).toPrecision(4))}k`;
  return String(Number(value.toPrecision(4)));
}

/**
 * A line plot as a standalone SVG: axes with round-number ticks and grid lines, one marked
 * polyline per series, a legend to the right, and an optional dashed floor line.
 */
export function fidPlotSvg(series: PlotSeries[], options: PlotOptions): string {
  const width = options.width ?? 860;
  const height = options.height ?? 480;
  const legendWidth = 230;
  const margin = { left: 70, right: legendWidth + 20, top: 44, bottom: 56 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const ys = series.flatMap((s) => s.points.map((p) => p.y));
  if (options.floor !== undefined) ys.push(options.floor);
  const xMax = xs.length > 0 ? Math.max(...xs) : 1;
  const yMaxRaw = ys.length > 0 ? Math.max(...ys) : 1;
  const xTicks = niceTicks(0, xMax > 0 ? xMax : 1, 8);
  const yTicks = niceTicks(0, yMaxRaw > 0 ? yMaxRaw * 1.05 : 1, 6);
  const xTop = Math.max(xTicks[xTicks.length - 1] ?? 1, xMax, 1e-9);
  const yTop = Math.max(yTicks[yTicks.length - 1] ?? 1, yMaxRaw, 1e-9);
  const px = (x: number): number => margin.left + (x / xTop) * plotW;
  const py = (y: number): number => margin.top + plotH - (y / yTop) * plotH;
  const f = (v: number): string => v.toFixed(1);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${f(margin.left + plotW / 2)}" y="24" text-anchor="middle" font-size="15">` +
      `${escapeXml(options.title)}</text>`,
  ];
  for (const t of yTicks) {
    out.push(
      `<line x1="${f(margin.left)}" y1="${f(py(t))}" x2="${f(margin.left + plotW)}" y2="${f(py(t))}" stroke="#e5e5e5"/>`,
      `<text x="${f(margin.left - 8)}" y="${f(py(t) + 4)}" text-anchor="end">${tickLabel(t)}</text>`,
    );
  }
  for (const t of xTicks) {
    out.push(
      `<line x1="${f(px(t))}" y1="${f(margin.top)}" x2="${f(px(t))}" y2="${f(margin.top + plotH)}" stroke="#e5e5e5"/>`,
      `<text x="${f(px(t))}" y="${f(margin.top + plotH + 18)}" text-anchor="middle">${tickLabel(t)}</text>`,
    );
  }
  out.push(
    `<rect x="${f(margin.left)}" y="${f(margin.top)}" width="${f(plotW)}" height="${f(plotH)}" fill="none" stroke="#333"/>`,
    `<text x="${f(margin.left + plotW / 2)}" y="${f(height - 14)}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text transform="translate(18 ${f(margin.top + plotH / 2)}) rotate(-90)" text-anchor="middle">` +
      `${escapeXml(options.yLabel)}</text>`,
  );
  if (options.floor !== undefined) {
    out.push(
      `<line x1="${f(margin.left)}" y1="${f(py(options.floor))}" x2="${f(margin.left + plotW)}" ` +
        `y2="${f(py(options.floor))}" stroke="#888" stroke-dasharray="4 4"/>`,
    );
  }
  const legendX = margin.left + plotW + 20;
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length] as string;
    const dash = DASHES[Math.floor(i / COLOURS.length) % DASHES.length] as string;
    const dashAttr = dash === '' ? '' : ` stroke-dasharray="${dash}"`;
    const points = s.points.map((p) => `${f(px(p.x))},${f(py(p.y))}`).join(' ');
    if (s.points.length > 1) {
      out.push(
        `<polyline points="${points}" fill="none" stroke="${colour}" stroke-width="2"${dashAttr}/>`,
      );
    }
    for (const p of s.points) {
      out.push(`<circle cx="${f(px(p.x))}" cy="${f(py(p.y))}" r="3" fill="${colour}"/>`);
    }
    const ly = margin.top + 10 + i * 20;
    out.push(
      `<line x1="${f(legendX)}" y1="${f(ly)}" x2="${f(legendX + 24)}" y2="${f(ly)}" stroke="${colour}" stroke-width="2"${dashAttr}/>`,
      `<text x="${f(legendX + 30)}" y="${f(ly + 4)}">${escapeXml(s.label)}</text>`,
    );
  });
  if (options.floor !== undefined) {
    const ly = margin.top + 10 + series.length * 20;
    out.push(
      `<line x1="${f(legendX)}" y1="${f(ly)}" x2="${f(legendX + 24)}" y2="${f(ly)}" stroke="#888" stroke-dasharray="4 4"/>`,
      `<text x="${f(legendX + 30)}" y="${f(ly + 4)}">real vs real (floor)</text>`,
    );
  }
  out.push('</svg>', '');
  return out.join('\n');
}
