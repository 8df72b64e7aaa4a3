// The operator console: wires the admin API and the metrics to the page. Everything the API
// returns is written with textContent (dom.js), never as markup.

import { AdminApi, ApiError } from './api.js';
import { renderLagChart, renderStatusChart } from './chart.js';
import { el, replaceChildren } from './dom.js';
import { formatCount, formatDuration, formatLocal, formatRatio, formatUtc } from './format.js';
import { parsePrometheus, summarize } from './metrics.js';
import {
  DEFAULT_PAGE_SIZE, FILTER_FIELDS, PAGE_SIZES, Pager, SAVED_VIEWS, STATUSES,
  describeFilters, eventHash, filtersToQuery, listHash, parseRoute, replayBody,
} from './query.js';

const api = new AdminApi();
const $ = (id) => document.getElementById(id);

/** The chart's windows: how far back, and the bucket width that gives a readable number of bars. */
const WINDOWS = {
  '1h': { since: '1h', bucket: '5m', label: 'last hour' },
  '24h': { since: '24h', bucket: '1h', label: 'last 24 hours' },
  '7d': { since: '7d', bucket: '6h', label: 'last 7 days' },
};
const SUMMARY_EVERY_MS = 15000;
const EVENT_REFRESH_MS = 1000;
const EVENT_REFRESH_FOR_MS = 60000;
const DONE = ['delivered', 'skipped', 'dead'];
/** The Salesforce records table: each column's header beside what a record shows under it. */
const RECORD_COLUMNS = [
  ['sObject', (record) => el('td', {}, record.sobject)],
  ['External id field', (record) => el('td', {}, record.externalIdField)],
  ['External id', (record) => el('td', {}, record.externalId)],
  ['Salesforce id', (record) => el('td', { class: record.salesforceId ? 'salesforce-id' : 'muted' },
    record.salesforceId ?? 'not written yet')],
];

const state = {
  started: false,
  filters: {},
  limit: DEFAULT_PAGE_SIZE,
  listKey: null,
  listHash: '#/events',
  pager: new Pager(),
  events: [],
  /** "account\nid" -> {account, id} of the checked rows, kept across pages. */
  selected: new Map(),
  loads: 0,
  current: null,
  eventRefresh: null,
};

// --- start and token ------------------------------------------------------------------------------

async function boot() {
  buildControls();
  bindControls();
  let settings;
  try {
    settings = await api.settings();
  } catch (error) {
    notice(`The console cannot reach the service: ${error.message}`);
    return;
  }
  if (settings.tokenRequired && !api.token) {
    askForToken();
    return;
  }
  start();
}

function askForToken(message) {
  stopEventRefresh();
  $('app').hidden = true;
  $('forget-token').hidden = true;
  $('token-section').hidden = false;
  showError('token-error', message);
  $('token-input').focus();
}

async function useToken(event) {
  event.preventDefault();
  const value = $('token-input').value.trim();
  if (value === '') {
    return;
  }
  api.token = value;
  try {
    await api.get('events', 'limit=1');
  } catch (error) {
    if (error instanceof ApiError && error.unauthorized) {
      api.forgetToken();
      showError('token-error', 'The admin API refused this token (401 unauthorized). '
        + 'Check the value of paybridge.admin.token and enter it again.');
      $('token-input').select();
      return;
    }
  }
  $('token-input').value = '';
  $('token-section').hidden = true;
  showError('token-error', null);
  start();
}

function start() {
  $('app').hidden = false;
  $('forget-token').hidden = !api.token;
  if (!state.started) {
    state.started = true;
    window.addEventListener('hashchange', route);
    window.setInterval(refreshSummary, SUMMARY_EVERY_MS);
  }
  refreshSummary();
  refreshChart();
  route();
}

/** True when the failure was a refused token, now handled by asking for it again. */
function tokenRefused(error) {
  if (error instanceof ApiError && error.unauthorized) {
    api.forgetToken();
    askForToken('The admin API refused the token (401 unauthorized). Enter it again.');
    return true;
  }
  return false;
}

// --- routes -----------------------------------------------------------------------------------------

