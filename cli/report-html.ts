// SPDX-License-Identifier: MIT
// --report FILE.html: the summary of a capture as a self-contained page (no network, no
// files beside it). The counts travel as JSON inside the page and a short script draws
// one SVG bar chart per tally, queue spread first; the same counts are in plain tables
// below each chart for readers without scripts.

import { writeFile } from 'node:fs/promises';
import { ioReason } from './capture-input.ts';
import { CliError, EXIT_FILE } from './errors.ts';
import { spread, type SummaryData } from './summary.ts';

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 2em; }
.chart { display: block; width: 100%; }
.bar { fill: #3a6ea5; } .bar:hover { fill: #f29e4c; }
.axis { stroke: #888; } .label { font-size: 11px; fill: #333; }
table { border-collapse: collapse; font-size: 12px; margin-top: .5em; }
td, th { padding: 1px 8px; text-align: right; } td:first-child, th:first-child { text-align: left; }
details { margin-top: .3em; }`;

// Runs in the browser: draws every tally of the embedded data as an SVG bar chart.
// Queue tallies are columns (one per queue, in order); the others are rows by count.
const DRAW = `
(function () {
  var NS = 'http://www.w3.org/2000/svg';
  var data = JSON.parse(document.getElementById('summary-data').textContent);
  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function text(parent, x, y, s, anchor) {
    var t = el('text', { x: x, y: y, class: 'label', 'text-anchor': anchor || 'start' }, parent);
    t.textContent = s;
    return t;
  }
  var drawn = 0;
  data.tallies.forEach(function (t) {
    var host = document.getElementById('chart-' + t.field);
    var max = 1;
    t.counts.forEach(function (c) { if (c[1] > max) max = c[1]; });
    var svg;
    if (t.numeric) {
      var W = 900, H = 240, left = 80, bottom = 30, n = Math.max(1, t.counts.length);
      var bw = (W - left - 10) / n;
      svg = el('svg', { class: 'chart', 'data-field': t.field, viewBox: '0 0 ' + W + ' ' + H, role: 'img' }, host);
      el('line', { class: 'axis', x1: left, y1: H - bottom, x2: W - 10, y2: H - bottom }, svg);
      text(svg, left - 6, 12, max.toLocaleString('en'), 'end');
      text(svg, left - 6, H - bottom, '0', 'end');
      t.counts.forEach(function (c, i) {
        var h = (H - bottom - 10) * c[1] / max;
        var r = el('rect', { class: 'bar', x: left + i * bw + 1, y: H - bottom - h, width: Math.max(1, bw - 2), height: h, 'data-key': c[0], 'data-count': c[1] }, svg);
        el('title', {}, r).textContent = t.title + ' ' + c[0] + ': ' + c[1] + ' frames';
        if (n <= 64 || i % Math.ceil(n / 32) === 0) text(svg, left + i * bw + bw / 2, H - bottom + 14, c[0], 'middle');
      });
    } else {
      var RW = 900, row = 22, lw = 220, H2 = row * t.counts.length + 10;
      svg = el('svg', { class: 'chart', 'data-field': t.field, viewBox: '0 0 ' + RW + ' ' + H2, role: 'img' }, host);
      t.counts.forEach(function (c, i) {
        var w = (RW - lw - 90) * c[1] / max;
        text(svg, lw - 8, i * row + 16, c[0], 'end');
        var r = el('rect', { class: 'bar', x: lw, y: i * row + 4, width: w, height: row - 6, 'data-key': c[0], 'data-count': c[1] }, svg);
        el('title', {}, r).textContent = c[0] + ': ' + c[1] + ' frames';
        text(svg, lw + w + 6, i * row + 16, String(c[1]));
      });
    }
    drawn++;
  });
  document.body.setAttribute('data-charts-drawn', String(drawn));
})();`;

export function reportHtml(d: SummaryData): string {
  const sections = d.tallies.map((t) => {
    const rows = t.counts.map(([k, n]) => `<tr><td>${esc(k)}</td><td>${n}</td><td>${d.frames ? ((100 * n) / d.frames).toFixed(1) : '-'}%</td></tr>`).join('');
    const sp = spread(t);
    return `<h2>${esc(t.title)}</h2>${sp ? `\n<p>${esc(sp)}.</p>` : ''}
<div id="chart-${esc(t.field)}"></div>
<details><summary>counts</summary><table><tr><th>${esc(t.field)}</th><th>frames</th><th>share</th></tr>${rows}</table></details>`;
  });
  // "<" is escaped so that no string in the data can close the script element.
  const json = JSON.stringify(d).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>nvgre-rx classify: ${esc(d.source)}</title>
<style>${STYLE}</style></head>
<body>
<h1>nvgre-rx classify: ${esc(d.source)}</h1>
<p>${d.frames} frames, ${d.bytes} bytes.</p>
${sections.join('\n')}
<script type="application/json" id="summary-data">${json}</script>
<script>${DRAW}</script>
</body></html>
`;
}

export async function writeReport(path: string, d: SummaryData): Promise<void> {
  try {
    await writeFile(path, reportHtml(d));
  } catch (e) {
    throw new CliError(`cannot write ${path}: ${ioReason(e)}`, EXIT_FILE);
  }
}
