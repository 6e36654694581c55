/* Vigil dashboard: vanilla JS, no build step. Live data comes from the dashboard hub (api/hub); the page falls back to
   polling the JSON API when the hub cannot connect. All user data is inserted as text nodes, never as HTML. */
(function () {
  'use strict';

  const STATES = ['scheduled', 'queued', 'running', 'retrying', 'succeeded', 'dead', 'cancelled'];
  const api = (path) => 'api/' + path;

  const state = {
    config: { title: 'Vigil', readOnly: false, healthUrl: null, metricsUrl: null, pollIntervalMs: 2000 },
    overview: null,
    overviewAt: 0,
    fingerprint: '',
    stats: null,
    statsAt: 0,
    health: null,
    healthAt: 0,
    connection: null,
    live: false,
    csrf: null,
    view: null,
    detailId: null,
    progress: {},
    timers: [],
    listSeq: 0,
  };

  // ---- DOM helpers ---------------------------------------------------------------------------------------------------

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === 'class') el.className = v;
        else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
        else if (k === 'text') el.textContent = v;
        else el.setAttribute(k, v === true ? '' : v);
      }
    }
    append(el, children);
    return el;
  }

  function append(el, children) {
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
  }

  const SVGNS = 'http://www.w3.org/2000/svg';
  function s(tag, attrs, ...children) {
    const el = document.createElementNS(SVGNS, tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, v);
    for (const c of children.flat()) if (c) el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    return el;
  }

  function replace(el, ...children) {
    if (!el) return;
    el.replaceChildren();
    append(el, children);
  }

  const $ = (id) => document.getElementById(id);

  // ---- Formatting ----------------------------------------------------------------------------------------------------

  function age(seconds) {
    if (seconds === null || seconds === undefined) return '—';
    seconds = Math.max(0, seconds);
    if (seconds < 1) return '<1s';
    if (seconds < 60) return Math.floor(seconds) + 's';
    if (seconds < 3600) return Math.floor(seconds / 60) + 'm ' + Math.floor(seconds % 60) + 's';
    if (seconds < 86400) return Math.floor(seconds / 3600) + 'h ' + Math.floor((seconds % 3600) / 60) + 'm';
    return Math.floor(seconds / 86400) + 'd ' + Math.floor((seconds % 86400) / 3600) + 'h';
  }

  function ms(value) {
    if (value === null || value === undefined) return '—';
    if (value === 0) return '0';
    if (value < 1) return value.toFixed(2) + ' ms';
    if (value < 1000) return Math.round(value) + ' ms';
    if (value < 60000) return (value / 1000).toFixed(value < 10000 ? 2 : 1) + ' s';
    return age(value / 1000);
  }

  function bytes(value) {
    if (value === null || value === undefined) return '—';
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let i = 0;
    while (value >= 1024 && i < units.length - 1) { value /= 1024; i++; }
    return (i === 0 ? value : value.toFixed(value < 10 ? 1 : 0)) + ' ' + units[i];
  }

  const num = (value) => (value === null || value === undefined) ? '—' : Number(value).toLocaleString();

  function time(iso) {
    if (!iso) return '—';
    const d = new Date(iso);
    const today = new Date();
    const sameDay = d.toDateString() === today.toDateString();
    const t = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
    return sameDay ? t : d.toLocaleDateString([], { month: 'short', day: 'numeric' }) + ' ' + t;
  }

  const since = (iso) => iso ? age((Date.now() - new Date(iso).getTime()) / 1000) + ' ago' : '—';
  const shortId = (id) => id ? id.slice(0, 8) : '';
  const pill = (st) => h('span', { class: 'pill pill-' + st, text: st });

  function ageClass(seconds, warn, bad) {
    if (seconds === null || seconds === undefined) return '';
    return seconds >= bad ? 'bad' : seconds >= warn ? 'warn' : 'good';
  }

  function toast(message, kind) {
    const el = h('div', { class: 'toast ' + (kind || '') , text: message });
    $('toasts').appendChild(el);
    setTimeout(() => el.remove(), kind === 'error' ? 8000 : 3500);
  }

  // ---- HTTP ----------------------------------------------------------------------------------------------------------

  async function getJson(path) {
    const response = await fetch(api(path), { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    if (!response.ok) throw await problem(response);
    return response.json();
  }

  async function problem(response) {
    let detail = response.status + ' ' + response.statusText;
    try {
      const body = await response.json();
      detail = body.detail || body.title || detail;
    } catch { /* not JSON */ }
    const error = new Error(detail);
    error.status = response.status;
    return error;
  }

  async function csrfToken(refresh) {
    if (!state.csrf || refresh) state.csrf = await getJson('antiforgery');
    return state.csrf;
  }

  async function post(path, body) {
    for (let attempt = 0; attempt < 2; attempt++) {
      const token = await csrfToken(attempt > 0);
      const headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
      headers[token.headerName] = token.token;
      const response = await fetch(api(path), {
        method: 'POST', headers, credentials: 'same-origin', body: JSON.stringify(body === undefined ? {} : body),
      });
      if (response.status === 403 && attempt === 0) continue; // token expired or cookie lost: fetch a fresh pair once
      if (!response.ok) throw await problem(response);
      return response.json();
    }
    throw new Error('The request was refused twice by the CSRF check.');
  }

  async function act(taskId, action) {
    if (action === 'delete' && !confirm('Delete task ' + shortId(taskId) + '? This cannot be undone.')) return false;
    try {
      const result = await post('tasks/' + taskId + '/' + action);
      toast(actionVerb(action) + ' task ' + shortId(taskId) + (result.state ? ' → ' + result.state : ''), 'ok');
      refreshSoon();
      return true;
    } catch (e) {
      toast(e.message, 'error');
      return false;
    }
  }

  const actionVerb = (a) => ({ retry: 'Retried', cancel: 'Cancelled', delete: 'Deleted' })[a] || a;

  // ---- Live connection -----------------------------------------------------------------------------------------------

  function setLive(on, text) {
    state.live = on;
    const el = $('live');
    el.className = 'live ' + (on ? 'on' : 'off');
    el.textContent = text || (on ? 'live' : 'polling');
  }

  async function connect() {
    if (!window.signalR) { setLive(false, 'polling'); return; }
    const connection = new signalR.HubConnectionBuilder()
      .withUrl(api('hub'))
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => Math.min(10000, 500 * (ctx.previousRetryCount + 1)) })
      .configureLogging(signalR.LogLevel.Warning)
      .build();
    connection.on('overview', (overview) => applyOverview(overview));
    connection.on('taskProgress', (p) => {
      state.progress[p.taskId] = p;
      if (state.view === 'task' && state.detailId === p.taskId) renderProgress(p);
    });
    connection.on('taskState', (m) => {
      if (state.view === 'task' && state.detailId === m.taskId) loadDetail(false);
    });
    connection.on('systemEvent', () => refreshSoon());
    connection.onreconnecting(() => setLive(false, 'reconnecting…'));
    connection.onreconnected(() => { setLive(true); resubscribe(); });
    connection.onclose(() => { setLive(false, 'polling'); setTimeout(() => start(connection), 5000); });
    state.connection = connection;
    await start(connection);
  }

  async function start(connection) {
    try {
      await connection.start();
      setLive(true);
      resubscribe();
    } catch {
      setLive(false, 'polling');
      setTimeout(() => { if (connection.state === 'Disconnected') start(connection); }, 5000);
    }
  }

  function resubscribe() {
    if (state.view === 'task' && state.detailId) subscribeTask(state.detailId);
  }

  async function subscribeTask(id) {
    const c = state.connection;
    if (!c || c.state !== 'Connected') return;
    try { await c.invoke('SubscribeTask', id); } catch { /* the page still polls the task */ }
  }

  function unsubscribeTask(id) {
    const c = state.connection;
    if (c && c.state === 'Connected' && id) c.invoke('UnsubscribeTask', id).catch(() => {});
  }

  // ---- Data refresh --------------------------------------------------------------------------------------------------

  function applyOverview(overview) {
    state.overview = overview;
    state.overviewAt = Date.now();
    const fingerprint = overview.queues.map((q) => [q.name, q.ready, q.delayed, q.running, q.dead].join(':')).join('|')
      + '#' + overview.workers.map((w) => w.workerId + ':' + w.processed + ':' + w.failed).join('|');
    const changed = fingerprint !== state.fingerprint;
    state.fingerprint = fingerprint;
    renderChrome();
    renderOverviewParts();
    if (changed && (state.view === 'tasks' || state.view === 'dead')) loadList(false);
    if (changed && state.view === 'overview' && Date.now() - state.statsAt > 4000) loadStats();
  }

  async function loadOverview() {
    try {
      applyOverview(await getJson('overview'));
      hideError();
    } catch (e) {
      showError('Cannot read the overview: ' + e.message);
    }
  }

  let soon = null;
  function refreshSoon() {
    if (soon) return;
    soon = setTimeout(() => {
      soon = null;
      loadOverview();
      if (state.view === 'tasks' || state.view === 'dead') loadList(false);
      if (state.view === 'task') loadDetail(false);
    }, 150);
  }

  function tick() {
    // Push keeps the overview fresh; poll when it is stale (hub down) and for views the push does not cover.
    const stale = Date.now() - state.overviewAt > state.config.pollIntervalMs * 1.5;
    if (!state.live || stale) loadOverview();
    if (state.view === 'tasks' || state.view === 'dead') loadList(false);
    if (state.view === 'task') loadDetail(false);
    if (state.view === 'overview') {
      if (Date.now() - state.statsAt > 10000) loadStats();
      if (Date.now() - state.healthAt > 5000) loadHealth();
    }
    renderAges();
  }

  // ---- Chrome (nav, storage line, errors) ----------------------------------------------------------------------------

  function renderChrome() {
    const o = state.overview;
    if (!o) return;
    const dead = $('dead-count');
    dead.hidden = !o.totals.dead;
    dead.textContent = o.totals.dead ? num(o.totals.dead) : '';
    replace($('storage-line'),
      h('span', { class: 'muted' }, 'Storage '), h('strong', { text: o.storage.engine }),
      h('span', { class: 'muted mono' }, ' ' + o.storage.location),
      h('span', { class: 'sep' }, '·'),
      h('span', { class: 'muted' }, 'updated ', h('span', { 'data-since': o.now }, since(o.now))));
  }

  function showError(message) {
    let bar = $('error-bar');
    if (!bar) {
      bar = h('div', { id: 'error-bar', class: 'error-bar' });
      $('app').before(bar);
    }
    bar.textContent = message;
  }

  function hideError() {
    const bar = $('error-bar');
    if (bar) bar.remove();
  }

  function renderAges() {
    for (const el of document.querySelectorAll('[data-since]')) el.textContent = since(el.getAttribute('data-since'));
  }

  // ---- Router --------------------------------------------------------------------------------------------------------

  function route() {
    const hash = location.hash.replace(/^#/, '') || '/';
    const [path, queryString] = hash.split('?');
    const query = new URLSearchParams(queryString || '');
    const parts = path.split('/').filter(Boolean);
    const previous = state.detailId;
    state.detailId = null;
    let view = 'overview';
    if (parts[0] === 'queues') view = 'queues';
    else if (parts[0] === 'workers') view = 'workers';
    else if (parts[0] === 'dead') view = 'dead';
    else if (parts[0] === 'tasks' && parts[1]) { view = 'task'; state.detailId = parts[1]; }
    else if (parts[0] === 'tasks') view = 'tasks';
    if (previous && previous !== state.detailId) unsubscribeTask(previous);
    state.view = view;
    for (const a of document.querySelectorAll('#nav a')) {
      const v = a.getAttribute('data-view');
      a.classList.toggle('active', v === view || (view === 'task' && v === 'tasks'));
    }
    const app = $('app');
    app.replaceChildren();
    if (view === 'overview') viewOverview(app);
    else if (view === 'queues') viewQueues(app);
    else if (view === 'workers') viewWorkers(app);
    else if (view === 'tasks') viewTasks(app, query, false);
    else if (view === 'dead') viewTasks(app, new URLSearchParams({ state: 'dead', queue: query.get('queue') || '', offset: query.get('offset') || '0' }), true);
    else if (view === 'task') viewTask(app, state.detailId);
    document.title = state.config.title + ' · ' + ({ overview: 'Overview', queues: 'Queues', workers: 'Workers', tasks: 'Tasks', dead: 'Dead letters', task: 'Task ' + shortId(state.detailId) })[view];
  }

  /** A card: a head with the title and one optional aside (note or link), then the body. */
  function section(title, aside, ...body) {
    return h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', { text: title }), aside), ...body);
  }

  // ---- Overview ------------------------------------------------------------------------------------------------------

  function viewOverview(app) {
    app.append(
      h('div', { class: 'tiles', id: 'tiles' }),
      h('div', { class: 'grid-2' },
        section('Throughput', h('span', { class: 'muted small', text: 'tasks per minute, last 60 min' }), h('div', { id: 'chart-throughput', class: 'chart' })),
        section('Latency', h('span', { class: 'muted small', text: 'run and wait time per minute' }), h('div', { id: 'chart-latency', class: 'chart' }))),
      h('div', { class: 'grid-2 grid-wide-left' },
        section('Queues', h('a', { href: '#/queues', class: 'muted-link small', text: 'all queues →' }), h('div', { id: 'queues-table' })),
        section('Health', h('span', { class: 'muted small', id: 'health-when' }), h('div', { id: 'health-body' }))),
      section('Workers', h('a', { href: '#/workers', class: 'muted-link small', text: 'details →' }), h('div', { id: 'workers-table' })));
    renderOverviewParts();
    renderStats();
    renderHealth();
    loadStats();
    loadHealth();
  }

  function renderOverviewParts() {
    const o = state.overview;
    if (!o) return;
    if (state.view === 'overview') {
      renderTiles(o);
      replace($('queues-table'), queuesTable(o.queues.filter((q) => !q.isPrivate), true));
      replace($('workers-table'), workersTable(o.workers, true));
    } else if (state.view === 'queues') {
      const showPrivate = $('show-private') && $('show-private').checked;
      replace($('queues-full'), queuesTable(o.queues.filter((q) => showPrivate || !q.isPrivate), false));
    } else if (state.view === 'workers') {
      replace($('workers-full'), workersTable(o.workers, false));
    }
  }

  function tile(label, value, cls, sub) {
    return h('div', { class: 'tile ' + (cls || '') }, h('div', { class: 'tile-label', text: label }), h('div', { class: 'tile-value', text: value }), sub ? h('div', { class: 'tile-sub', text: sub }) : null);
  }

  function renderTiles(o) {
    const t = o.totals;
    const totals = state.stats ? state.stats.totals : null;
    const healthStatus = state.health && state.health.status ? state.health.status : null;
    replace($('tiles'),
      tile('Health', healthStatus || (state.health && state.health.missing ? 'n/a' : '…'), 'health-' + String(healthStatus || 'unknown').toLowerCase(), state.health && state.health.missing ? 'endpoint not mapped' : 'from ' + (state.config.healthUrl || '—')),
      tile('Ready', num(t.ready), t.ready > 0 ? 'accent' : '', 'waiting for a worker'),
      tile('Running', num(t.running), '', 'under a lease'),
      tile('Delayed', num(t.delayed), '', 'scheduled or retrying'),
      tile('Dead', num(t.dead), t.dead > 0 ? 'bad' : '', 'dead letters'),
      tile('Workers', num(t.workers), t.staleWorkers > 0 ? 'bad' : (t.workers > 0 ? 'good' : 'warn'), t.staleWorkers > 0 ? t.staleWorkers + ' stale' : (t.workers ? 'all heartbeating' : 'none running')),
      tile('Succeeded · 1h', totals ? num(totals.succeeded) : '…', 'good', totals ? num(totals.failed) + ' failed' : ''));
  }

  function queuesTable(queues, compact) {
    if (!queues.length) return h('div', { class: 'empty', text: 'No queue has tasks or workers yet.' });
    return h('table', { class: 'table' },
      h('thead', null, h('tr', null,
        h('th', { text: 'Queue' }), h('th', { class: 'num', text: 'Ready' }), h('th', { class: 'num', text: 'Delayed' }),
        h('th', { class: 'num', text: 'Running' }), h('th', { class: 'num', text: 'Dead' }),
        h('th', { class: 'num', text: 'Oldest ready' }), h('th', { class: 'num', text: 'Last success' }),
        compact ? null : h('th', { text: '' }))),
      h('tbody', null, queues.map((q) => h('tr', { 'data-queue': q.name },
        h('td', null, h('a', { href: '#/tasks?queue=' + encodeURIComponent(q.name), class: 'strong', text: q.name }), q.isPrivate ? h('span', { class: 'tag', text: 'private' }) : null),
        h('td', { class: 'num' + (q.ready > 0 ? ' strong' : ''), text: num(q.ready) }),
        h('td', { class: 'num', text: num(q.delayed) }),
        h('td', { class: 'num', text: num(q.running) }),
        h('td', { class: 'num' + (q.dead > 0 ? ' bad-text' : '') }, q.dead > 0 ? h('a', { href: '#/dead?queue=' + encodeURIComponent(q.name), text: num(q.dead) }) : '0'),
        h('td', { class: 'num ' + ageClass(q.oldestReadyAgeSeconds, 30, 300), text: q.oldestReadyAgeSeconds === null ? '—' : age(q.oldestReadyAgeSeconds) }),
        h('td', { class: 'num muted', text: q.lastSuccessAgeSeconds === null ? 'never' : age(q.lastSuccessAgeSeconds) + ' ago' }),
        compact ? null : h('td', { class: 'actions' }, h('a', { class: 'btn btn-small', href: '#/tasks?queue=' + encodeURIComponent(q.name), text: 'Tasks' }))))));
  }

  function workersTable(workers, compact) {
    if (!workers.length) return h('div', { class: 'empty', text: 'No worker has reported a heartbeat.' });
    return h('table', { class: 'table' },
      h('thead', null, h('tr', null,
        h('th', { text: 'Worker' }), h('th', { text: 'Status' }), compact ? null : h('th', { text: 'Queues' }),
        h('th', { class: 'num', text: 'Heartbeat' }), h('th', { class: 'num', text: 'Loop tick' }),
        h('th', { text: 'In flight' }), h('th', { class: 'num', text: 'Processed' }), h('th', { class: 'num', text: 'Failed' }),
        h('th', { class: 'num', text: 'CPU' }), h('th', { class: 'num', text: 'Memory' }),
        compact ? null : h('th', { class: 'num', text: 'GC heap' }), compact ? null : h('th', { class: 'num', text: 'Throughput' }),
        compact ? null : h('th', { class: 'num', text: 'Up' }))),
      h('tbody', null, workers.map((w) => {
        const bar = h('div', { class: 'bar' }, h('div', { class: 'bar-fill' }));
        bar.firstChild.style.width = Math.min(100, w.concurrency ? (100 * w.inFlight / w.concurrency) : 0) + '%';
        return h('tr', { class: w.stale ? 'row-bad' : '' },
          h('td', null, h('div', { class: 'strong mono', text: w.workerId }), h('div', { class: 'muted small', text: w.host + ' · pid ' + w.processId + (w.version ? ' · v' + w.version : '') })),
          h('td', null, h('span', { class: 'pill pill-' + (w.stale ? 'dead' : (w.status === 'running' ? 'succeeded' : 'retrying')), text: w.stale ? 'stale' : w.status })),
          compact ? null : h('td', { class: 'small', text: w.queues.join(', ') }),
          h('td', { class: 'num ' + (w.stale ? 'bad' : ageClass(w.heartbeatAgeSeconds, 15, 30)), text: age(w.heartbeatAgeSeconds) }),
          h('td', { class: 'num ' + ageClass(w.loopTickAgeSeconds, 15, 60), text: age(w.loopTickAgeSeconds) }),
          h('td', null, h('div', { class: 'inflight' }, bar, h('span', { class: 'small', text: w.inFlight + '/' + w.concurrency }))),
          h('td', { class: 'num', text: num(w.processed) }),
          h('td', { class: 'num' + (w.failed > 0 ? ' bad-text' : ''), text: num(w.failed) }),
          h('td', { class: 'num', text: w.cpuPercent === null ? '—' : w.cpuPercent.toFixed(1) + '%' }),
          h('td', { class: 'num', text: bytes(w.workingSetBytes) }),
          compact ? null : h('td', { class: 'num', text: bytes(w.gcHeapBytes) }),
          compact ? null : h('td', { class: 'num', text: w.throughput === null ? '—' : w.throughput.toFixed(2) + '/s' }),
          compact ? null : h('td', { class: 'num muted', text: since(w.startedAt).replace(' ago', '') }));
      })));
  }

  async function loadStats() {
    state.statsAt = Date.now();
    try {
      state.stats = await getJson('stats?minutes=60');
      renderStats();
      if (state.overview && state.view === 'overview') renderTiles(state.overview);
    } catch (e) {
      replace($('chart-throughput'), h('div', { class: 'empty', text: 'Statistics unavailable: ' + e.message }));
    }
  }

  function renderStats() {
    if (!state.stats || state.view !== 'overview') return;
    const series = state.stats.series;
    replace($('chart-throughput'), barChart(series, [
      { key: 'succeeded', label: 'succeeded', cls: 'c-good' },
      { key: 'failed', label: 'failed', cls: 'c-bad' },
    ]));
    replace($('chart-latency'), lineChart(series, [
      { key: 'avgRunMs', label: 'avg run', cls: 'c-accent' },
      { key: 'maxRunMs', label: 'max run', cls: 'c-accent-2', dashed: true },
      { key: 'avgWaitMs', label: 'avg wait', cls: 'c-warn' },
    ]));
  }

  // ---- Charts (inline SVG) -------------------------------------------------------------------------------------------

  const CW = 560, CH = 190, PL = 44, PR = 10, PT = 10, PB = 24;

  function niceMax(v) {
    if (v <= 0) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }

  function axes(svg, series, max, fmt) {
    const plotW = CW - PL - PR, plotH = CH - PT - PB;
    for (let i = 0; i <= 4; i++) {
      const y = PT + plotH - (plotH * i / 4);
      svg.appendChild(s('line', { x1: PL, x2: CW - PR, y1: y, y2: y, class: 'grid' }));
      svg.appendChild(s('text', { x: PL - 6, y: y + 3, class: 'axis', 'text-anchor': 'end' }, fmt(max * i / 4)));
    }
    const n = series.length;
    for (let i = 0; i < n; i++) {
      const d = new Date(series[i].minute);
      // A label every 15 minutes, and the last minute unless it would overlap the one before.
      if (d.getMinutes() % 15 === 0 || (i === n - 1 && d.getMinutes() % 15 > 4)) {
        const x = PL + (plotW * (i + 0.5) / n);
        svg.appendChild(s('text', { x, y: CH - 6, class: 'axis', 'text-anchor': 'middle' },
          d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false })));
      }
    }
  }

  function legend(keys) {
    return h('div', { class: 'legend' }, keys.map((k) => h('span', { class: 'legend-item' }, h('i', { class: 'swatch ' + k.cls + (k.dashed ? ' dashed' : '') }), k.label)));
  }

  function barChart(series, keys) {
    const plotW = CW - PL - PR, plotH = CH - PT - PB;
    const max = niceMax(Math.max(0, ...series.map((p) => keys.reduce((a, k) => a + (p[k.key] || 0), 0))));
    const svg = s('svg', { viewBox: `0 0 ${CW} ${CH}`, class: 'svg-chart', role: 'img', 'aria-label': 'Throughput per minute' });
    axes(svg, series, max, (v) => Number.isInteger(v) ? String(v) : v.toFixed(1));
    const n = series.length, bw = plotW / n;
    series.forEach((p, i) => {
      let y = PT + plotH;
      const tip = time(p.minute) + ' — ' + keys.map((k) => k.label + ' ' + (p[k.key] || 0)).join(', ');
      const g = s('g', null, s('title', null, tip));
      for (const k of keys) {
        const v = p[k.key] || 0;
        if (!v) continue;
        const bh = plotH * v / max;
        y -= bh;
        g.appendChild(s('rect', { x: PL + i * bw + 1, y, width: Math.max(1, bw - 2), height: bh, class: k.cls, rx: 1.5 }));
      }
      g.appendChild(s('rect', { x: PL + i * bw, y: PT, width: bw, height: plotH, class: 'hit' }));
      svg.appendChild(g);
    });
    const total = series.reduce((a, p) => a + keys.reduce((b, k) => b + (p[k.key] || 0), 0), 0);
    return [svg, legend(keys), total === 0 ? h('div', { class: 'chart-note', text: 'No task finished in the last hour.' }) : null];
  }

  function lineChart(series, keys) {
    const plotW = CW - PL - PR, plotH = CH - PT - PB;
    const values = series.flatMap((p) => keys.map((k) => p[k.key]).filter((v) => v !== null && v !== undefined));
    const max = niceMax(Math.max(0, ...values));
    const svg = s('svg', { viewBox: `0 0 ${CW} ${CH}`, class: 'svg-chart', role: 'img', 'aria-label': 'Run and wait time per minute' });
    axes(svg, series, max, (v) => ms(v).replace(' ', ''));
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
      if (d) svg.appendChild(s('path', { d, class: 'line ' + k.cls + (k.dashed ? ' dashed' : '') }));
      series.forEach((p, i) => {
        const v = p[k.key];
        if (v !== null && v !== undefined) svg.appendChild(s('circle', { cx: x(i), cy: y(v), r: 2.2, class: 'dot ' + k.cls }, s('title', null, time(p.minute) + ' ' + k.label + ' ' + ms(v))));
      });
    }
    return [svg, legend(keys), values.length === 0 ? h('div', { class: 'chart-note', text: 'No run in the last hour.' }) : null];
  }

  // ---- Health --------------------------------------------------------------------------------------------------------

  async function loadHealth() {
    state.healthAt = Date.now();
    if (!state.config.healthUrl) { state.health = { missing: true }; renderHealth(); return; }
    try {
      const response = await fetch(state.config.healthUrl, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (response.status === 404) { state.health = { missing: true }; }
      else {
        const text = await response.text();
        let body;
        try { body = JSON.parse(text); } catch { body = { status: text.trim().slice(0, 40) || String(response.status) }; }
        state.health = normalizeHealth(body);
      }
    } catch (e) {
      state.health = { error: e.message };
    }
    renderHealth();
    if (state.overview && state.view === 'overview') renderTiles(state.overview);
  }

  function normalizeHealth(body) {
    const entries = [];
    const source = body.entries || body.checks || body.results || {};
    if (Array.isArray(source)) {
      for (const e of source) entries.push({ name: e.name || e.key || '?', status: e.status, description: e.description || e.message || '', duration: e.duration || e.durationMs });
    } else {
      for (const [name, e] of Object.entries(source)) entries.push({ name, status: e.status, description: e.description || e.message || '', duration: e.duration || e.durationMs });
    }
    return { status: body.status || body.Status || 'unknown', entries };
  }

  function renderHealth() {
    const el = $('health-body');
    if (!el || !state.health) return;
    const hs = state.health;
    if (hs.missing) { replace(el, h('div', { class: 'empty', text: 'No health endpoint is mapped at ' + (state.config.healthUrl || '(none)') + '. Map it with app.MapVigilHealthChecks().' })); return; }
    if (hs.error) { replace(el, h('div', { class: 'empty bad-text', text: 'Health endpoint unreachable: ' + hs.error })); return; }
    replace($('health-when'), 'checked ' + time(new Date().toISOString()));
    const statusCls = (st) => 'health-dot health-' + String(st || 'unknown').toLowerCase();
    replace(el,
      h('div', { class: 'health-overall' }, h('i', { class: statusCls(hs.status) }), h('strong', { text: hs.status })),
      hs.entries.length === 0 ? null : h('ul', { class: 'health-list' }, hs.entries.map((e) => h('li', null,
        h('i', { class: statusCls(e.status) }),
        h('span', { class: 'strong', text: e.name }),
        h('span', { class: 'muted small', text: e.description ? ' — ' + e.description : '' })))));
  }

  // ---- Queues and workers pages --------------------------------------------------------------------------------------

  function viewQueues(app) {
    const toggle = h('label', { class: 'small muted check' }, h('input', { type: 'checkbox', id: 'show-private', onchange: renderOverviewParts }), ' show workers\' private queues');
    app.append(section('Queues', toggle, h('div', { id: 'queues-full' })));
    renderOverviewParts();
  }

  function viewWorkers(app) {
    app.append(section('Workers', h('span', { class: 'muted small', text: 'a worker is stale when its heartbeat is older than three intervals' }), h('div', { id: 'workers-full' })));
    renderOverviewParts();
  }

  // ---- Tasks list ----------------------------------------------------------------------------------------------------

  let listQuery = null;

  function viewTasks(app, query, deadOnly) {
    listQuery = { state: query.get('state') || '', queue: query.get('queue') || '', type: query.get('type') || '', offset: parseInt(query.get('offset') || '0', 10) || 0, limit: 25, deadOnly };
    const head = section(deadOnly ? 'Dead letters' : 'Tasks');
    if (!deadOnly) {
      head.querySelector('.card-head').append(h('div', { class: 'chips', id: 'state-chips' },
        ['', ...STATES].map((st) => h('a', { href: tasksHash({ ...listQuery, state: st, offset: 0 }), class: 'chip' + (listQuery.state === st ? ' active' : ''), text: st || 'all' }))));
    } else {
      head.querySelector('.card-head').append(h('span', { class: 'muted small', text: 'tasks that used every attempt or could not be retried; retry queues them again with a fresh budget' }));
    }
    const filters = h('form', { class: 'filters', onsubmit: (e) => { e.preventDefault(); applyFilters(); } },
      h('label', null, 'Queue', h('input', { id: 'f-queue', value: listQuery.queue, placeholder: 'any', autocomplete: 'off', list: 'queue-names' })),
      deadOnly ? null : h('label', null, 'Type', h('input', { id: 'f-type', value: listQuery.type, placeholder: 'any', autocomplete: 'off' })),
      h('button', { class: 'btn', type: 'submit', text: 'Filter' }),
      (listQuery.queue || listQuery.type) ? h('a', { class: 'btn btn-ghost', href: tasksHash({ ...listQuery, queue: '', type: '', offset: 0 }), text: 'Clear' }) : null,
      h('datalist', { id: 'queue-names' }, (state.overview ? state.overview.queues : []).map((q) => h('option', { value: q.name }))),
      h('span', { class: 'spacer' }),
      (!deadOnly && !state.config.readOnly) ? h('button', { class: 'btn btn-primary', type: 'button', onclick: toggleEnqueue, text: 'New task' }) : null);
    head.append(filters, h('div', { id: 'enqueue-slot' }), h('div', { id: 'task-list' }, h('div', { class: 'empty', text: 'Loading…' })), h('div', { id: 'pager', class: 'pager' }));
    app.append(head);
    loadList(true);
  }

  function tasksHash(q) {
    const p = new URLSearchParams();
    if (q.state && !q.deadOnly) p.set('state', q.state);
    if (q.queue) p.set('queue', q.queue);
    if (q.type && !q.deadOnly) p.set('type', q.type);
    if (q.offset) p.set('offset', q.offset);
    const qs = p.toString();
    return (q.deadOnly ? '#/dead' : '#/tasks') + (qs ? '?' + qs : '');
  }

  function applyFilters() {
    const queue = $('f-queue').value.trim();
    const type = $('f-type') ? $('f-type').value.trim() : '';
    location.hash = tasksHash({ ...listQuery, queue, type, offset: 0 });
  }

  async function loadList(first) {
    if (!listQuery) return;
    const q = listQuery;
    const p = new URLSearchParams({ offset: q.offset, limit: q.limit });
    if (q.deadOnly) p.set('state', 'dead'); else if (q.state) p.set('state', q.state);
    if (q.queue) p.set('queue', q.queue);
    if (q.type && !q.deadOnly) p.set('type', q.type);
    const seq = ++state.listSeq;
    try {
      const page = await getJson('tasks?' + p.toString());
      if (seq !== state.listSeq || q !== listQuery) return; // a newer request or another view won
      renderList(page, q);
    } catch (e) {
      if (first || e.status === 400) replace($('task-list'), h('div', { class: 'empty bad-text', text: e.message }));
    }
  }

  function renderList(page, q) {
    const list = $('task-list');
    if (!list) return;
    if (!page.tasks.length) {
      replace(list, h('div', { class: 'empty', text: q.deadOnly ? 'No dead letters. Every task either succeeded or is still being tried.' : 'No task matches.' }));
    } else {
      replace(list, h('table', { class: 'table tasks' },
        h('thead', null, h('tr', null,
          h('th', { text: 'Task' }), h('th', { text: 'Type' }), h('th', { text: 'Queue' }), h('th', { text: 'State' }),
          h('th', { class: 'num', text: 'Attempts' }), h('th', { text: 'Created' }), h('th', { text: q.deadOnly ? 'Error' : 'Finished / due' }),
          state.config.readOnly ? null : h('th', { class: 'actions', text: '' }))),
        h('tbody', null, page.tasks.map((t) => h('tr', { 'data-task': t.id, 'data-state': t.state },
          h('td', null, h('a', { class: 'mono strong', href: '#/tasks/' + t.id, text: shortId(t.id) })),
          h('td', { class: 'mono small', text: t.type }),
          h('td', { class: 'small', text: t.queue }),
          h('td', null, pill(t.state), t.cancelRequested ? h('span', { class: 'tag', text: 'cancel requested' }) : null),
          h('td', { class: 'num', text: t.attempt + '/' + t.maxAttempts }),
          h('td', { class: 'small muted', text: time(t.createdAt) }),
          h('td', { class: 'small' + (t.error ? ' bad-text ellipsis' : ' muted'), title: t.error || '', text: t.error || (t.finishedAt ? time(t.finishedAt) : (t.dueAt ? 'due ' + time(t.dueAt) : '—')) }),
          state.config.readOnly ? null : h('td', { class: 'actions' }, rowActions(t)))))));
    }
    const pager = $('pager');
    const from = page.total === 0 ? 0 : page.offset + 1, to = page.offset + page.tasks.length;
    replace(pager,
      h('span', { class: 'muted small', text: page.total === 0 ? '' : `${from}–${to} of ${num(page.total)}` }),
      h('span', { class: 'spacer' }),
      h('a', { class: 'btn btn-small' + (page.offset <= 0 ? ' disabled' : ''), href: tasksHash({ ...q, offset: Math.max(0, page.offset - page.limit) }), text: '← Newer' }),
      h('a', { class: 'btn btn-small' + (to >= page.total ? ' disabled' : ''), href: tasksHash({ ...q, offset: page.offset + page.limit }), text: 'Older →' }));
  }

  function rowActions(t) {
    const buttons = [];
    if (t.state === 'dead' || t.state === 'cancelled') buttons.push(h('button', { class: 'btn btn-small btn-primary', 'data-action': 'retry', onclick: () => act(t.id, 'retry'), text: 'Retry' }));
    if (['scheduled', 'queued', 'retrying', 'running'].includes(t.state) && !t.cancelRequested) buttons.push(h('button', { class: 'btn btn-small', 'data-action': 'cancel', onclick: () => act(t.id, 'cancel'), text: 'Cancel' }));
    if (t.state !== 'running') buttons.push(h('button', { class: 'btn btn-small btn-danger-ghost', 'data-action': 'delete', onclick: () => act(t.id, 'delete'), text: 'Delete' }));
    return buttons;
  }

  // ---- Enqueue form --------------------------------------------------------------------------------------------------

  function toggleEnqueue() {
    const slot = $('enqueue-slot');
    if (slot.firstChild) { slot.replaceChildren(); return; }
    const error = h('div', { class: 'form-error', id: 'enqueue-error' });
    const form = h('form', { class: 'enqueue', id: 'enqueue-form', onsubmit: async (e) => {
      e.preventDefault();
      error.textContent = '';
      let payload;
      try { payload = JSON.parse($('e-payload').value || 'null'); } catch (ex) { error.textContent = 'Payload is not valid JSON: ' + ex.message; return; }
      const body = { type: $('e-type').value.trim(), payload };
      const queue = $('e-queue').value.trim();
      if (queue) body.queue = queue;
      const attempts = $('e-attempts').value.trim();
      if (attempts) body.maxAttempts = Number(attempts);
      const delay = $('e-delay').value.trim();
      if (delay) body.delaySeconds = Number(delay);
      try {
        const result = await post('tasks', body);
        toast('Enqueued task ' + shortId(result.id), 'ok');
        slot.replaceChildren();
        refreshSoon();
      } catch (ex) {
        error.textContent = ex.message;
      }
    } },
    h('div', { class: 'form-row' },
      h('label', null, 'Type', h('input', { id: 'e-type', required: true, placeholder: 'reports.generate', autocomplete: 'off' })),
      h('label', null, 'Queue', h('input', { id: 'e-queue', placeholder: 'default', autocomplete: 'off', list: 'queue-names' })),
      h('label', { class: 'narrow' }, 'Max attempts', h('input', { id: 'e-attempts', type: 'number', min: 1, max: 1000, placeholder: 'default' })),
      h('label', { class: 'narrow' }, 'Delay (s)', h('input', { id: 'e-delay', type: 'number', min: 0, step: 'any', placeholder: '0' }))),
    h('label', { class: 'block' }, 'Payload (JSON)', h('textarea', { id: 'e-payload', rows: 4, spellcheck: 'false', class: 'mono' }, '{}')),
    h('div', { class: 'form-row' }, h('button', { class: 'btn btn-primary', type: 'submit', id: 'e-submit', text: 'Enqueue' }), error));
    slot.appendChild(form);
    $('e-type').focus();
  }

  // ---- Task detail ---------------------------------------------------------------------------------------------------

  function viewTask(app, id) {
    app.append(h('div', { id: 'task-detail' }, h('div', { class: 'card empty', text: 'Loading task ' + id + '…' })));
    subscribeTask(id);
    loadDetail(true);
  }

  let detailSeq = 0;
  async function loadDetail(first) {
    const id = state.detailId;
    if (!id) return;
    const seq = ++detailSeq;
    try {
      const task = await getJson('tasks/' + id);
      if (seq !== detailSeq || id !== state.detailId) return;
      renderDetail(task);
    } catch (e) {
      if (seq !== detailSeq) return;
      if (first || e.status === 404) replace($('task-detail'), h('section', { class: 'card' }, h('div', { class: 'empty bad-text', text: e.message }), h('a', { href: '#/tasks', class: 'btn', text: '← All tasks' })));
    }
  }

  function kv(label, value, cls) {
    return [h('dt', { text: label }), h('dd', { class: cls || '' }, value === null || value === undefined || value === '' ? '—' : value)];
  }

  function jsonBlock(value) {
    return h('pre', { class: 'json' }, value === null || value === undefined ? 'null' : JSON.stringify(value, null, 2));
  }

  function renderDetail(t) {
    const el = $('task-detail');
    if (!el) return;
    const actions = state.config.readOnly ? [] : rowActions(t).map((b) => { b.classList.remove('btn-small'); return b; });
    const prog = state.progress[t.id];
    const header = h('section', { class: 'card' },
      h('div', { class: 'detail-head' },
        h('div', null,
          h('a', { href: '#/tasks', class: 'muted-link small', text: '← Tasks' }),
          h('h1', null, h('span', { class: 'mono', text: t.type }), ' ', pill(t.state), t.cancelRequested ? h('span', { class: 'tag', text: 'cancel requested' }) : null),
          h('div', { class: 'mono muted small', text: t.id })),
        h('div', { class: 'detail-actions' }, actions)),
      h('div', { id: 'progress-slot' }),
      h('dl', { class: 'kv' },
        kv('Queue', h('a', { href: '#/tasks?queue=' + encodeURIComponent(t.queue), text: t.queue })),
        kv('Attempts', t.attempt + ' of ' + t.maxAttempts),
        kv('Created', time(t.createdAt)),
        kv(t.terminal ? 'Finished' : 'Due', t.terminal ? time(t.finishedAt) : (t.dueAt ? time(t.dueAt) : 'now')),
        kv('Timeout', t.timeoutSeconds === null ? 'worker default' : ms(t.timeoutSeconds * 1000)),
        kv('Lease', t.leaseOwner ? t.leaseOwner + ' until ' + time(t.leaseExpiresAt) : null, 'mono small'),
        kv('Idempotency key', t.idempotencyKey, 'mono small'),
        kv('Trace', t.traceParent, 'mono small')));
    const body = h('div', { class: 'grid-2' },
      h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', { text: 'Payload' })), jsonBlock(t.payload)),
      h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', { text: t.lastError && t.state !== 'succeeded' ? 'Last error' : 'Result' })),
        t.lastError && t.state !== 'succeeded'
          ? [h('div', { class: 'error-type mono', text: t.lastError.type }), h('div', { class: 'error-message', text: t.lastError.message }), t.lastError.stackTrace ? h('pre', { class: 'stack' }, t.lastError.stackTrace) : null]
          : (t.state === 'succeeded' ? jsonBlock(t.result) : h('div', { class: 'empty', text: 'No result yet.' }))));
    const timeline = h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', { text: 'Attempts' }), h('span', { class: 'muted small', text: t.timeline.length + ' so far' })),
      t.timeline.length === 0 ? h('div', { class: 'empty', text: 'Not claimed by a worker yet.' }) :
        h('ol', { class: 'timeline' }, t.timeline.map((a) => h('li', { class: 'tl-item tl-' + (a.outcome || 'running') },
          h('div', { class: 'tl-head' },
            h('span', { class: 'strong', text: '#' + a.number }),
            h('span', { class: 'pill pill-' + outcomeClass(a.outcome), text: a.outcome || 'running' }),
            h('span', { class: 'mono small', text: a.workerId }),
            h('span', { class: 'muted small', text: time(a.startedAt) + (a.endedAt ? ' → ' + time(a.endedAt) : ' → …') }),
            h('span', { class: 'small', text: a.durationMs === null ? '' : ms(a.durationMs) })),
          a.error ? h('div', { class: 'tl-error' }, h('span', { class: 'mono strong', text: a.error.type + ': ' }), a.error.message,
            a.error.stackTrace ? h('details', null, h('summary', { text: 'stack trace' }), h('pre', { class: 'stack' }, a.error.stackTrace)) : null) : null))));
    // Keep open stack traces open across live refreshes.
    const open = [...el.querySelectorAll('details')].map((d) => d.open);
    el.replaceChildren(header, body, timeline);
    [...el.querySelectorAll('details')].forEach((d, i) => { if (open[i]) d.open = true; });
    if (prog && !t.terminal) renderProgress(prog);
  }

  const outcomeClass = (o) => ({ succeeded: 'succeeded', failed: 'retrying', 'timed-out': 'retrying', dead: 'dead', cancelled: 'cancelled', released: 'queued', 'lease-expired': 'dead' })[o] || 'running';

  function renderProgress(p) {
    const slot = $('progress-slot');
    if (!slot) return;
    const bar = h('div', { class: 'bar bar-large' }, h('div', { class: 'bar-fill' }));
    bar.firstChild.style.width = (p.percent === null ? 100 : Math.max(0, Math.min(100, p.percent))) + '%';
    if (p.percent === null) bar.classList.add('indeterminate');
    replace(slot, h('div', { class: 'progress' }, bar, h('span', { class: 'small', id: 'progress-text', text: (p.percent === null ? '' : Math.round(p.percent) + '% ') + (p.message || '') })));
  }

  // ---- Start ---------------------------------------------------------------------------------------------------------

  async function init() {
    try {
      state.config = await getJson('config');
    } catch (e) {
      showError('Cannot load the dashboard configuration: ' + e.message);
    }
    $('brand-title').textContent = state.config.title;
    if (state.config.metricsUrl) { const m = $('metrics-link'); m.href = state.config.metricsUrl; m.hidden = false; m.textContent = 'Metrics'; }
    window.addEventListener('hashchange', route);
    route();
    await loadOverview();
    connect();
    setInterval(tick, Math.max(500, state.config.pollIntervalMs || 2000));
  }

  init();
})();
