// fraudstream dashboard: fetches the JSON endpoints every few seconds and draws the charts as
// SVG. No libraries, no build step. Rendered state is marked in the DOM for tests:
// body[data-state] is "ready" once every panel has drawn once, each chart carries
// data-points (points drawn) and data-nonzero (points above zero), the flagged table's tbody
// carries data-rows, the worker panel data-workers and data-state ("ready" or "no-workers").
'use strict';

(function () {
  const FAST_REFRESH_MS = 5000;   // throughput, flagged, workers, rejected
  const SLOW_REFRESH_MS = 15000;  // model quality and fraud per minute change slowly
  const REQUEST_TIMEOUT_MS = 8000;
  const SVG_NS = 'http://www.w3.org/2000/svg';

  const state = {
    account: new URLSearchParams(window.location.search).get('account') || '',
    rendered: new Set(),
    panels: ['scored', 'flagged-chart', 'quality', 'fraud', 'flagged-table', 'workers', 'rejected'],
    seenTransactions: new Set(),
    lastData: {},
    failures: new Map(),
  };

  // ---- helpers -------------------------------------------------------------------------

  async function getJSON(path) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    try {
      const response = await fetch(path, { cache: 'no-store', signal: controller.signal });
      let body = null;
      try { body = await response.json(); } catch (_) { /* not JSON */ }
      if (!response.ok) {
        throw new Error((body && body.error) || `${path}: HTTP ${response.status}`);
      }
      return body;
    } catch (error) {
      if (error.name === 'AbortError') throw new Error(`${path}: no answer within ${REQUEST_TIMEOUT_MS / 1000} s`);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

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

  function markRendered(panel) {
    state.rendered.add(panel);
    if (state.panels.every((p) => state.rendered.has(p))) document.body.dataset.state = 'ready';
  }

  function showPanelError(container, message) {
    const box = container.querySelector(':scope > .panel-error');
    if (!box) return;
    box.hidden = !message;
    box.textContent = message || '';
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

  // ---- panels --------------------------------------------------------------------------

  async function refreshThroughput() {
    const scoredFigure = document.getElementById('chart-scored');
    const flaggedFigure = document.getElementById('chart-flagged');
    try {
      const data = await getJSON('/api/throughput?minutes=5');
      const scored = data.scoredPerSecond.map((p) => p.count);
      const times = data.scoredPerSecond.map((p) => Date.parse(p.time));
      const recent = scored.slice(-10);
      const recentRate = recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : 0;
      drawChart(scoredFigure, {
        labels: times, time: true,
        series: [{ name: 'scored', values: scored, kind: 'line', cls: 's0', area: true }],
        readout: `${integer.format(recentRate)}/s over the last 10 s · peak ${integer.format(Math.max(0, ...scored))}/s`,
        summary: `Transactions scored per second over the last 5 minutes: ${integer.format(recentRate)} per second recently, peak ${integer.format(Math.max(0, ...scored))}`,
        emptyText: 'nothing scored in the last 5 minutes',
      });
      const flagged = data.flaggedPer10Seconds.map((p) => p.count);
      const total = flagged.reduce((a, b) => a + b, 0);
      drawChart(flaggedFigure, {
        labels: data.flaggedPer10Seconds.map((p) => Date.parse(p.time)), time: true,
        series: [{ name: 'flagged', values: flagged, kind: 'bars', cls: 'alert' }],
        readout: `${integer.format(total)} in 5 min`,
        summary: `Flagged transactions per 10 seconds over the last 5 minutes: ${integer.format(total)} in all`,
        emptyText: 'nothing flagged in the last 5 minutes',
      });
      showPanelError(scoredFigure, '');
      showPanelError(flaggedFigure, '');
      markRendered('scored');
      markRendered('flagged-chart');
    } catch (error) {
      showPanelError(scoredFigure, error.message);
      showPanelError(flaggedFigure, error.message);
      throw error;
    }
  }

  async function refreshQuality() {
    const figure = document.getElementById('chart-quality');
    try {
      const data = await getJSON('/api/model-quality');
      const windows = data.windows;
      const labelled = windows.reduce((a, w) => a + w.labelled, 0);
      const tp = windows.reduce((a, w) => a + w.truePositives, 0);
      const fp = windows.reduce((a, w) => a + w.falsePositives, 0);
      const fn = windows.reduce((a, w) => a + w.falseNegatives, 0);
      const precision = tp + fp > 0 ? tp / (tp + fp) : null;
      const recall = tp + fn > 0 ? tp / (tp + fn) : null;
      drawChart(figure, {
        labels: windows.map((w) => Date.parse(w.windowStart)), time: true,
        series: [
          { name: 'precision', values: windows.map((w) => w.precision), kind: 'line', cls: 's0' },
          { name: 'recall', values: windows.map((w) => w.recall), kind: 'line', cls: 's1' },
        ],
        yMax: 1, fraction: true, format: (v) => `${Math.round(v * 100)} %`,
        readout: `precision ${percent(precision)} · recall ${percent(recall)}`,
        summary: `Precision and recall per 15 minutes of event time, ${windows.length} windows up to ${dateTime(Date.parse(data.to))}: over ${labelled} labelled transactions, precision ${percent(precision)}, recall ${percent(recall)}`,
      });
      showPanelError(figure, '');
      markRendered('quality');
    } catch (error) {
      showPanelError(figure, error.message);
      throw error;
    }
  }

  async function refreshFraudPerMinute() {
    const figure = document.getElementById('chart-fraud');
    try {
      const data = await getJSON('/api/fraud-per-minute');
      const minutes = data.minutes;
      const predicted = minutes.map((m) => m.predictedFraud);
      const labelled = minutes.map((m) => m.labelledFraud);
      const sum = (values) => values.reduce((a, b) => a + b, 0);
      drawChart(figure, {
        labels: minutes.map((m) => Date.parse(m.minute)), time: true,
        series: [
          { name: 'predicted', values: predicted, kind: 'line', cls: 'alert' },
          { name: 'labelled', values: labelled, kind: 'line', cls: 's1' },
        ],
        readout: `${integer.format(sum(predicted))} predicted · ${integer.format(sum(labelled))} labelled in ${minutes.length} min`,
        summary: `Predicted and labelled fraud per minute of event time up to ${dateTime(Date.parse(data.to))}: ${sum(predicted)} predicted, ${sum(labelled)} labelled`,
        emptyText: 'no fraud predicted or labelled in this range',
      });
      showPanelError(figure, '');
      markRendered('fraud');
    } catch (error) {
      showPanelError(figure, error.message);
      throw error;
    }
  }

  function accountLink(account) {
    const link = el('a', { href: `?account=${encodeURIComponent(account)}`, title: `Show only ${account}` }, account);
    link.addEventListener('click', (event) => {
      event.preventDefault();
      setAccount(account);
    });
    return link;
  }

  async function refreshFlagged() {
    const panel = document.getElementById('flagged');
    const account = state.account;
    const query = account ? `?limit=100&account=${encodeURIComponent(account)}` : '?limit=100';
    try {
      const data = await getJSON(`/api/flagged${query}`);
      if (account !== state.account) return;  // the filter changed while this was in flight
      const body = document.getElementById('flagged-rows');
      const rows = data.transactions.map((t) => {
        const row = el('tr', { 'data-transaction-id': t.transactionId });
        if (state.seenTransactions.size > 0 && !state.seenTransactions.has(t.transactionId)) row.classList.add('new');
        row.appendChild(el('td', { title: `scored ${dateTime(Date.parse(t.scoredAt))} UTC` }, dateTime(Date.parse(t.time))));
        const from = el('td', { class: 'account' });
        from.appendChild(accountLink(t.account));
        row.appendChild(from);
        const to = el('td', { class: 'account' });
        to.appendChild(accountLink(t.counterparty));
        row.appendChild(to);
        row.appendChild(el('td', { class: 'num' }, money.format(t.amount)));
        row.appendChild(el('td', {}, t.type));
        const score = el('td', { class: 'num' });
        score.appendChild(el('span', { class: t.score >= 0.9 ? 'score high' : 'score' }, t.score.toFixed(3)));
        row.appendChild(score);
        row.appendChild(el('td', {}, t.modelVersion));
        return row;
      });
      body.replaceChildren(...rows);
      body.dataset.rows = String(rows.length);
      state.seenTransactions = new Set(data.transactions.map((t) => t.transactionId));
      const empty = document.getElementById('flagged-empty');
      empty.hidden = rows.length > 0;
      empty.textContent = account ? `No flagged transactions for ${account}.` : 'No flagged transactions yet.';
      document.getElementById('flagged-scope').textContent =
        account ? `account ${account}, ${rows.length} shown` : `all accounts, newest ${rows.length}`;
      showPanelError(panel, '');
      markRendered('flagged-table');
    } catch (error) {
      showPanelError(panel, error.message);
      throw error;
    }
  }

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

  async function refreshWorkers() {
    const panel = document.getElementById('workers');
    try {
      const data = await getJSON('/api/workers');
      const rows = data.workers.map((w) => {
        const row = el('tr', { class: w.stale ? 'stale' : '', 'data-worker-id': w.workerId });
        const who = el('td', { class: 'who' });
        who.appendChild(el('span', { class: 'worker-id' }, w.workerId));
        who.appendChild(el('span', { class: 'worker-meta' }, `${w.host} · pid ${w.pid} · ${w.modelVersion}`));
        row.appendChild(who);
        row.appendChild(el('td', { class: 'num' }, `${oneDecimal.format(w.latencyP99Ms)} ms`));
        row.appendChild(el('td', { class: 'num' }, integer.format(w.totalLag)));
        const lagCell = el('td', {});
        const lagFigure = el('figure', { class: 'lag-bars', 'data-chart': 'partition-lag', 'data-points': '0' });
        lagCell.appendChild(lagFigure);
        drawLagBars(lagFigure, w.partitionLag);
        row.appendChild(lagCell);
        row.appendChild(el('td', { class: 'num' }, integer.format(w.rejected)));
        const seen = el('td', {});
        seen.appendChild(el('span', { class: w.stale ? 'badge stale' : 'badge live' },
          w.stale ? `stale ${duration(w.stalenessSeconds)}` : `${duration(w.stalenessSeconds)} ago`));
        row.appendChild(seen);
        return row;
      });
      document.getElementById('worker-rows').replaceChildren(...rows);
      document.getElementById('worker-table').hidden = rows.length === 0;
      panel.dataset.workers = String(data.workers.length);
      panel.dataset.state = data.workers.length ? 'ready' : 'no-workers';
      document.getElementById('no-workers').hidden = data.workers.length > 0;
      showPanelError(panel, '');
      markRendered('workers');
    } catch (error) {
      showPanelError(panel, error.message);
      throw error;
    }
  }

  async function refreshRejected() {
    const figure = document.getElementById('chart-rejected');
    try {
      const data = await getJSON('/api/rejected?minutes=30');
      const counts = data.minutes.map((m) => m.count);
      const total = counts.reduce((a, b) => a + b, 0);
      const reasons = data.reasons.slice(0, 3).map((r) => `${r.reasonCode} ${integer.format(r.count)}`).join(', ');
      drawChart(figure, {
        labels: data.minutes.map((m) => Date.parse(m.minute)), time: true,
        series: [{ name: 'rejected', values: counts, kind: 'bars', cls: 'warn' }],
        readout: total ? `${integer.format(total)} in 30 min, most ${data.reasons[0].reasonCode}` : 'none in 30 min',
        summary: `Rejected messages per minute over the last 30 minutes: ${total} in all${reasons ? `, ${reasons}` : ''}`,
      });
      showPanelError(figure, '');
      markRendered('rejected');
    } catch (error) {
      showPanelError(figure, error.message);
      throw error;
    }
  }

  // ---- refresh loop and controls -------------------------------------------------------

  function setStatus(ok, message) {
    const status = document.getElementById('status');
    status.textContent = message;
    status.classList.toggle('error', !ok);
    if (!ok && document.body.dataset.state === 'loading') document.body.dataset.state = 'error';
  }

  function every(name, intervalMs, refresh) {
    const run = async () => {
      try {
        await refresh();
        state.failures.delete(name);
      } catch (error) {
        state.failures.set(name, error.message);
      }
      const problems = [...state.failures.values()];
      if (problems.length) {
        setStatus(false, `Some panels could not refresh: ${problems[0]}`);
      } else {
        setStatus(true, `Updated ${hms(Date.now())} UTC · refreshing every ${FAST_REFRESH_MS / 1000} s`);
        if (document.body.dataset.state === 'error' && state.panels.every((p) => state.rendered.has(p))) {
          document.body.dataset.state = 'ready';
        }
      }
      setTimeout(run, intervalMs);
    };
    run();
  }

  function setAccount(account) {
    state.account = account.trim();
    document.getElementById('account-input').value = state.account;
    const url = new URL(window.location.href);
    if (state.account) url.searchParams.set('account', state.account); else url.searchParams.delete('account');
    window.history.replaceState(null, '', url);
    state.seenTransactions = new Set();
    refreshFlagged().catch(() => {});
  }

  function start() {
    document.getElementById('account-input').value = state.account;
    document.getElementById('account-filter').addEventListener('submit', (event) => {
      event.preventDefault();
      setAccount(document.getElementById('account-input').value);
    });
    document.getElementById('account-clear').addEventListener('click', () => setAccount(''));
    every('throughput', FAST_REFRESH_MS, refreshThroughput);
    every('flagged', FAST_REFRESH_MS, refreshFlagged);
    every('workers', FAST_REFRESH_MS, refreshWorkers);
    every('rejected', FAST_REFRESH_MS, refreshRejected);
    every('quality', SLOW_REFRESH_MS, refreshQuality);
    every('fraud', SLOW_REFRESH_MS, refreshFraudPerMinute);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
