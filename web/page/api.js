// The server's JSON API (docs/serve.md). The session lives in an HttpOnly
// cookie the page never reads; the page keeps only the CSRF token that
// /api/me and /api/login hand it, and sends it on every state-changing
// request. The principal of a query always comes from the session.

export const session = { user: null, principal: null, csrf: '' };

export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    super((body && body.error && body.error.message) || `HTTP ${status}`);
    this.status = status;
    this.code = body && body.error && body.error.code;
    this.retryAfter = retryAfter;
  }
}

async function call(method, path, body, headers = {}) {
  const init = { method, headers: { ...headers }, credentials: 'same-origin' };
  if (session.csrf && method !== 'GET') init.headers['X-CSRF-Token'] = session.csrf;
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) throw new ApiError(res.status, data, Number(res.headers.get('Retry-After')) || 0);
  return data;
}

export const get = (path) => call('GET', path);

/** A query document of any kind (docs/overview.md), without a principal. */
export const query = (doc) => call('POST', '/api/query', doc);

/** Reads who is logged in (none: the public). */
export async function loadSession() {
  try {
    const me = await get('/api/me');
    Object.assign(session, { user: me.username, principal: me.principal, csrf: me.csrf });
  } catch (e) {
    if (e.status !== 401) throw e;
    Object.assign(session, { user: null, principal: null, csrf: '' });
  }
  return session;
}

export async function login(username, password, captchaId, captcha) {
  const me = await call('POST', '/api/login', { username, password, captcha_id: captchaId, captcha });
  Object.assign(session, { user: me.username, principal: me.principal, csrf: me.csrf });
  return me;
}

/** Ends the session; one the server no longer knows (expired, or the
 * server restarted) is ended here all the same. */
export async function logout() {
  try {
    await call('POST', '/api/logout');
  } catch (e) {
    if (e.status !== 401 && e.status !== 403) throw e;
  } finally {
    Object.assign(session, { user: null, principal: null, csrf: '' });
  }
}

/** An upload (.xlsx or .csv) estimated for the session, kept as a record. */
export function estimate(file) {
  const form = new FormData();
  form.append('file', file);
  return call('POST', '/api/estimate', form);
}

/** The download address of the whole list under `filters`. */
export function exportUrl(filters, format = 'xlsx') {
  const params = new URLSearchParams({ format, sort: 'score', filters: JSON.stringify(filters) });
  return `/api/export?${params}`;
}

/** The roles' names as the manual has them. */
export const roleNames = {
  torch_center: '火炬中心', province: '省级管理员', city: '市级管理员', county: '区县管理员',
  zone: '高新区管理员', incubator: '孵化器管理员', enterprise: '企业用户', public: '公众',
};
