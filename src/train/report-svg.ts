/**
 * The chart primitives of the training report (report.ts): line charts with axes, ticks, grid,
 * legend and an optional log scale, and a heat-map. Everything is an SVG string with its text escaped,
 * so a report needs no script, font or image from anywhere.
 */

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** One line of a chart: points [x, y]; non-finite y values break the line. */
export interface Series {
  name: string;
  points: ReadonlyArray<readonly [number, number]>;
  color: string;
  dashed?: boolean;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  /** 'auto' (default): logarithmic when every value is positive and they span more than 2 decades. */
  yScale?: 'linear' | 'log' | 'auto';
  width?: number;
  height?: number;
  /** Draw a dot on every point (for short series such as per-epoch values). */
  markers?: boolean;
}

const MARGIN = { left: 64, right: 16, top: 30, bottom: 46 };

/**
 * A line chart as an `<svg>` string.
 *
 * ```ts
 * lineChart({ title: 'loss', xLabel: 'epoch', yLabel: 'loss',
 *   series: [{ name: 'train', color: '#1f77b4', points: [[1, 0.9], [2, 0.5]] }] });
 * ```
 */
export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 300;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const finite = options.series.flatMap((s) => s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)));
  const log = useLogScale(options.yScale ?? 'auto', finite.map(([, y]) => y));
  const shown = log ? finite.filter(([, y]) => y > 0) : finite;
  const head = `<svg class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(options.title)}">`;
  const title = `<text class="title" x="${MARGIN.left}" y="18">${escapeHtml(options.title)}</text>`;
  if (shown.length === 0) {
    return `${head}${title}<text class="empty" x="${width / 2}" y="${height / 2}" text-anchor="middle">no data</text></svg>`;
  }
  const xs = shown.map(([x]) => x);
  const ys = shown.map(([, y]) => (log ? Math.log10(y) : y));
  // x spans exactly the data (ticks inside it); y is widened to round tick values.
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  let xTicks = linearTicks(xMin, xMax, 6, true);
  const [x0, x1] = xMin < xMax ? [xMin, xMax] : [xTicks[0]!.value, xTicks[xTicks.length - 1]!.value];
  xTicks = xTicks.filter((t) => t.value >= x0 - 1e-9 * Math.abs(x1 - x0) && t.value <= x1 + 1e-9 * Math.abs(x1 - x0));
  const yTicks = log ? logTicks(Math.min(...ys), Math.max(...ys)) : linearTicks(Math.min(...ys), Math.max(...ys), 5, false);
  const [y0, y1] = [yTicks[0]!.value, yTicks[yTicks.length - 1]!.value];
  const px = (x: number): number => MARGIN.left + (x1 === x0 ? plotW / 2 : ((x - x0) / (x1 - x0)) * plotW);
  const py = (y: number): number => MARGIN.top + plotH - (y1 === y0 ? plotH / 2 : ((y - y0) / (y1 - y0)) * plotH);
  const parts: string[] = [head, title];
  const bottom = MARGIN.top + plotH;
  for (const t of yTicks) {
    const y = round(py(t.value));
    parts.push(`<line class="grid" x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y}" y2="${y}"/>`);
    parts.push(`<text class="tick" x="${MARGIN.left - 6}" y="${y + 4}" text-anchor="end">${escapeHtml(t.label)}</text>`);
  }
  for (const t of xTicks) {
    const x = round(px(t.value));
    parts.push(`<line class="axis" x1="${x}" x2="${x}" y1="${bottom}" y2="${bottom + 5}"/>`);
    parts.push(`<text class="tick" x="${x}" y="${bottom + 18}" text-anchor="middle">${escapeHtml(t.label)}</text>`);
  }
  parts.push(`<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${bottom}" y2="${bottom}"/>`);
  parts.push(`<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${bottom}"/>`);
  parts.push(`<text class="label" x="${MARGIN.left + plotW / 2}" y="${height - 8}" text-anchor="middle">${escapeHtml(options.xLabel)}</text>`);
  const yLabel = options.yLabel + (log ? ' (log scale)' : '');
  parts.push(`<text class="label" transform="translate(14 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(yLabel)}</text>`);
  for (const s of options.series) {
    const segments: string[][] = [[]];
    for (const [x, y] of s.points) {
      const ok = Number.isFinite(x) && Number.isFinite(y) && (!log || y > 0);
      if (!ok) {
        if (segments[segments.length - 1]!.length > 0) segments.push([]);
        continue;
      }
      segments[segments.length - 1]!.push(`${round(px(x))},${round(py(log ? Math.log10(y) : y))}`);
    }
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    for (const seg of segments) {
      if (seg.length > 1) parts.push(`<path class="line" d="M${seg.join('L')}" stroke="${escapeHtml(s.color)}"${dash}/>`);
      if (seg.length === 1 || (options.markers && seg.length <= 60)) {
        for (const p of seg) {
          const [cx, cy] = p.split(',');
          parts.push(`<circle class="marker" cx="${cx}" cy="${cy}" r="3" fill="${escapeHtml(s.color)}"/>`);
        }
      }
    }
  }
  parts.push(legend(options.series, MARGIN.left + plotW));
  parts.push('</svg>');
  return parts.join('');
}