function route() {
  const target = parseRoute(window.location.hash);
  stopEventRefresh();
  if (target.view === 'event') {
    showEvent(target.account, target.id);
    return;
  }
  $('event-view').hidden = true;
  $('events-view').hidden = false;
  $('activity').hidden = false;
  state.listHash = window.location.hash || '#/events';
  const key = JSON.stringify([target.filters, target.limit]);
  if (key !== state.listKey) {
    state.listKey = key;
    state.filters = target.filters;
    state.limit = target.limit;
    state.pager.reset();
    state.selected.clear();
    fillFilterForm();
    closePanel($('replay-panel'));
  }
  markSavedView();
  loadEvents();
}

// --- summary and chart ----------------------------------------------------------------------------

async function refreshSummary() {
  let figures;
  try {
    figures = summarize(parsePrometheus(await api.metrics()));
  } catch (error) {
    replaceChildren($('summary-list'), figure('Metrics', `unavailable: ${error.message}`));
    return;
  }
  const items = [];
  for (const status of STATUSES) {
    const count = figures.counts?.[status];
    items.push(figure(status, count === undefined ? '—' : formatCount(count), `status-figure status-${status}`, `count-${status}`));
  }
  items.push(figure('oldest pending', figures.oldestPendingAgeSeconds ? formatDuration(figures.oldestPendingAgeSeconds) : 'none',
    null, 'oldest-pending'));
  items.push(figure('Salesforce circuit', figures.circuitOpen === null ? '—' : figures.circuitOpen ? 'open' : 'closed',
    figures.circuitOpen ? 'alarm' : null, 'circuit'));
  items.push(figure('Salesforce API usage', formatRatio(figures.apiUsageRatio),
    figures.apiUsageRatio >= 0.8 ? 'alarm' : null, 'api-usage'));
  items.push(figure('delivery lag (this replica)', figures.lag === null ? 'no deliveries yet'
    : `p50 ${lagBound(figures.lag.p50Seconds)}, p95 ${lagBound(figures.lag.p95Seconds)}`, null, 'lag'));
  if (figures.lastReconcile !== null) {
    items.push(reconcileFigure(figures.lastReconcile));
  }
  replaceChildren($('summary-list'), ...items);
  $('summary-updated').textContent = `from /q/metrics at ${formatLocal(new Date().toISOString())}`;
}

/** A quantile read from histogram buckets is a bound, not a value. */
function lagBound(seconds) {
  return seconds === Infinity ? 'beyond the largest bucket' : `≤ ${formatDuration(seconds)}`;
}

function reconcileFigure(accounts) {
  if (accounts.length === 0) {
    return figure('last reconciliation', 'none yet', 'alarm', 'reconcile');
  }
  // The stalest account is the one an operator must look at.
  const oldest = accounts[0];
  const node = figure('last reconciliation', timeNode(oldest.at), null, 'reconcile');
  node.title = accounts.map((entry) => `${entry.account}: ${formatUtc(entry.at)}`).join('\n');
  if (accounts.length > 1) {
    node.querySelector('dd').append(` (oldest of ${accounts.length} accounts: ${oldest.account})`);
  }
  return node;
}

function figure(label, value, className, name) {
  return el('div', { class: ['figure', className].filter(Boolean).join(' '), 'data-figure': name },
    el('dt', {}, label), el('dd', {}, value));
}

async function refreshChart() {
  const range = WINDOWS[$('range').value] ?? WINDOWS['24h'];
  try {
    const stats = await api.get('stats', new URLSearchParams({ since: range.since, bucket: range.bucket }).toString());
    renderStatusChart($('status-chart'), stats, range.label);
    renderLagChart($('lag-chart'), stats);
  } catch (error) {
    if (!tokenRefused(error)) {
      replaceChildren($('status-chart'), el('p', { class: 'error' }, `The chart cannot be drawn: ${error.message}`));
    }
  }
}

// --- the events list ------------------------------------------------------------------------------

async function loadEvents() {
  const load = ++state.loads;
  const query = filtersToQuery(state.filters, { limit: state.limit, after: state.pager.after });
  $('events-view').setAttribute('aria-busy', 'true');
  try {
    const page = await api.get('events', query);
    if (load !== state.loads) {
      return;
    }
    state.pager.received(page.next);
    state.events = page.events;
    showError('events-error', null);
    renderEvents();
  } catch (error) {
    if (load === state.loads && !tokenRefused(error)) {
      state.events = [];
      renderEvents();
      showError('events-error', error.message);
    }
  } finally {
    if (load === state.loads) {
      $('events-view').removeAttribute('aria-busy');
    }
  }
}

