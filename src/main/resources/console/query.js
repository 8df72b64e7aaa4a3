// Filters, query strings, routes and paging of the events list: pure logic, no DOM.

/** The filters of GET /admin/events and POST /admin/replay, in the order the UI shows them. */
export const FILTER_FIELDS = ['account', 'status', 'type', 'since', 'until'];

export const STATUSES = ['pending', 'retrying', 'delivered', 'skipped', 'dead'];

export const PAGE_SIZES = [25, 50, 100, 250];
export const DEFAULT_PAGE_SIZE = 50;

/** One click away from the header. */
export const SAVED_VIEWS = [
  { name: 'Dead', filters: { status: 'dead' } },
  { name: 'Retrying', filters: { status: 'retrying' } },
  { name: 'Pending', filters: { status: 'pending' } },
  { name: 'All events', filters: {} },
];

/** Only the known filters, trimmed, the empty ones left out, in FILTER_FIELDS order. */
export function normalizeFilters(filters) {
  const normalized = {};
  for (const field of FILTER_FIELDS) {
    const value = filters?.[field];
    if (typeof value === 'string' && value.trim() !== '') {
      normalized[field] = value.trim();
    }
  }
  return normalized;
}

/** The query string of GET /admin/events for these filters, page size and cursor. */
export function filtersToQuery(filters, { limit, after } = {}) {
  const params = new URLSearchParams();
  for (const [field, value] of Object.entries(normalizeFilters(filters))) {
    params.set(field, value);
  }
  if (limit) {
    params.set('limit', String(limit));
  }
  if (after) {
    params.set('after', after);
  }
  return params.toString();
}

/** The body of POST /admin/replay for these filters (ids, when given, narrow it to those events). */
export function replayBody(filters, { ids, dryRun } = {}) {
  const body = normalizeFilters(filters);
  if (ids && ids.length > 0) {
    body.ids = [...ids];
  }
  body.dryRun = Boolean(dryRun);
  return body;
}

/** The filters as an operator reads them, such as "status=dead, type=invoice.*". */
export function describeFilters(filters) {
  const parts = Object.entries(normalizeFilters(filters)).map(([field, value]) => `${field}=${value}`);
  return parts.length === 0 ? 'all events' : parts.join(', ');
}

/** The location hash of the events list with these filters. */
export function listHash(filters, limit) {
  const params = new URLSearchParams(filtersToQuery(filters));
  if (limit && limit !== DEFAULT_PAGE_SIZE) {
    params.set('limit', String(limit));
  }
  const query = params.toString();
  return query === '' ? '#/events' : `#/events?${query}`;
}

/** The location hash of one event. */
export function eventHash(account, id) {
  return `#/event/${encodeURIComponent(account)}/${encodeURIComponent(id)}`;
}

/**
 * What a location hash shows: {view: 'events', filters, limit} or {view: 'event', account, id}.
 * Anything unknown shows the events list.
 */
export function parseRoute(hash) {
  const text = (hash || '').replace(/^#/, '');
  const event = /^\/event\/([^/]+)\/([^/]+)$/.exec(text);
  if (event) {
    try {
      return { view: 'event', account: decodeURIComponent(event[1]), id: decodeURIComponent(event[2]) };
    } catch {
      return { view: 'events', filters: {}, limit: DEFAULT_PAGE_SIZE };
    }
  }
  const query = text.startsWith('/events?') ? text.slice('/events?'.length) : '';
  const params = new URLSearchParams(query);
  const filters = {};
  for (const field of FILTER_FIELDS) {
    if (params.has(field)) {
      filters[field] = params.get(field);
    }
  }
  const limit = Number.parseInt(params.get('limit') ?? '', 10);
  return {
    view: 'events',
    filters: normalizeFilters(filters),
    limit: PAGE_SIZES.includes(limit) ? limit : DEFAULT_PAGE_SIZE,
  };
}

/**
 * Where the operator is in the pages of one listing. The API hands out a "next" cursor per page;
 * the cursors of the pages seen are kept so that "Previous" is a reload of a known page.
 */
export class Pager {
  constructor() {
    this.reset();
  }

  /** Back to the first page, as when the filters change. */
  reset() {
    this.cursors = [null];
    this.index = 0;
  }

  /** The "after" value that loads the current page (null for the first). */
  get after() {
    return this.cursors[this.index];
  }

  /** The current page, counted from 1. */
  get page() {
    return this.index + 1;
  }

  get hasPrevious() {
    return this.index > 0;
  }

  get hasNext() {
    return this.cursors.length > this.index + 1;
  }

  /** Records the "next" cursor the current page came with (null or absent on the last page). */
  received(next) {
    this.cursors.length = this.index + 1;
    if (next) {
      this.cursors.push(next);
    }
  }

  /** Moves to the next page; false when there is none. */
  next() {
    if (!this.hasNext) {
      return false;
    }
    this.index += 1;
    return true;
  }

  /** Moves to the previous page; false on the first. */
  previous() {
    if (!this.hasPrevious) {
      return false;
    }
    this.index -= 1;
    return true;
  }
}