function legend(series: readonly Series[], right: number): string {
  const out: string[] = [];
  let x = right;
  for (let i = series.length - 1; i >= 0; i--) {
    const s = series[i]!;
    const w = 30 + 7 * s.name.length;
    x -= w;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(
      `<g class="legend"><line x1="${x}" x2="${x + 20}" y1="14" y2="14" stroke="${escapeHtml(s.color)}" stroke-width="2"${dash}/>` +
        `<text class="tick" x="${x + 24}" y="18">${escapeHtml(s.name)}</text></g>`,
    );
  }
  return out.join('');
}

function useLogScale(scale: 'linear' | 'log' | 'auto', ys: readonly number[]): boolean {
  if (scale === 'linear') return false;
  const positive = ys.filter((y) => y > 0);
  if (scale === 'log') return positive.length > 0;
  if (positive.length !== ys.length || positive.length === 0) return false;
  return Math.max(...positive) / Math.min(...positive) > 100;
}

export interface Tick {
  value: number;
  label: string;
}

/**
 * Evenly spaced ticks at 1, 2 or 5 times a power of ten, covering [min, max] in about `count` steps.
 * `integer`: the spacing is at least 1 (epochs, steps).
 */
export function linearTicks(min: number, max: number, count: number, integer: boolean): Tick[] {
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    [min, max] = integer ? [min - 1, max + 1] : [min - pad, max + pad];
  }
  const raw = (max - min) / Math.max(count, 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  if (integer) step = Math.max(1, Math.round(step));
  const first = Math.floor(min / step) * step;
  const last = Math.ceil(max / step) * step;
  const ticks: Tick[] = [];
  for (let k = 0, v = first; v <= last + step * 1e-9 && k < 100; k++, v = first + k * step) {
    ticks.push({ value: v, label: formatNumber(v, step) });
  }
  return ticks;
}

/** Ticks at the powers of ten around [min, max] (the arguments are log10 of the values). */
export function logTicks(minLog: number, maxLog: number): Tick[] {
  const lo = Math.floor(minLog);
  const hi = Math.max(Math.ceil(maxLog), lo + 1);
  const every = Math.ceil((hi - lo + 1) / 8);
  const ticks: Tick[] = [];
  for (let e = lo; e <= hi; e += every) ticks.push({ value: e, label: e >= -3 && e <= 4 ? formatNumber(10 ** e, 10 ** e) : `1e${e}` });
  if (ticks[ticks.length - 1]!.value < hi) ticks.push({ value: hi, label: `1e${hi}` });
  return ticks;
}

