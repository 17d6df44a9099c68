// The reference portal's page: a hash router over the views, the nav by
// role, the session. Each view draws into <main> from the server's JSON
// API; the server decides what the session's principal may see.
import { loadSession, logout, roleNames, session } from './api.js';
import { fill, h, problem } from './dom.js';
import { detail } from './views/detail.js';
import { estimatePage, recordPage } from './views/estimate.js';
import { landing } from './views/landing.js';
import { loginPage } from './views/login.js';
import { overview } from './views/overview.js';

const main = document.getElementById('main');

// The routes: #/ (public), #/login, #/overview, #/enterprise/<code>,
// #/estimate, #/estimate/<id>. A page that needs a session sends the
// public to the login.
function route() {
  const [, name = '', arg = ''] = location.hash.match(/^#\/([^/]*)\/?(.*)$/) || [];
  const role = session.principal && session.principal.role;
  if (name === 'login') return loginPage(main, () => { nav(); location.hash = home(); });
  if (name === '') return landing(main);
  if (!role) { location.hash = '#/login'; return null; }
  if (name === 'overview') return role === 'enterprise' ? detail(main, session.principal.code) : overview(main);
  if (name === 'enterprise') return detail(main, decodeURIComponent(arg));
  if (name === 'estimate') return arg ? recordPage(main, decodeURIComponent(arg)) : estimatePage(main);
  main.replaceChildren(h('p.error', '没有该页面。'));
  return null;
}

function home() {
  if (!session.principal) return '#/';
  return session.principal.role === 'enterprise' ? `#/enterprise/${session.principal.code}` : '#/overview';
}

function nav() {
  const role = session.principal && session.principal.role;
  const link = (href, text) => h('a', { href, class: location.hash === href ? 'on' : null }, text);
  fill(document.getElementById('nav'),
    link('#/', '平台展示'),
    role && role !== 'enterprise' ? link('#/overview', '企业总览') : null,
    role === 'enterprise' ? link(home(), '我的企业') : null,
    role ? link('#/estimate', '测算分数') : null);
  fill(document.getElementById('who'), ...(role
    ? [`${session.user}（${roleNames[role]}${session.principal.code ? ' · ' + session.principal.code : ''}）`,
      h('button.link', { id: 'logout', onclick: async () => { await logout(); nav(); location.hash = '#/'; } }, '退出')]
    : [h('a', { href: '#/login', id: 'login-link' }, '登录')]));
}

async function show() {
  nav();
  main.dataset.view = (location.hash.match(/^#\/([^/]*)/) || [])[1] || 'landing';
  main.removeAttribute('data-ready');
  window.scrollTo(0, 0);  // a new screen starts at its top
  try {
    await route();
  } catch (e) {
    if (e.status === 401) { await loadSession(); location.hash = '#/login'; return; }
    main.replaceChildren(problem(e));
  }
  main.dataset.ready = 'true';  // for the browser tests: the view has drawn
}

window.addEventListener('hashchange', show);
loadSession().then(show, (e) => main.replaceChildren(problem(e)));
