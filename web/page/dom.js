// The few DOM helpers the views share. Text from the server only ever goes
// into textContent or attributes, never into innerHTML: an enterprise name
// cannot inject markup.

/** h('div.card', {onclick}, child, 'text', ...): an element. */
export function h(tag, attrs, ...children) {
  const [name, ...classes] = tag.split('.');
  const el = document.createElement(name);
  if (classes.length) el.className = classes.join(' ');
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** Replaces the children of `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  for (const child of children.flat(Infinity)) if (child !== null && child !== undefined && child !== false) el.append(child);
  return el;
}

/** 12345 → "12,345"; null (a withheld cell) → "—". */
export function count(n) {
  return n === null || n === undefined ? '—' : Number(n).toLocaleString('zh-CN');
}

/** A table from header labels and rows of cells. */
export function table(headers, rows, attrs) {
  return h('table', attrs || {}, h('thead', h('tr', headers.map((t) => h('th', t)))),
    h('tbody', rows.map((cells) => h('tr', cells.map((c) => h('td', c))))));
}

// What a refusal's code means, in the page's language; the server's own
// message follows it.
const refusals = {
  not_found: '没有找到：不存在，或不在您的查看范围内。',
  forbidden: '您的角色无权查看此内容。',
  bad_request: '请求有误。',
  unauthenticated: '请先登录。',
  internal: '服务器内部错误，请联系管理员。',
};

/** An error box: what the refusal means, then the server's message. */
export function problem(error) {
  return h('div.error', { role: 'alert' }, h('p', refusals[error.code] || '出错了。'),
    h('p.muted', error.message || String(error)));
}