function renderEvents() {
  const rows = state.events.map(eventRow);
  if (rows.length === 0) {
    rows.push(el('tr', {}, el('td', { colspan: 8, class: 'empty' }, 'No event matches these filters.')));
  }
  replaceChildren($('events-body'), ...rows);
  $('events-caption').textContent = `${state.events.length} events on page ${state.pager.page}, `
    + `newest first: ${describeFilters(state.filters)}`;
  $('page-info').textContent = `Page ${state.pager.page}`;
  $('page-previous').disabled = !state.pager.hasPrevious;
  $('page-first').disabled = !state.pager.hasPrevious;
  $('page-next').disabled = !state.pager.hasNext;
  renderSelection();
}

function eventRow(event) {
  const checkbox = el('input', {
    type: 'checkbox', class: 'select-event', 'aria-label': `Select ${event.id}`, checked: state.selected.has(key(event)),
  });
  checkbox.addEventListener('change', () => {
    select(event, checkbox.checked);
    // Not a re-render of the table: the keyboard's focus stays on this checkbox.
    renderSelection();
  });
  return el('tr', { 'data-id': event.id, 'data-account': event.account, 'data-status': event.status },
    el('td', {}, checkbox),
    el('td', { class: 'nowrap' }, timeNode(event.created)),
    el('td', {}, statusBadge(event.status)),
    el('td', {}, event.type),
    el('td', {}, el('a', { href: eventHash(event.account, event.id), class: 'event-link' }, event.id)),
    el('td', {}, event.account),
    el('td', { class: 'number' }, String(event.attempts)),
    el('td', { class: 'last-error', title: event.lastError ?? null }, event.lastError ?? ''));
}

function select(event, selected) {
  if (selected) {
    state.selected.set(key(event), { account: event.account, id: event.id });
  } else {
    state.selected.delete(key(event));
  }
}

function renderSelection() {
  const onPage = state.events.filter((event) => state.selected.has(key(event)));
  $('select-page').checked = state.events.length > 0 && onPage.length === state.events.length;
  $('select-page').indeterminate = onPage.length > 0 && onPage.length < state.events.length;
  const count = state.selected.size;
  $('replay-selected').disabled = count === 0;
  $('replay-selected').textContent = count === 0 ? 'Replay selected…' : `Replay ${count} selected…`;
}

function key(event) {
  return `${event.account}\n${event.id}`;
}

function readFilterForm() {
  const form = $('filters');
  const filters = {};
  for (const field of FILTER_FIELDS) {
    filters[field] = form.elements[field].value;
  }
  return { filters, limit: Number.parseInt(form.elements.limit.value, 10) };
}

function fillFilterForm() {
  const form = $('filters');
  for (const field of FILTER_FIELDS) {
    form.elements[field].value = state.filters[field] ?? '';
  }
  form.elements.limit.value = String(state.limit);
}

function applyFilters(event) {
  event.preventDefault();
  const { filters, limit } = readFilterForm();
  const hash = listHash(filters, limit);
  if (hash === window.location.hash) {
    // Same filters again: a fresh look from the first page.
    state.pager.reset();
    loadEvents();
  } else {
    window.location.hash = hash;
  }
}

