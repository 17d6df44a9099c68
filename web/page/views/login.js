// 登录: user name, password and the 验证码 the server draws. A throttled
// login (429) says how long to wait.
import { get, login } from '../api.js';
import { fill, h } from '../dom.js';

export async function loginPage(main, done) {
  let captchaId = '';
  const img = h('img.captcha', { alt: '验证码', title: '看不清？点击换一张' });
  const message = h('p.error', { role: 'alert', hidden: true });
  async function newCaptcha() {
    const c = await get('/api/captcha');
    captchaId = c.id;
    img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(c.svg);
  }
  img.addEventListener('click', newCaptcha);
  const user = h('input', { name: 'username', autocomplete: 'username', required: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const captcha = h('input', { name: 'captcha', inputmode: 'numeric', autocomplete: 'off', required: true, size: 6 });
  const form = h('form.card.login', { onsubmit: submit },
    h('h1', '用户登录'),
    h('label', '用户名', user),
    h('label', '密码', password),
    h('label', '验证码', h('span.captcha-row', captcha, img)),
    message,
    h('button', { type: 'submit' }, '登录'));
  async function submit(event) {
    event.preventDefault();
    message.hidden = true;
    try {
      await login(user.value.trim(), password.value, captchaId, captcha.value.trim());
      done();
    } catch (e) {
      message.textContent = e.status === 429 ? `登录失败次数过多，请 ${e.retryAfter} 秒后再试。` : e.message;
      message.hidden = false;
      password.value = '';
      captcha.value = '';
      await newCaptcha();
    }
  }
  fill(main, form);
  await newCaptcha();
  user.focus();
}
