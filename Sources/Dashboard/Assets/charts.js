// fraudstream dashboard charts: SVG line and bar charts drawn by this script, no libraries.
// Shared by the page script (dashboard.js) through window.FraudstreamCharts: the DOM helpers,
// the number and time formats, drawChart (axes, series, readout, data-points and data-nonzero
// for tests) and drawLagBars (consumer lag per partition).
window.FraudstreamCharts = (function () {
  const SVG_NS = 'http://www.w3.org/2000/svg';
  function el(tag, attributes, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svgEl(tag, attributes) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, String(value));
    return node;
  }

  const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

  function pad(n) { return String(n).padStart(2, '0'); }
  function hms(ms) { const d = new Date(ms); return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`; }
  function hm(ms) { const d = new Date(ms); return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`; }
  function dateTime(ms) { const d = new Date(ms); return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${hms(ms)}`; }
  function percent(x) { return x === null || x === undefined ? 'n/a' : `${oneDecimal.format(x * 100)} %`; }
  function duration(seconds) {
    if (seconds < 90) return `${Math.round(seconds)} s`;
    if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
    return `${oneDecimal.format(seconds / 3600)} h`;
  }

  /** A round upper bound for an axis: 1, 2 or 5 times a power of ten. */
  function niceMax(value) {
    if (!(value > 0)) return 1;
    const power = Math.pow(10, Math.floor(Math.log10(value)));
    for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
    return 10 * power;
  }

  // ---- the chart -----------------------------------------------------------------------

  /**
   * Draws a chart into figure's svg.
   * spec.labels: x labels (strings) or times (ms) with spec.time = true;
   * spec.series: [{ name, values (numbers or null), kind: 'line' | 'bars', cls }];
   * spec.yMax: fixed top of the axis (else rounded from the data); spec.format: y tick format;
   * spec.fraction: the values are not counts (ticks need not be whole numbers).
   */
  function drawChart(figure, spec) {
    const svg = figure.querySelector('svg');
    const width = Math.max(200, Math.round(svg.getBoundingClientRect().width) || 600);
    const height = Math.max(50, Math.round(svg.getBoundingClientRect().height) || 170);
    const margin = { left: 46, right: 8, top: 8, bottom: height < 80 ? 16 : 20 };
    const plotW = width - margin.left - margin.right;
    const plotH = height - margin.top - margin.bottom;
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    svg.replaceChildren();

    const n = spec.labels.length;
    let dataMax = 0;
    let points = 0;
    let nonzero = 0;
    for (const series of spec.series) {
      for (const v of series.values) {
        if (v === null || v === undefined) continue;
        points += 1;
        if (v > 0) nonzero += 1;
        if (v > dataMax) dataMax = v;
      }
    }
    const yMax = spec.yMax || niceMax(dataMax);
    const format = spec.format || ((v) => integer.format(v));
    const y = (v) => margin.top + plotH - (v / yMax) * plotH;
    const band = n > 0 ? plotW / n : plotW;
    const x = (i) => margin.left + band * (i + 0.5);

    // Grid and y axis; counts get whole-number ticks.
    const grid = svgEl('g', { class: 'axis' });
    const ticks = spec.fraction ? (plotH < 60 ? 2 : 4)
      : (plotH < 60 ? [2, 1] : [4, 5, 2, 1]).find((t) => Number.isInteger(yMax / t)) || 1;
    for (let t = 0; t <= ticks; t++) {
      const value = (yMax * t) / ticks;
      const yy = y(value);
      grid.appendChild(svgEl('line', { class: t === 0 ? 'baseline' : 'gridline', x1: margin.left, x2: width - margin.right, y1: yy, y2: yy }));
      const label = svgEl('text', { x: margin.left - 6, y: yy + 4, 'text-anchor': 'end' });
      label.textContent = format(value);
      grid.appendChild(label);
    }
    // x labels: at most one per 80 px; times on round steps (every 30 s, 1 min, 15 min...).
    const room = Math.max(1, Math.floor(plotW / 80));
    const labelled = [];
    if (spec.time && n > 1) {
      const spacing = (spec.labels[n - 1] - spec.labels[0]) / (n - 1);
      const steps = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map((s) => s * 1000);
      const step = steps.find((s) => s >= spacing && (n * spacing) / s <= room) || steps[steps.length - 1];
      for (let i = 0; i < n; i++) if (spec.labels[i] % step === 0) labelled.push([i, step < 60000 ? hms(spec.labels[i]) : hm(spec.labels[i])]);
    } else {
      const every = Math.max(1, Math.ceil(n / room));
      for (let i = 0; i < n; i += every) labelled.push([i, spec.time ? hm(spec.labels[i]) : String(spec.labels[i])]);
    }
    for (const [i, text] of labelled) {
      const label = svgEl('text', { x: x(i), y: height - 4, 'text-anchor': 'middle' });
      label.textContent = text;
      grid.appendChild(label);
      if (spec.time) grid.appendChild(svgEl('line', { class: 'gridline', x1: x(i), x2: x(i), y1: margin.top + plotH, y2: margin.top + plotH + 3 }));
    }
    svg.appendChild(grid);

    // Series: bars first (behind), then lines.
    const barSeries = spec.series.filter((s) => s.kind === 'bars');
    barSeries.forEach((series, k) => {
      const group = svgEl('g', { class: 'bars' });
      const slot = band / barSeries.length;
      const barW = Math.max(1, slot * (n > 120 ? 0.9 : 0.75));
      series.values.forEach((v, i) => {
        if (!(v > 0)) return;
        const top = y(v);
        const bar = svgEl('rect', {
          class: `bar ${series.cls}`,
          x: (margin.left + band * i + slot * k + (slot - barW) / 2).toFixed(2),
          y: top.toFixed(2), width: barW.toFixed(2), height: Math.max(0.5, margin.top + plotH - top).toFixed(2),
        });
        const tip = svgEl('title');
        tip.textContent = `${spec.time ? hms(spec.labels[i]) : spec.labels[i]}: ${format(v)} ${series.name}`;
        bar.appendChild(tip);
        group.appendChild(bar);
      });
      svg.appendChild(group);
    });
    for (const series of spec.series.filter((s) => s.kind === 'line')) {
      let path = '';
      let pen = false;
      series.values.forEach((v, i) => {
        if (v === null || v === undefined) { pen = false; return; }
        path += `${pen ? 'L' : 'M'}${x(i).toFixed(2)},${y(v).toFixed(2)}`;
        pen = true;
      });
      if (path && series.area && !series.values.some((v) => v === null || v === undefined)) {
        const baseline = (margin.top + plotH).toFixed(2);
        svg.appendChild(svgEl('path', { class: 'series-area', d: `${path}L${x(n - 1).toFixed(2)},${baseline}L${x(0).toFixed(2)},${baseline}Z` }));
      }
      if (path) svg.appendChild(svgEl('path', { class: `series-line ${series.cls}`, d: path }));
      // Lone points (between gaps) would not show as a line: mark them.
      series.values.forEach((v, i) => {
        const prev = series.values[i - 1];
        const next = series.values[i + 1];
        if (v !== null && v !== undefined && (prev === null || prev === undefined) && (next === null || next === undefined)) {
          svg.appendChild(svgEl('circle', { class: `series-line ${series.cls}`, cx: x(i), cy: y(v), r: 2 }));
        }
      });
    }
    if (points === 0 || (nonzero === 0 && spec.emptyText)) {
      const text = svgEl('text', { class: 'chart-empty', x: margin.left + plotW / 2, y: margin.top + plotH / 2, 'text-anchor': 'middle' });
      text.textContent = spec.emptyText || 'no data in this range';
      svg.appendChild(text);
    }

    figure.dataset.points = String(points);
    figure.dataset.nonzero = String(nonzero);
    svg.setAttribute('aria-label', spec.summary);
    const readout = figure.querySelector('.readout');
    if (readout) readout.textContent = spec.readout || '';
    figure._spec = spec;
  }

  window.addEventListener('resize', () => {
    for (const figure of document.querySelectorAll('figure.chart')) {
      if (figure._spec) drawChart(figure, figure._spec);
    }
  });

  /** Consumer lag per partition as small bars, one per partition, with a tooltip each. */
  function drawLagBars(figure, lags) {
    const width = 96;
    const height = 24;
    const svg = svgEl('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img' });
    const max = Math.max(1, ...lags.map((p) => p.lag));
    const slot = lags.length ? width / lags.length : width;
    lags.forEach((p, i) => {
      const h = p.lag > 0 ? Math.max(2, (p.lag / max) * (height - 2)) : 1;
      const bar = svgEl('rect', {
        class: p.lag > 0 ? 'bar s0' : 'bar idle',
        x: (i * slot + slot * 0.1).toFixed(2), y: (height - h).toFixed(2), width: Math.max(1, slot * 0.8).toFixed(2), height: h.toFixed(2),
      });
      const tip = svgEl('title');
      tip.textContent = `partition ${p.partition}: ${integer.format(p.lag)} behind`;
      bar.appendChild(tip);
      svg.appendChild(bar);
    });
    svg.setAttribute('aria-label', lags.length
      ? `Lag per partition: ${lags.map((p) => `partition ${p.partition} ${p.lag}`).join(', ')}`
      : 'No partitions assigned');
    figure.replaceChildren(lags.length ? svg : el('span', { class: 'muted' }, 'none assigned'));
    figure.dataset.points = String(lags.length);
    figure.dataset.nonzero = String(lags.filter((p) => p.lag > 0).length);
  }

  return {
    el, svgEl, niceMax, drawChart, drawLagBars,
    format: { integer, money, oneDecimal, pad, hms, hm, dateTime, percent, duration },
  };
})();
