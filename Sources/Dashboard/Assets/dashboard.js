// fraudstream dashboard: fetches the JSON endpoints every few seconds and draws the charts as
// SVG with charts.js. No libraries, no build step. Rendered state is marked in the DOM for tests:
// body[data-state] is "ready" once every panel has drawn once, each chart carries
// data-points (points drawn) and data-nonzero (points above zero), the flagged table's tbody
// carries data-rows, the worker panel data-workers and data-state ("ready" or "no-workers").
'use strict';

(function () {
  const FAST_REFRESH_MS = 5000;   // throughput, flagged, workers, rejected
  const SLOW_REFRESH_MS = 15000;  // model quality and fraud per minute change slowly
  const REQUEST_TIMEOUT_MS = 8000;

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

  const { el, drawChart, drawLagBars } = window.FraudstreamCharts;
  const { integer, money, oneDecimal, hms, dateTime, percent, duration } = window.FraudstreamCharts.format;


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
      const transactions = windows.reduce((a, w) => a + w.transactions, 0);
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
        readout: `precision ${percent(precision)} · recall ${percent(recall)} · scenarios detected ${percent(data.scenarios.detectionRate)} · value detected ${percent(data.scenarios.valueDetectionRate)}`,
        summary: `Precision and recall per 15 minutes of event time, ${windows.length} windows up to ${dateTime(Date.parse(data.to))}: over ${transactions} scored transactions (unlabelled ones count as legitimate), precision ${percent(precision)}, recall ${percent(recall)}; ${data.scenarios.detected} of ${data.scenarios.scenarios} fraud scenarios detected (${percent(data.scenarios.detectionRate)}), ${percent(data.scenarios.valueDetectionRate)} of the money moved by fraud caught`,
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
