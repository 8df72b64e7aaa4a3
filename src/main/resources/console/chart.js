// Events by status over time as stacked bars, and the delivery lag as a line: SVG drawn by hand
// (no library, nothing to vendor). The geometry is pure and tested; rendering only builds nodes.

import { svg, el, replaceChildren } from './dom.js';
import { formatDuration, formatLocalShort, formatUtc } from './format.js';
import { STATUSES } from './query.js';

export const WIDTH = 960;
export const HEIGHT = 180;
const PAD = { top: 10, right: 10, bottom: 22, left: 44 };

/** A round number at or above max for the y axis: 1, 2, 5, 10, 20, 50, ... */
export function niceCeiling(max) {
  if (!(max > 0)) {
    return 1;
  }
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= max) {
      return step * power;
    }
  }
  return 10 * power;
}

/**
 * The rectangles of a stacked bar chart: one per bucket and status with events, stacked in
 * STATUSES order from the bottom. buckets: the "buckets" of GET /admin/stats.
 */
export function stackGeometry(buckets, { width = WIDTH, height = HEIGHT } = {}) {
  const totals = buckets.map((bucket) => STATUSES.reduce((sum, status) => sum + (bucket.counts[status] ?? 0), 0));
  const yMax = niceCeiling(Math.max(0, ...totals));
  const plotWidth = width - PAD.left - PAD.right;
  const plotHeight = height - PAD.top - PAD.bottom;
  const slot = buckets.length === 0 ? plotWidth : plotWidth / buckets.length;
  const barWidth = Math.max(1, slot * 0.8);
  const rects = [];
  buckets.forEach((bucket, index) => {
    let base = 0;
    for (const status of STATUSES) {
      const count = bucket.counts[status] ?? 0;
      if (count === 0) {
        continue;
      }
      const h = (count / yMax) * plotHeight;
      const y = PAD.top + plotHeight - ((base + count) / yMax) * plotHeight;
      rects.push({ index, status, count, start: bucket.start, x: PAD.left + index * slot + (slot - barWidth) / 2, y, width: barWidth, height: h });
      base += count;
    }
  });
  return { yMax, rects, totals, slot, plot: { left: PAD.left, top: PAD.top, width: plotWidth, height: plotHeight } };
}

/** The points of the lag line: buckets without delivered events are left out. */
export function lagGeometry(buckets, { width = WIDTH, height = HEIGHT } = {}) {
  const values = buckets.map((bucket) => bucket.lagSeconds);
  const yMax = niceCeiling(Math.max(0, ...values.filter((v) => v !== null && v !== undefined)));
  const plotWidth = width - PAD.left - PAD.right;
  const plotHeight = height - PAD.top - PAD.bottom;
  const slot = buckets.length === 0 ? plotWidth : plotWidth / buckets.length;
  const points = [];
  values.forEach((value, index) => {
    if (value === null || value === undefined) {
      return;
    }
    points.push({ index, value, start: buckets[index].start, x: PAD.left + index * slot + slot / 2, y: PAD.top + plotHeight - (value / yMax) * plotHeight });
  });
  return { yMax, points, plot: { left: PAD.left, top: PAD.top, width: plotWidth, height: plotHeight } };
}

/** Draws the stacked bars of stats (GET /admin/stats) into container, with a legend in words. */
export function renderStatusChart(container, stats, windowLabel) {
  const geometry = stackGeometry(stats.buckets);
  const withDate = spansADay(stats);
  const totals = Object.fromEntries(STATUSES.map((status) => [status,
    stats.buckets.reduce((sum, bucket) => sum + (bucket.counts[status] ?? 0), 0)]));
  const description = `Events by status, ${windowLabel}: `
    + STATUSES.map((status) => `${status} ${totals[status]}`).join(', ');
  const chart = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': description, class: 'chart-svg' },
    axes(geometry.plot, geometry.yMax, stats, withDate),
    ...geometry.rects.map((rect) => svg('rect', {
      x: rect.x.toFixed(1), y: rect.y.toFixed(1), width: rect.width.toFixed(1), height: Math.max(0.5, rect.height).toFixed(1),
      class: `bar status-${rect.status}`,
    }, svg('title', {}, `${formatUtc(rect.start)}: ${rect.count} ${rect.status}`))));
  const legend = el('ul', { class: 'legend' }, ...STATUSES.map((status) => el('li', {},
    el('span', { class: `swatch status-${status}`, 'aria-hidden': 'true' }), `${status} ${totals[status]}`)));
  replaceChildren(container, chart, legend);
}

/** Draws the mean delivery lag per bucket (receipt to delivery) into container. */
export function renderLagChart(container, stats) {
  const geometry = lagGeometry(stats.buckets);
  const withDate = spansADay(stats);
  const worst = Math.max(0, ...stats.buckets.map((bucket) => bucket.maxLagSeconds ?? 0));
  const caption = geometry.points.length === 0
    ? 'Delivery lag: no deliveries in this window.'
    : `Delivery lag (mean per bucket, receipt to delivery); longest in the window ${formatDuration(worst)}.`;
  const chart = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': caption, class: 'chart-svg' },
    axes(geometry.plot, geometry.yMax, stats, withDate, formatDuration),
    geometry.points.length > 1
      ? svg('polyline', { class: 'lag-line', points: geometry.points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ') })
      : null,
    ...geometry.points.map((point) => svg('circle', { class: 'lag-point', cx: point.x.toFixed(1), cy: point.y.toFixed(1), r: 3 },
      svg('title', {}, `${formatUtc(point.start)}: ${formatDuration(point.value)}`))));
  replaceChildren(container, el('p', { class: 'chart-caption' }, caption), chart);
}

/** Axis labels carry the date once the window is a day or longer: both ends would read alike. */
function spansADay(stats) {
  return Date.parse(stats.until) - Date.parse(stats.since) >= 86400 * 1000;
}

function axes(plot, yMax, stats, withDate, formatY = String) {
  const bottom = plot.top + plot.height;
  const first = stats.buckets[0]?.start ?? stats.since;
  return svg('g', { class: 'axes' },
    svg('line', { x1: plot.left, y1: bottom, x2: plot.left + plot.width, y2: bottom }),
    svg('line', { x1: plot.left, y1: plot.top, x2: plot.left, y2: bottom }),
    svg('text', { x: plot.left - 4, y: plot.top + 8, 'text-anchor': 'end' }, formatY(yMax)),
    svg('text', { x: plot.left - 4, y: bottom, 'text-anchor': 'end' }, formatY(0)),
    svg('text', { x: plot.left, y: bottom + 16, 'text-anchor': 'start' }, formatLocalShort(first, { withDate })),
    svg('text', { x: plot.left + plot.width, y: bottom + 16, 'text-anchor': 'end' }, formatLocalShort(stats.until, { withDate })));
}
