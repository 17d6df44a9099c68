// 企业详情: basic facts, ranks at every level, and for whoever may see them
// the reasons (against the peer group's median), the path to the list
// threshold (70) and the ledger (government roles only; an enterprise sees
// its own page without the ledger).
import { query, session } from '../api.js';
import { count, fill, h, table } from '../dom.js';

const levelNames = { national: '全国', province: '省内', city: '市内', county: '区县内', zone: '高新区内',
  incubator: '孵化器内', peer_group: '同类企业中' };

const number = (v) => (v === null || v === undefined ? '—' : Number(v).toLocaleString('zh-CN', { maximumFractionDigits: 2 }));

export async function detail(main, creditCode) {
  const d = await query({ kind: 'detail', credit_code: creditCode });
  const e = d.enterprise;
  const facts = [
    ['统一社会信用代码', e.credit_code], ['所在地区', e.region_name], ['国家高新区', e.zone || '—'],
    ['孵化器', e.incubator || '—'], ['行业', e.industry_name || '—'], ['技术领域', e.tech_fields.join('、') || '—'],
    ['资质', e.qualifications.join('、') || '—'], ['成立日期', e.founded || '—'], ['发展阶段', e.stage],
  ];
  fill(main, 
    session.principal.role === 'enterprise' ? null
      : h('p', h('a', { href: '#/overview', onclick: (ev) => { ev.preventDefault(); history.back(); } }, '‹ 返回')),
    h('h1', e.name, ' ', h('span.score', e.score, ' 分'), ' ', h('span.grade', `评价 ${e.grade}`)),
    h('div.grid',
      h('section.card', h('h2', '基本信息'), h('dl.facts', facts.map(([k, v]) => [h('dt', k), h('dd', v)]))),
      h('section.card', h('h2', '排名'), table(['范围', '单位', '名次'], d.ranks.map((r) => [
        levelNames[r.level] || r.level, r.label, `${count(r.rank)} / ${count(r.of)}`])))),
    d.reasons ? reasons(d.reasons) : null,
    d.path ? path(d.path) : null,
    d.ledger ? ledger(d.ledger) : null);
}

function reasons(r) {
  const side = (title, items, cls) => h(`section.card.${cls}`, h('h2', title),
    items.length ? h('ul.reasons', items.map((x) => h('li', x.text_zh))) : h('p.muted', '无'));
  return h('div.grid', { id: 'reasons' }, side('优势（高于同类企业中位数）', r.strengths, 'strengths'),
    side('不足（低于同类企业中位数）', r.weaknesses, 'weaknesses'));
}

function path(p) {
  const head = p.reached
    ? h('p', `当前积分 ${p.score} 分，已达到 ${p.target} 分。`)
    : h('p', `当前积分 ${p.score} 分，距 ${p.target} 分还差 ${(Number(p.target) - Number(p.score)).toFixed(2)} 分。`
      + '下表为只改变一个指标、其余不变时所需达到的值（上限为同类企业中的最大值）；'
      + '努力度为相对今天数值的增幅（今天为零或缺失时，为占到上限空间的比例）。');
  const rows = p.reached ? [] : p.single.map((s) => [
    s.name, `${number(s.current)} ${s.unit}`,
    s.reachable ? `${number(s.value)} ${s.unit}` : '单独无法达到',
    s.reachable ? `${(s.effort * 100).toFixed(1)}%` : '—', s.reachable ? s.score : '—']);
  // Effort (docs/analysis.md): the relative increase over today's value, or
  // for a value missing, zero or negative the share of the room up to the cap.
  return h('section.card.wide', { id: 'path' }, h('h2', `达到 ${p.target} 分的路径`), head,
    rows.length ? table(['指标', '当前值', '需达到', '努力度', '届时积分'], rows) : null);
}

function ledger(l) {
  return h('section.card.wide', { id: 'ledger' }, h('h2', '积分明细'),
    h('p', `同类企业：${l.peer_group}。基础分 ${l.base.toFixed(2)}，加分 ${l.bonus.toFixed(2)}，减分 ${l.deduction.toFixed(2)}`
      + `${l.veto ? '（一票否决）' : ''}，合计 ${l.total.toFixed(2)}，公布积分 ${l.score}。`),
    table(['指标', '填报值', '同类企业数', '标准化值', '权重', '得分'], l.indicators.map((i) => [
      i.name, i.missing ? '未填报' : `${number(i.raw)} ${i.unit}`, count(i.peers),
      i.normalized === null ? '—' : i.normalized.toFixed(3), number(i.weight), i.points.toFixed(2)])),
    l.bonus_items.length ? h('p', '加分项：', l.bonus_items.map((b) => `${b.name} +${b.points}`).join('；')) : null,
    l.negative_items && l.negative_items.length ? h('p', '减分项：', l.negative_items.map((b) => `${b.name} ${b.points}`).join('；')) : null);
}
