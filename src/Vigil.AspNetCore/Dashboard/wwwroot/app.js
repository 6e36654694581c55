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
    listSubs: new Set(),
    watching: new Set(),
    queueStats: null,
    queueStatsAt: 0,
    queueWindow: 60,
    showInternal: readSetting('vigil.showInternal') === '1',
  };

  // The "show internal" choice (probe tasks, private queues) outlives the page, like a filter a person set on purpose.
  function readSetting(key) {
    try { return window.localStorage.getItem(key); } catch { return null; }
  }

  function writeSetting(key, value) {
    try { window.localStorage.setItem(key, value); } catch { /* private mode: the choice lasts for this page only */ }
  }

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
      for (const el of document.querySelectorAll('[data-progress-for]')) {
        if (el.getAttribute('data-progress-for') === p.taskId) replace(el, rowProgress(p));
      }
    });
    connection.on('taskState', (m) => {
      if (state.view === 'task' && state.detailId === m.taskId) loadDetail(false);
      if ((state.view === 'tasks' || state.view === 'dead') && state.listSubs.has(m.taskId)) loadList(false);
    });
    connection.on('systemEvent', () => refreshSoon());
    connection.onreconnecting(() => { state.watching.clear(); setLive(false, 'reconnecting…'); });
    connection.onreconnected(() => { setLive(true); resubscribe(); });
    connection.onclose(() => { state.watching.clear(); setLive(false, 'polling'); setTimeout(() => start(connection), 5000); });
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
    for (const id of state.listSubs) subscribeTask(id);
  }

  /** Watches the running tasks shown in the list (at most a few, each costs the server a state poll) for their progress. */
  const MAX_LIST_SUBSCRIPTIONS = 10;
  function syncListSubscriptions(ids) {
    const want = new Set(ids.slice(0, MAX_LIST_SUBSCRIPTIONS));
    for (const id of state.listSubs) if (!want.has(id) && id !== state.detailId) unsubscribeTask(id);
    for (const id of want) if (!state.listSubs.has(id)) subscribeTask(id);
    state.listSubs = want;
  }

  async function subscribeTask(id) {
    const c = state.connection;
    if (!c || c.state !== 'Connected') return;
    try {
      await c.invoke('SubscribeTask', id);
      state.watching.add(id);
      markWatching(id);
    } catch { /* the page still polls the task */ }
  }

  function unsubscribeTask(id) {
    const c = state.connection;
    state.watching.delete(id);
    if (c && c.state === 'Connected' && id) c.invoke('UnsubscribeTask', id).catch(() => {});
  }

  /** Marks what shows a task's progress as live once the server sends it to this page (data-live, a tooltip). */
  function markWatching(id) {
    const els = [...document.querySelectorAll('[data-progress-for]')].filter((el) => el.getAttribute('data-progress-for') === id);
    if (state.view === 'task' && state.detailId === id && $('progress-slot')) els.push($('progress-slot'));
    for (const el of els) {
      el.setAttribute('data-live', 'true');
      el.title = 'progress arrives live from the worker';
    }
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
    if (changed && state.view === 'queues' && Date.now() - state.queueStatsAt > 4000) loadQueueStats();
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
    if (state.view === 'queues' && Date.now() - state.queueStatsAt > 10000) loadQueueStats();
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
    if (previous && previous !== state.detailId && !state.listSubs.has(previous)) unsubscribeTask(previous);
    if (view !== 'tasks' && view !== 'dead') { listQuery = null; syncListSubscriptions([]); }
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
      section('Probes', h('span', { class: 'muted small', text: 'sentinel tasks sent through each queue and to each worker' }), h('div', { id: 'probes-table' })),
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
      replace($('probes-table'), probesTable(o.probes || []));
      replace($('workers-table'), workersTable(o.workers, true));
    } else if (state.view === 'queues') {
      replace($('queues-full'), queuesTable(o.queues.filter((q) => state.showInternal || !q.isPrivate), false));
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
        const flag = w.gone ? 'gone' : (w.stale ? 'stale' : null);
        return h('tr', { class: flag ? 'row-bad' : '', 'data-worker': w.workerId },
          h('td', null, h('div', { class: 'strong mono', text: w.workerId }), h('div', { class: 'muted small', text: w.host + ' · pid ' + w.processId + (w.version ? ' · v' + w.version.split('+')[0] : ''), title: w.version || null })),
          h('td', null, h('span', { class: 'pill pill-' + (flag ? 'dead' : (w.status === 'running' ? 'succeeded' : 'retrying')), text: flag || w.status, title: w.gone ? 'no heartbeat for ' + age(w.heartbeatAgeSeconds) + ': killed, crashed or cut off; its leases are taken over by the living workers' : null })),
          compact ? null : h('td', { class: 'small', text: w.queues.join(', ') }),
          h('td', { class: 'num ' + (w.stale ? 'bad' : ageClass(w.heartbeatAgeSeconds, 15, 30)), text: age(w.heartbeatAgeSeconds) }),
          h('td', { class: 'num ' + ageClass(w.loopTickAgeSeconds, 15, 60), text: age(w.loopTickAgeSeconds) }),
          w.gone
            ? h('td', { class: 'small muted', title: 'at its last heartbeat; its leases are taken over by the living workers', text: 'had ' + w.inFlight + '/' + w.concurrency })
            : h('td', null, h('div', { class: 'inflight' }, bar, h('span', { class: 'small', text: w.inFlight + '/' + w.concurrency }))),
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
      state.stats = await getJson('stats?minutes=60' + (state.showInternal ? '&internal=true' : ''));
      renderStats();
      if (state.overview && state.view === 'overview') renderTiles(state.overview);
    } catch (e) {
      replace($('chart-throughput'), h('div', { class: 'empty', text: 'Statistics unavailable: ' + e.message }));
    }
  }

  function renderStats() {
    if (!state.stats || state.view !== 'overview') return;
    const series = state.stats.series;
    replace($('chart-throughput'), VigilCharts.bar(series, [
      { key: 'succeeded', label: 'succeeded', cls: 'c-good' },
      { key: 'failed', label: 'failed', cls: 'c-bad' },
    ], { label: 'Throughput per minute', empty: 'No task finished in the last hour.' }));
    replace($('chart-latency'), VigilCharts.line(series, [
      { key: 'avgRunMs', label: 'avg run', cls: 'c-accent' },
      { key: 'maxRunMs', label: 'max run', cls: 'c-accent-2', dashed: true },
      { key: 'avgWaitMs', label: 'avg wait', cls: 'c-warn' },
    ], { label: 'Run and wait time per minute', empty: 'No run in the last hour.' }, ms));
  }

  // ---- Probes --------------------------------------------------------------------------------------------------------

  const probePill = (st) => ({ ok: 'succeeded', pending: 'queued', missed: 'dead', failed: 'retrying' })[st] || 'scheduled';

  function probesTable(probes) {
    if (!probes.length) {
      return h('div', { class: 'empty', text: 'No probe has run yet. The sentinel (AddVigilObservability(); on in vigil server and vigil worker) sends one through every queue and to every worker each interval.' });
    }
    return h('table', { class: 'table probes' },
      h('thead', null, h('tr', null,
        h('th', { text: 'Target' }), h('th', { text: 'State' }), h('th', { class: 'num', text: 'Last latency' }),
        h('th', { class: 'num', text: 'Last success' }), h('th', { class: 'num', text: 'Waiting' }), h('th', { class: 'num', text: 'Deadline' }),
        h('th', { text: 'Reason' }))),
      h('tbody', null, probes.map((p) => h('tr', { 'data-probe': p.target, 'data-state': p.state, class: p.state === 'missed' ? 'row-bad' : '' },
        h('td', null, h('span', { class: 'tag tag-kind', text: p.kind }), ' ',
          p.kind === 'worker' ? h('span', { class: 'mono strong', text: p.workerId }) : h('a', { class: 'strong', href: '#/tasks?queue=' + encodeURIComponent(p.queue), text: p.queue })),
        h('td', null, h('span', { class: 'pill pill-' + probePill(p.state), text: p.state })),
        h('td', { class: 'num probe-latency', text: ms(p.lastLatencyMs) }),
        h('td', { class: 'num muted' }, p.lastSucceededAt ? h('span', { 'data-since': p.lastSucceededAt }, since(p.lastSucceededAt)) : 'never'),
        h('td', { class: 'num ' + (p.pendingSeconds === null ? 'muted' : ageClass(p.pendingSeconds, p.deadlineMs / 2000, p.deadlineMs / 1000)), text: p.pendingSeconds === null ? '—' : age(p.pendingSeconds) }),
        h('td', { class: 'num muted', text: ms(p.deadlineMs) }),
        h('td', { class: 'small probe-reason' + (p.status === 'Healthy' ? ' muted' : ' bad-text'), text: p.reason })))));
  }

  // ---- Per-queue statistics ------------------------------------------------------------------------------------------

  async function loadQueueStats() {
    state.queueStatsAt = Date.now();
    try {
      state.queueStats = await getJson('stats/queues?minutes=' + state.queueWindow + (state.showInternal ? '&internal=true' : ''));
      renderQueueCharts();
    } catch (e) {
      replace($('queue-charts'), h('div', { class: 'empty bad-text', text: 'Statistics unavailable: ' + e.message }));
    }
  }

  function renderQueueCharts() {
    const el = $('queue-charts');
    if (!el || !state.queueStats) return;
    const queues = state.queueStats.queues;
    if (!queues.length) {
      replace(el, h('div', { class: 'empty', text: 'No task was enqueued or finished in this window.' }));
      return;
    }
    // At most 60 bars per chart: a longer window sums neighbouring minutes (averages weighted by their counts).
    replace(el, queues.map((q) => {
      const series = VigilCharts.downsample(q.series, 60);
      const t = q.totals;
      return h('div', { class: 'queue-chart', 'data-queue-chart': q.queue },
        h('div', { class: 'queue-chart-head' },
          h('a', { class: 'strong', href: '#/tasks?queue=' + encodeURIComponent(q.queue), text: q.queue }),
          q.isPrivate ? h('span', { class: 'tag', text: 'private' }) : null,
          h('span', { class: 'muted small queue-chart-totals', 'data-succeeded': t.succeeded, 'data-failed': t.failed, 'data-dead': t.dead },
            num(t.succeeded) + ' succeeded · ' + num(t.failed) + ' failed · ' + num(t.dead) + ' dead · wait ' + ms(t.avgWaitMs) + ' · run ' + ms(t.avgRunMs) + ' on average')),
        h('div', { class: 'grid-2 queue-chart-row' },
          h('div', { class: 'chart chart-outcomes' }, VigilCharts.bar(series, [
            { key: 'succeeded', label: 'succeeded', cls: 'c-good' },
            { key: 'failed', label: 'failed attempts', cls: 'c-warn' },
            { key: 'dead', label: 'dead', cls: 'c-bad' },
          ], { width: 460, height: 150, small: true, label: q.queue + ': outcomes per minute', empty: 'Nothing finished in this window.' })),
          h('div', { class: 'chart chart-times' }, VigilCharts.line(series, [
            { key: 'avgWaitMs', label: 'avg wait', cls: 'c-warn' },
            { key: 'avgRunMs', label: 'avg run', cls: 'c-accent' },
            { key: 'maxRunMs', label: 'max run', cls: 'c-accent-2', dashed: true },
          ], { width: 460, height: 150, small: true, label: q.queue + ': wait and run time per minute', empty: 'No run in this window.' }, ms))));
    }));
  }

  // ---- Internal tasks ------------------------------------------------------------------------------------------------

  function internalToggle() {
    return h('label', { class: 'small muted check', title: 'The sentinel\'s probe tasks (vigil.probe) and the workers\' private queues (_worker.*)' },
      h('input', { type: 'checkbox', id: 'show-internal', checked: state.showInternal, onchange: (e) => setShowInternal(e.target.checked) }), ' show internal');
  }

  function setShowInternal(on) {
    state.showInternal = on;
    writeSetting('vigil.showInternal', on ? '1' : '0');
    state.statsAt = 0;
    if (state.view === 'tasks' || state.view === 'dead') loadList(true);
    if (state.view === 'queues') { renderOverviewParts(); loadQueueStats(); }
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
    const windows = [[60, 'last hour'], [360, 'last 6 hours'], [1440, 'last 24 hours']];
    const select = h('select', { id: 'queue-window', onchange: (e) => { state.queueWindow = Number(e.target.value); loadQueueStats(); } },
      windows.map(([m, label]) => h('option', { value: m, selected: m === state.queueWindow, text: label })));
    app.append(
      section('Queues', internalToggle(), h('div', { id: 'queues-full' })),
      section('Per queue', h('label', { class: 'small muted check' }, 'succeeded, failed and dead per minute; wait and run time —', select),
        h('div', { id: 'queue-charts', class: 'queue-charts' }, h('div', { class: 'empty', text: 'Loading…' }))));
    renderOverviewParts();
    if (state.queueStats) renderQueueCharts();
    loadQueueStats();
  }

  function viewWorkers(app) {
    app.append(section('Workers', h('span', { class: 'muted small', text: 'stale: no heartbeat for three intervals; gone: killed or crashed (shown until the health report forgets it); a clean stop leaves at once' }), h('div', { id: 'workers-full' })));
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
      internalToggle(),
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
    if (state.showInternal) p.set('internal', 'true');
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
    syncListSubscriptions(page.tasks.filter((t) => t.state === 'running').map((t) => t.id));
    if (!page.tasks.length) {
      replace(list, h('div', { class: 'empty', text: q.deadOnly ? 'No dead letters. Every task either succeeded or is still being tried.' : 'No task matches.' }));
    } else {
      replace(list, h('table', { class: 'table tasks' },
        h('thead', null, h('tr', null,
          h('th', { text: 'Task' }), h('th', { text: 'Type' }), h('th', { text: 'Queue' }), h('th', { text: 'State' }),
          h('th', { class: 'num', text: 'Attempts' }), h('th', { text: 'Created' }), h('th', { text: q.deadOnly ? 'Error' : 'Progress / finished / due' }),
          state.config.readOnly ? null : h('th', { class: 'actions', text: '' }))),
        h('tbody', null, page.tasks.map((t) => h('tr', { 'data-task': t.id, 'data-state': t.state },
          h('td', null, h('a', { class: 'mono strong', href: '#/tasks/' + t.id, text: shortId(t.id) })),
          h('td', { class: 'mono small', text: t.type }),
          h('td', { class: 'small', text: t.queue }),
          h('td', null, pill(t.state), t.cancelRequested ? h('span', { class: 'tag', text: 'cancel requested' }) : null),
          h('td', { class: 'num', text: t.attempt + '/' + t.maxAttempts }),
          h('td', { class: 'small muted', text: time(t.createdAt) }),
          t.state === 'running' && !q.deadOnly
            ? h('td', { class: 'small', 'data-progress-for': t.id }, rowProgress(state.progress[t.id]))
            : h('td', { class: 'small' + (t.error ? ' bad-text ellipsis' : ' muted'), title: t.error || '', text: t.error || (t.finishedAt ? time(t.finishedAt) : (t.dueAt ? 'due ' + time(t.dueAt) : '—')) }),
          state.config.readOnly ? null : h('td', { class: 'actions' }, rowActions(t)))))));
    }
    for (const t of page.tasks) if (state.watching.has(t.id)) markWatching(t.id);
    const pager = $('pager');
    const from = page.total === 0 ? 0 : page.offset + 1, to = page.offset + page.tasks.length;
    replace(pager,
      h('span', { class: 'muted small', text: page.total === 0 ? '' : `${from}–${to} of ${num(page.total)}` }),
      h('span', { class: 'spacer' }),
      h('a', { class: 'btn btn-small' + (page.offset <= 0 ? ' disabled' : ''), href: tasksHash({ ...q, offset: Math.max(0, page.offset - page.limit) }), text: '← Newer' }),
      h('a', { class: 'btn btn-small' + (to >= page.total ? ' disabled' : ''), href: tasksHash({ ...q, offset: page.offset + page.limit }), text: 'Older →' }));
  }

  /** A running task's last progress in a list row, or a hint that none came since the page opened. */
  function rowProgress(p) {
    if (!p) return h('span', { class: 'muted', text: 'running…' });
    const bar = h('div', { class: 'bar' }, h('div', { class: 'bar-fill' }));
    bar.firstChild.style.width = (p.percent === null ? 100 : Math.max(0, Math.min(100, p.percent))) + '%';
    if (p.percent === null) bar.classList.add('indeterminate');
    return h('div', { class: 'inflight row-progress' }, bar,
      h('span', { class: 'small', text: (p.percent === null ? '' : Math.round(p.percent) + '% ') + (p.message || '') }));
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
    const c = state.config;
    const error = h('div', { class: 'form-error', id: 'enqueue-error' });
    const value = (id) => $(id).value.trim();
    const form = h('form', { class: 'enqueue', id: 'enqueue-form', onsubmit: async (e) => {
      e.preventDefault();
      error.textContent = '';
      let payload;
      try { payload = JSON.parse($('e-payload').value || 'null'); } catch (ex) { error.textContent = 'Payload is not valid JSON: ' + ex.message; return; }
      const body = { type: value('e-type'), payload };
      if (value('e-queue')) body.queue = value('e-queue');
      if (value('e-attempts')) body.maxAttempts = Number(value('e-attempts'));
      if (value('e-timeout')) body.timeoutSeconds = Number(value('e-timeout'));
      if (value('e-delay')) body.delaySeconds = Number(value('e-delay'));
      if (value('e-at')) {
        // datetime-local is the browser's local time; the API takes an absolute time.
        const at = new Date(value('e-at'));
        if (isNaN(at.getTime())) { error.textContent = 'Run at is not a valid time.'; return; }
        body.scheduledAt = at.toISOString();
      }
      if (value('e-key')) body.idempotencyKey = value('e-key');
      try {
        const result = await post('tasks', body);
        toast('Enqueued task ' + shortId(result.id) + (body.idempotencyKey ? ' (key ' + body.idempotencyKey + ')' : ''), 'ok');
        slot.replaceChildren();
        refreshSoon();
      } catch (ex) {
        error.textContent = ex.message;
      }
    } },
    h('div', { class: 'form-row' },
      h('label', null, 'Type', h('input', { id: 'e-type', required: true, placeholder: c.taskTypes && c.taskTypes.length ? c.taskTypes[0] : 'reports.generate', autocomplete: 'off', list: 'type-names' })),
      h('datalist', { id: 'type-names' }, (c.taskTypes || []).map((t) => h('option', { value: t }))),
      h('label', null, 'Queue', h('input', { id: 'e-queue', placeholder: c.defaultQueue || 'default', autocomplete: 'off', list: 'queue-names' })),
      h('label', { class: 'narrow' }, 'Max attempts', h('input', { id: 'e-attempts', type: 'number', min: 1, max: 1000, placeholder: String(c.defaultMaxAttempts || 'default') })),
      h('label', { class: 'narrow' }, 'Timeout (s)', h('input', { id: 'e-timeout', type: 'number', min: 0.001, step: 'any', placeholder: c.defaultTimeoutSeconds ? String(c.defaultTimeoutSeconds) : 'default' }))),
    h('div', { class: 'form-row' },
      h('label', { class: 'narrow' }, 'Delay (s)', h('input', { id: 'e-delay', type: 'number', min: 0, step: 'any', placeholder: '0' })),
      h('label', null, 'or run at (your time)', h('input', { id: 'e-at', type: 'datetime-local', step: 1 })),
      h('label', null, 'Idempotency key', h('input', { id: 'e-key', placeholder: 'none', autocomplete: 'off', maxlength: 200 })),
      h('span', { class: 'muted small form-hint', text: 'a key returns the id of the unfinished task that has it instead of enqueuing twice' })),
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
    if (state.watching.has(t.id)) markWatching(t.id);
    if (prog && !t.terminal) renderProgress(prog);
    else if (t.state === 'running') {
      replace($('progress-slot'), h('div', { class: 'progress muted small', id: 'progress-text', text: 'No progress reported since this page opened: progress is pushed live as the handler reports it, not stored.' }));
    }
  }

  const outcomeClass = (o) => ({ succeeded: 'succeeded', failed: 'retrying', 'timed-out': 'retrying', dead: 'dead', cancelled: 'cancelled', released: 'queued', 'lease-expired': 'dead' })[o] || 'running';

  function renderProgress(p) {
    const slot = $('progress-slot');
    if (!slot) return;
    const bar = h('div', { class: 'bar bar-large' }, h('div', { class: 'bar-fill' }));
    bar.firstChild.style.width = (p.percent === null ? 100 : Math.max(0, Math.min(100, p.percent))) + '%';
    if (p.percent === null) bar.classList.add('indeterminate');
    replace(slot, h('div', { class: 'progress' }, bar,
      h('span', { class: 'small', id: 'progress-text', text: (p.percent === null ? '' : Math.round(p.percent) + '% ') + (p.message || '') }),
      h('span', { class: 'muted small', text: 'reported ' + time(p.at) })));
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
