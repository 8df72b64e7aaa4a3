// The admin API, with the operator's bearer token. The token lives in this tab's sessionStorage
// and travels only in the Authorization header: never in a URL, a cookie or a log line.

const TOKEN_KEY = 'paybridge.console.adminToken';

/** An answer of the admin API other than 2xx, with its {"error","message"} when it gave one. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }

  get unauthorized() {
    return this.status === 401;
  }
}

export class AdminApi {
  constructor(storage = window.sessionStorage) {
    this.storage = storage;
  }

  get token() {
    return this.storage.getItem(TOKEN_KEY);
  }

  set token(value) {
    this.storage.setItem(TOKEN_KEY, value);
  }

  forgetToken() {
    this.storage.removeItem(TOKEN_KEY);
  }

  /** The console's own settings: whether the admin API wants a token. */
  async settings() {
    return this.#json(await fetch('/console/settings.json', { cache: 'no-store', credentials: 'omit' }));
  }

  /** GET /admin/<path>?<query> */
  async get(path, query = '') {
    const url = `/admin/${path}${query ? `?${query}` : ''}`;
    return this.#json(await fetch(url, { headers: this.#headers(), cache: 'no-store', credentials: 'omit' }));
  }

  /** POST /admin/<path> with a JSON body. */
  async post(path, body) {
    const headers = this.#headers();
    headers['Content-Type'] = 'application/json';
    return this.#json(await fetch(`/admin/${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    }));
  }

  /** The service's Prometheus metrics (public on the management port, so no token). */
  async metrics() {
    const response = await fetch('/q/metrics', { cache: 'no-store', credentials: 'omit' });
    if (!response.ok) {
      throw new ApiError(response.status, 'metrics_unavailable', `the metrics answered ${response.status}`);
    }
    return response.text();
  }

  #headers() {
    const headers = { Accept: 'application/json' };
    const token = this.token;
    if (token) {
      headers.Authorization = `Bearer ${token}`;
    }
    return headers;
  }

  async #json(response) {
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    if (!response.ok) {
      throw new ApiError(response.status, body?.error ?? 'http_' + response.status,
        body?.message ?? `the service answered ${response.status}`);
    }
    return body;
  }
}