function markSavedView() {
  const current = listHash(state.filters);
  for (const link of $('saved-views').querySelectorAll('a')) {
    if (link.getAttribute('href') === current) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
}

// --- one event --------------------------------------------------------------------------------------

async function showEvent(account, id) {
  $('events-view').hidden = true;
  $('activity').hidden = true;
  $('event-view').hidden = false;
  $('back-to-list').href = state.listHash;
  closePanel($('event-replay-panel'));
  state.current = { account, id };
  $('event-title').textContent = id;
  replaceChildren($('event-fields'));
  replaceChildren($('event-records-body'));
  $('event-payload').textContent = '';
  await loadEvent();
  $('event-title').focus();
}

async function loadEvent() {
  const { account, id } = state.current;
  try {
    const detail = await api.get(`events/${encodeURIComponent(account)}/${encodeURIComponent(id)}`);
    if (state.current?.account === account && state.current?.id === id) {
      showError('event-error', null);
      renderEvent(detail);
    }
    return detail;
  } catch (error) {
    if (!tokenRefused(error)) {
      showError('event-error', error.status === 404 ? `No event ${id} is stored for account ${account}.` : error.message);
    }
    return null;
  }
}

function renderEvent(detail) {
  const due = detail.status === 'pending' || detail.status === 'retrying';
  const fields = [
    field('Account', detail.account, 'account'),
    field('Event id', detail.id, 'id'),
    field('Type', detail.type, 'type'),
    field('Status', statusBadge(detail.status), 'status'),
    field('Attempts', String(detail.attempts), 'attempts'),
    field('Next attempt', due ? timeNode(detail.nextAttemptAt) : '—', 'next-attempt'),
    field('Created', timeNode(detail.created), 'created'),
    field('Received', timeNode(detail.receivedAt), 'received'),
    field('Object', [detail.objectType, detail.objectId].filter(Boolean).join(' ') || '—', 'object'),
    field('Last error', detail.lastError ? el('span', { class: 'last-error-full' }, detail.lastError) : 'none', 'last-error'),
  ];
  if (detail.mappingError) {
    fields.push(field('Mapping error', detail.mappingError, 'mapping-error'));
  }
  replaceChildren($('event-fields'), ...fields);
  const records = (detail.records ?? []).map((record) => el('tr', {}, RECORD_COLUMNS.map(([, cell]) => cell(record))));
  if (records.length === 0) {
    records.push(el('tr', {}, el('td', { colspan: RECORD_COLUMNS.length, class: 'empty' },
      'The current routes map this event to no record.')));
  }
  replaceChildren($('event-records-body'), ...records);
  $('event-payload').textContent = JSON.stringify(detail.payload, null, 2);
}

function field(label, value, name) {
  return el('div', { class: 'field-row' }, el('dt', {}, label), el('dd', { 'data-field': name }, value));
}

/** After a replay, the event is shown again every second until delivery is over for it. */
function startEventRefresh() {
  stopEventRefresh();
  const until = Date.now() + EVENT_REFRESH_FOR_MS;
  const tick = async () => {
    const detail = await loadEvent();
    if (detail && DONE.includes(detail.status) || Date.now() > until) {
      state.eventRefresh = null;
      return;
    }
    state.eventRefresh = window.setTimeout(tick, EVENT_REFRESH_MS);
  };
  state.eventRefresh = window.setTimeout(tick, EVENT_REFRESH_MS);
}

function stopEventRefresh() {
  if (state.eventRefresh !== null) {
    window.clearTimeout(state.eventRefresh);
    state.eventRefresh = null;
  }
}

// --- replay: a dry run, then a confirmation -------------------------------------------------------

/**
 * Replays what bodies select (one POST /admin/replay each): first as a dry run that shows how many
 * events match, then for real once the operator confirms.
 */
async function replayFlow(panel, what, bodies, onReplayed) {
  panel.hidden = false;
  replaceChildren(panel, el('p', {}, `Dry run for ${what}…`));
  let matched = 0;
  try {
    for (const body of bodies) {
      matched += (await api.post('replay', { ...body, dryRun: true })).matched;
    }
  } catch (error) {
    if (!tokenRefused(error)) {
      replaceChildren(panel, el('p', { class: 'error', role: 'alert' }, `The dry run failed: ${error.message}`), closeButton(panel));
    }
    return;
  }
  if (matched === 0) {
    replaceChildren(panel, el('p', { class: 'dry-run', 'data-matched': 0 }, `Dry run: no event matches ${what}. Nothing to replay.`),
      closeButton(panel));
    return;
  }
  const events = matched === 1 ? '1 event' : `${formatCount(matched)} events`;
  const confirm = el('button', { type: 'button', class: 'danger confirm-replay' }, `Replay ${events}`);
  const cancel = el('button', { type: 'button', class: 'quiet' }, 'Cancel');
  replaceChildren(panel,
    el('p', { class: 'dry-run', 'data-matched': matched },
      `Dry run: ${events} ${matched === 1 ? 'matches' : 'match'} ${what}. Replaying puts `
      + `${matched === 1 ? 'it' : 'them'} back to pending with attempts reset; `
      + 'an event older than what Salesforce already shows ends skipped.'),
    el('div', { class: 'actions' }, confirm, cancel));
  cancel.addEventListener('click', () => closePanel(panel));
  confirm.addEventListener('click', async () => {
    confirm.disabled = true;
    cancel.disabled = true;
    const total = { matched: 0, replayed: 0 };
    try {
      for (const body of bodies) {
        const result = await api.post('replay', { ...body, dryRun: false });
        total.matched += result.matched;
        total.replayed += result.replayed;
      }
    } catch (error) {
      if (!tokenRefused(error)) {
        replaceChildren(panel, el('p', { class: 'error', role: 'alert' }, `The replay failed: ${error.message}`), closeButton(panel));
      }
      return;
    }
    const busy = total.matched - total.replayed;
    replaceChildren(panel,
      el('p', { class: 'replay-result', role: 'status', 'data-replayed': total.replayed },
        `Replayed ${formatCount(total.replayed)} of ${formatCount(total.matched)} matching events.`
        + (busy > 0 ? ` ${busy} were being delivered at that moment and were left to that delivery.` : '')),
      closeButton(panel));
    panel.querySelector('button').focus();
    onReplayed?.(total);
  });
  confirm.focus();
}

function closeButton(panel) {
  const button = el('button', { type: 'button', class: 'quiet' }, 'Close');
  button.addEventListener('click', () => closePanel(panel));
  return button;
}

function closePanel(panel) {
  panel.hidden = true;
  replaceChildren(panel);
}

function replaySelected() {
  const byAccount = new Map();
  for (const { account, id } of state.selected.values()) {
    byAccount.set(account, [...(byAccount.get(account) ?? []), id]);
  }
  const bodies = [...byAccount.entries()].map(([account, ids]) => replayBody({ account }, { ids }));
  const count = state.selected.size;
  replayFlow($('replay-panel'), count === 1 ? 'the selected event' : `the ${count} selected events`, bodies, () => {
    state.selected.clear();
    loadEvents();
  });
}

function replayFilter() {
  replayFlow($('replay-panel'), `the filter (${describeFilters(state.filters)})`, [replayBody(state.filters)], () => loadEvents());
}

function replayEvent() {
  const { account, id } = state.current;
  replayFlow($('event-replay-panel'), `event ${id}`, [replayBody({ account }, { ids: [id] })], startEventRefresh);
}

// --- shared bits ----------------------------------------------------------------------------------

function timeNode(iso) {
  if (!iso) {
    return '—';
  }
  return el('time', { datetime: iso, title: formatUtc(iso) }, formatLocal(iso));
}

function statusBadge(status) {
  return el('span', { class: `status status-${status}` }, status);
}

function showError(id, message) {
  const node = $(id);
  node.textContent = message ?? '';
  node.hidden = !message;
}

function notice(message) {
  $('notice').textContent = message;
  $('notice').hidden = false;
}

function buildControls() {
  replaceChildren($('saved-views'), ...SAVED_VIEWS.map((view) =>
    el('a', { href: listHash(view.filters), class: 'saved-view', 'data-view': view.name }, view.name)));
  $('filter-status').append(...STATUSES.map((status) => el('option', { value: status }, status)));
  replaceChildren($('filter-limit'), ...PAGE_SIZES.map((size) => el('option', { value: size }, String(size))));
  $('filter-limit').value = String(DEFAULT_PAGE_SIZE);
  replaceChildren($('event-records-head'), ...RECORD_COLUMNS.map(([header]) => el('th', { scope: 'col' }, header)));
  $('event-title').setAttribute('tabindex', '-1');
}

function bindControls() {
  $('token-form').addEventListener('submit', useToken);
  $('forget-token').addEventListener('click', () => {
    api.forgetToken();
    askForToken();
  });
  $('refresh-summary').addEventListener('click', () => {
    refreshSummary();
    refreshChart();
  });
  $('range').addEventListener('change', refreshChart);
  $('filters').addEventListener('submit', applyFilters);
  $('clear-filters').addEventListener('click', () => {
    window.location.hash = '#/events';
  });
  $('page-next').addEventListener('click', () => state.pager.next() && loadEvents());
  $('page-previous').addEventListener('click', () => state.pager.previous() && loadEvents());
  $('page-first').addEventListener('click', () => {
    state.pager.reset();
    loadEvents();
  });
  $('select-page').addEventListener('change', () => {
    for (const event of state.events) {
      select(event, $('select-page').checked);
    }
    renderEvents();
  });
  $('replay-selected').addEventListener('click', replaySelected);
  $('replay-filter').addEventListener('click', replayFilter);
  $('replay-event').addEventListener('click', replayEvent);
  $('refresh-event').addEventListener('click', loadEvent);
}

boot();
