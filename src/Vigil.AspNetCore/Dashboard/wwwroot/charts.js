/* Vigil dashboard charts: inline SVG, no library, no network. Each series point is one minute of the statistics API
   (api/stats, api/stats/queues). Every bar and dot carries data-key / data-value / data-minute, so what is drawn can be
   read back (the browser tests compare it with the statistics). */
(function () {
  'use strict';

  const SVGNS = 'http://www.w3.org/2000/svg';
  const PL = 44, PR = 10, PT = 10, PB = 24;

  function s(tag, attrs, ...children) {
    const el = document.createElementNS(SVGNS, tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, v);
    for (const c of children.flat()) if (c) el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    return el;
  }

  function h(tag, cls, text) {
    const el = document.createElement(tag);
    if (cls) el.className = cls;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function niceMax(v) {
    if (v <= 0) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }

  const hhmm = (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false });

  /** Sums consecutive minutes so that at most maxPoints remain; averages are weighted by their counts. */
  function downsample(series, maxPoints) {
    if (series.length <= maxPoints) return series;
    const size = Math.ceil(series.length / maxPoints);
    const out = [];
    for (let i = 0; i < series.length; i += size) {
      const group = series.slice(i, i + size);
      const sum = (k) => group.reduce((a, p) => a + (p[k] || 0), 0);
      const max = (k) => group.reduce((a, p) => (p[k] === null || p[k] === undefined) ? a : Math.max(a === null ? 0 : a, p[k]), null);
      const weighted = (avg, count) => {
        const n = sum(count);
        return n > 0 ? group.reduce((a, p) => a + (p[avg] || 0) * (p[count] || 0), 0) / n : null;
      };
      out.push({
        minute: group[0].minute, minutes: group.length,
        enqueued: sum('enqueued'), succeeded: sum('succeeded'), failed: sum('failed'), retried: sum('retried'),
        timedOut: sum('timedOut'), dead: sum('dead'), runCount: sum('runCount'), waitCount: sum('waitCount'),
        avgRunMs: weighted('avgRunMs', 'runCount'), maxRunMs: max('maxRunMs'),
        avgWaitMs: weighted('avgWaitMs', 'waitCount'), maxWaitMs: max('maxWaitMs'),
      });
    }
    return out;
  }

  function frame(o, label) {
    return s('svg', { viewBox: `0 0 ${o.width} ${o.height}`, class: 'svg-chart' + (o.small ? ' svg-chart-small' : ''), role: 'img', 'aria-label': label });
  }

  function axes(svg, o, series, max, fmt) {
    const plotW = o.width - PL - PR, plotH = o.height - PT - PB;
    for (let i = 0; i <= 4; i += o.small ? 2 : 1) {
      const y = PT + plotH - (plotH * i / 4);
      svg.appendChild(s('line', { x1: PL, x2: o.width - PR, y1: y, y2: y, class: 'grid' }));
      svg.appendChild(s('text', { x: PL - 6, y: y + 3, class: 'axis', 'text-anchor': 'end' }, fmt(max * i / 4)));
    }
    const n = series.length;
    const labels = o.small ? 3 : 5;
    const every = Math.max(1, Math.round(n / labels));
    for (let i = 0; i < n; i += every) {
      const x = PL + (plotW * (i + 0.5) / n);
      svg.appendChild(s('text', { x, y: o.height - 6, class: 'axis', 'text-anchor': 'middle' }, hhmm(series[i].minute)));
    }
  }

  function legend(keys) {
    const el = h('div', 'legend');
    for (const k of keys) {
      const item = h('span', 'legend-item');
      item.append(h('i', 'swatch ' + k.cls + (k.dashed ? ' dashed' : '')), k.label);
      el.append(item);
    }
    return el;
  }

  function tip(p, text) {
    const span = p.minutes > 1 ? ' (' + p.minutes + ' min)' : '';
    return new Date(p.minute).toLocaleString([], { hour: '2-digit', minute: '2-digit', month: 'short', day: 'numeric', hour12: false }) + span + ' — ' + text;
  }

  /**
   * Stacked bars of counts per minute. options: { width, height, small, label, empty }.
   * Returns [svg, legend, note] to append.
   */
  function bar(series, keys, options) {
    const o = Object.assign({ width: 560, height: 190, label: 'Counts per minute', empty: 'Nothing finished in this window.' }, options);
    const plotW = o.width - PL - PR, plotH = o.height - PT - PB;
    const max = niceMax(Math.max(0, ...series.map((p) => keys.reduce((a, k) => a + (p[k.key] || 0), 0))));
    const svg = frame(o, o.label);
    axes(svg, o, series, max, (v) => Number.isInteger(v) ? String(v) : v.toFixed(1));
    const n = series.length, bw = plotW / n;
    series.forEach((p, i) => {
      let y = PT + plotH;
      const g = s('g', null, s('title', null, tip(p, keys.map((k) => k.label + ' ' + (p[k.key] || 0)).join(', '))));
      for (const k of keys) {
        const v = p[k.key] || 0;
        if (!v) continue;
        const bh = plotH * v / max;
        y -= bh;
        g.appendChild(s('rect', { x: PL + i * bw + (bw > 3 ? 1 : 0), y, width: Math.max(0.8, bw - (bw > 3 ? 2 : 0)), height: bh, class: k.cls, rx: bw > 4 ? 1.5 : 0, 'data-key': k.key, 'data-value': v, 'data-minute': p.minute }));
      }
      g.appendChild(s('rect', { x: PL + i * bw, y: PT, width: bw, height: plotH, class: 'hit' }));
      svg.appendChild(g);
    });
    const total = series.reduce((a, p) => a + keys.reduce((b, k) => b + (p[k.key] || 0), 0), 0);
    return [svg, legend(keys), total === 0 ? h('div', 'chart-note', o.empty) : null];
  }

  /** Lines of durations (ms) per minute; a minute without a value breaks the line. */
  function line(series, keys, options, fmt) {
    const o = Object.assign({ width: 560, height: 190, label: 'Times per minute', empty: 'No run in this window.' }, options);
    const plotW = o.width - PL - PR, plotH = o.height - PT - PB;
    const values = series.flatMap((p) => keys.map((k) => p[k.key]).filter((v) => v !== null && v !== undefined));
    const max = niceMax(Math.max(0, ...values));
    const svg = frame(o, o.label);
    axes(svg, o, series, max, (v) => fmt(v).replace(' ', ''));
    const n = series.length;
    const x = (i) => PL + (plotW * (i + 0.5) / n);
    const y = (v) => PT + plotH - plotH * v / max;
    for (const k of keys) {
      let d = '', pen = false;
      series.forEach((p, i) => {
        const v = p[k.key];
        if (v === null || v === undefined) { pen = false; return; }
        d += (pen ? 'L' : 'M') + x(i).toFixed(1) + ' ' + y(v).toFixed(1);
        pen = true;
      });
      if (d) svg.appendChild(s('path', { d, class: 'line ' + k.cls + (k.dashed ? ' dashed' : ''), 'data-key': k.key }));
      series.forEach((p, i) => {
        const v = p[k.key];
        if (v !== null && v !== undefined) {
          svg.appendChild(s('circle', { cx: x(i), cy: y(v), r: o.small ? 1.8 : 2.2, class: 'dot ' + k.cls, 'data-key': k.key, 'data-value': v, 'data-minute': p.minute },
            s('title', null, tip(p, k.label + ' ' + fmt(v)))));
        }
      });
    }
    return [svg, legend(keys), values.length === 0 ? h('div', 'chart-note', o.empty) : null];
  }

  window.VigilCharts = { bar, line, downsample };
})();