/** A tick label: as many decimals as the spacing needs, exponent notation for extreme magnitudes. */
export function formatNumber(v: number, step: number): string {
  const a = Math.abs(v);
  if (a >= 1e6 || (a < 1e-4 && a > 0)) return v.toExponential(Math.max(0, Math.min(3, -Math.floor(Math.log10(step / a)))));
  const decimals = Math.max(0, Math.min(8, -Math.floor(Math.log10(step) + 1e-9)));
  return v.toFixed(decimals);
}

/**
 * At most `max` points of a long series, in order: the lowest and highest point of each of
 * `max / 2` equal runs, so spikes and the envelope survive the thinning.
 */
export function thinPoints(points: ReadonlyArray<readonly [number, number]>, max: number): Array<readonly [number, number]> {
  if (points.length <= max) return points.slice();
  const buckets = Math.max(1, Math.floor(max / 2));
  const size = points.length / buckets;
  const out: Array<readonly [number, number]> = [];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size);
    const end = Math.min(points.length, Math.floor((b + 1) * size));
    let lo = start;
    let hi = start;
    for (let i = start; i < end; i++) {
      const y = points[i]![1];
      if (!(y >= points[lo]![1])) lo = i;
      if (!(y <= points[hi]![1])) hi = i;
    }
    if (lo === hi) out.push(points[lo]!);
    else out.push(points[Math.min(lo, hi)]!, points[Math.max(lo, hi)]!);
  }
  return out;
}

/**
 * A confusion matrix as a heat-map: rows are true classes, columns predicted ones; each cell shows
 * its count, shaded by its share of the row (so rare classes are as readable as common ones).
 */
export function confusionHeatmap(labels: readonly string[], matrix: readonly (readonly number[])[]): string {
  const n = labels.length;
  const cell = n <= 12 ? 40 : n <= 30 ? 24 : 14;
  const showCounts = cell >= 24;
  const labelW = Math.min(120, 10 + 7 * Math.max(1, ...labels.map((l) => l.length)));
  const left = labelW + 22;
  const top = 54;
  const width = left + n * cell + 10;
  const height = top + n * cell + labelW + 10;
  const parts: string[] = [
    `<svg class="heatmap" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="confusion matrix">`,
    `<text class="label" x="${left + (n * cell) / 2}" y="16" text-anchor="middle">predicted</text>`,
    `<text class="label" transform="translate(12 ${top + (n * cell) / 2}) rotate(-90)" text-anchor="middle">true</text>`,
  ];
  for (let i = 0; i < n; i++) {
    const row = matrix[i] ?? [];
    const total = row.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
    const name = escapeHtml(labels[i]!);
    parts.push(`<text class="tick" x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end">${name}</text>`);
    parts.push(`<text class="tick" x="${left + i * cell + cell / 2}" y="${top - 8}" text-anchor="middle">${name}</text>`);
    for (let j = 0; j < n; j++) {
      const count = row[j] ?? 0;
      const share = total > 0 ? count / total : 0;
      const fill = i === j ? shade(share, [33, 113, 181]) : shade(share, [203, 24, 29]);
      const x = left + j * cell;
      const y = top + i * cell;
      parts.push(
        `<rect class="cell" x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}"><title>true ${name}, predicted ${escapeHtml(labels[j]!)}: ${count}</title></rect>`,
      );
      if (showCounts && count !== 0) {
        const ink = share > 0.55 ? 'count light' : 'count';
        parts.push(`<text class="${ink}" x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle">${escapeHtml(String(count))}</text>`);
      }
    }
  }
  parts.push('</svg>');
  return parts.join('');
}

/** White at 0 to `rgb` at 1. */
function shade(t: number, rgb: readonly [number, number, number]): string {
  const k = Math.max(0, Math.min(1, t));
  const c = rgb.map((v) => Math.round(255 + (v - 255) * k));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
