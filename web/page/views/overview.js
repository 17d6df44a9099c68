// 企业总览: the ranking (企业榜单) with its drill-down 省→市→区县 and the
// zone dimension, the ring charts of 技术领域 and 一级行业 and the bars of
// 企业评价 and 发展阶段 that filter on click, the score distribution, and
// the list (企业列表) with its count, paging and, by permission, export.
// Every number comes from one overview query for the session's principal;
// the engine applies the scope and each facet ignores its own filter, so
// a clicked ring still shows the other values.
import { exportUrl, query, session } from '../api.js';
import { bars, ring } from '../charts.js';
import { count, fill, h, problem, table } from '../dom.js';

const filterNames = {
  tech_fields: '技术领域', industries: '行业', grades: '评价', stages: '发展阶段', regions: '地区', zones: '高新区',
  name_contains: '名称含',
};
const facetFilters = { tech_field: 'tech_fields', industry: 'industries', grade: 'grades', stage: 'stages' };
const levelNames = { national: '全国', province: '省', city: '市', county: '区县', zone: '高新区' };

export function overview(main) {
  // seq: the latest request; an older answer arriving late is dropped.
  const state = { filters: {}, dimension: 'region', trail: [], page: 1, labels: { regions: {}, zones: {} }, seq: 0 };
  const el = {
    chips: h('div.chips'), ranking: h('div'), trail: h('nav.trail'),
    tech: h('div.chart'), industry: h('div.chart'), grade: h('div.chart.short'), stage: h('div.chart.short'),
    score: h('div.chart.short'), list: h('div'), total: h('span'), error: h('div'),
  };
  const search = h('input', { type: 'search', placeholder: '企业名称', name: 'name' });
  const dimension = (d, label) => h('button.tab', { dataset: { dimension: d }, onclick: () => {
    state.dimension = d;
    state.trail = [];
    refresh();
  } }, label);
  fill(main, 
    h('h1', '企业总览 ', h('small', '共 ', el.total, ' 家企业')),
    el.error,
    h('div.toolbar', el.chips,
      h('form.search', { onsubmit: (e) => {
        e.preventDefault();
        toggle('name_contains', search.value.trim(), true);
      } }, search, h('button', '搜索'))),
    h('div.grid',
      h('section.card', h('h2', '企业榜单 ', dimension('region', '区域'), dimension('zone', '高新区')), el.trail, el.ranking),
      h('section.card', h('h2', '技术领域'), el.tech),
      h('section.card', h('h2', '一级行业'), el.industry),
      h('section.card', h('h2', '企业评价'), el.grade),
      h('section.card', h('h2', '发展阶段'), el.stage),
      h('section.card', h('h2', '积分分布'), el.score)),
    h('section.card.wide', el.list));

  // Adds or removes one value of a filter; `only` replaces the filter.
  function toggle(member, value, only) {
    if (member === 'name_contains') {
      if (value) state.filters.name_contains = value;
      else delete state.filters.name_contains;
    } else {
      const values = new Set(only ? [] : state.filters[member] || []);
      if (values.has(value)) values.delete(value);
      else values.add(value);
      if (values.size) state.filters[member] = [...values];
      else delete state.filters[member];
    }
    state.page = 1;
    refresh();
  }

  async function refresh() {
    const parent = state.trail.length ? state.trail[state.trail.length - 1].key : undefined;
    const doc = {
      kind: 'overview', filters: state.filters,
      facets: ['tech_field', 'industry', 'grade', 'stage', 'score'],
      ranking: { by: state.dimension, top: 0, order_by: 'count', ...(parent ? { parent } : {}) },
      list: { page: state.page, page_size: 20 },
    };
    const seq = ++state.seq;
    let a;
    try {
      a = await query(doc);
    } catch (e) {
      if (seq !== state.seq || !main.isConnected) return;
      chips();
      el.error.replaceChildren(problem(e));
      return;
    }
    if (seq !== state.seq || !main.isConnected) return;  // a newer request, or another screen
    el.error.replaceChildren();
    main.dataset.loaded = String(Date.now());
    el.total.textContent = count(a.total);
    const facet = Object.fromEntries(a.facets ? Object.entries(a.facets) : []);
    // What each filter's values are called on the charts (industry C is
    // 制造业, grade C is C): per filter, for the chips and the list.
    for (const [name, member] of Object.entries(facetFilters))
      for (const b of facet[name].buckets) (state.labels[member] ||= {})[b.value] = b.label;
    chips();
    for (const b of main.querySelectorAll('button.tab')) b.classList.toggle('on', b.dataset.dimension === state.dimension);
    rankingView(a.ranking);
    ring(el.tech, facet.tech_field.buckets, (v) => toggle('tech_fields', v));
    ring(el.industry, facet.industry.buckets, (v) => toggle('industries', v));
    const grade = facet.grade.buckets;
    bars(el.grade, { labels: grade.map((b) => b.label), values: grade.map((b) => b.count), keys: grade.map((b) => b.value),
      selected: grade.map((b) => b.selected), onPick: (v) => toggle('grades', v) });
    const stage = facet.stage.buckets;
    bars(el.stage, { labels: stage.map((b) => b.label), values: stage.map((b) => b.count), keys: stage.map((b) => b.value),
      selected: stage.map((b) => b.selected), onPick: (v) => toggle('stages', v) });
    const bins = facet.score.bins;
    bars(el.score, { labels: bins.map((b) => `${b.min}–${b.max}`), values: bins.map((b) => b.count) });
    listView(a.list);
  }

  function chips() {
    const items = [];
    for (const [member, values] of Object.entries(state.filters)) {
      for (const v of [].concat(values)) {
        items.push(h('button.chip', { title: '取消此筛选', onclick: () => toggle(member, member === 'name_contains' ? '' : v) },
          `${filterNames[member]}：${(state.labels[member] || {})[v] || v} ×`));
      }
    }
    if (items.length) items.push(h('button.chip.clear', { onclick: () => { state.filters = {}; state.page = 1; refresh(); } }, '清除全部'));
    el.chips.replaceChildren(...items);
  }

  function rankingView(r) {
    if (!state.trail.length) state.top = state.dimension === 'zone' ? '全部高新区' : r.parent.label;
    const crumbs = [h('a', { href: '#/overview', onclick: (e) => { e.preventDefault(); state.trail = []; refresh(); } },
      state.top)];
    state.trail.forEach((node, i) => crumbs.push(' › ', h('a', { href: '#/overview', onclick: (e) => {
      e.preventDefault();
      state.trail = state.trail.slice(0, i + 1);
      refresh();
    } }, node.label)));
    el.trail.replaceChildren(...crumbs, h('span.muted', ` ${count(r.parent.count)} 家`));
    const nodes = r.nodes || [];
    const max = Math.max(1, ...nodes.map((n) => n.count));
    // A province or city drills into its children; a county, a parent's own
    // enterprises (本级) and a zone have none: a click there filters the
    // charts and the list to it instead.
    const drills = (n) => state.dimension === 'region' && n.level !== 'county' && !n.direct;
    const pick = (n) => (e) => {
      e.preventDefault();
      if (drills(n)) {
        state.trail.push({ key: n.key, label: n.label });
        refresh();
      } else {
        const member = state.dimension === 'zone' ? 'zones' : 'regions';
        state.labels[member][n.key] = n.label;
        toggle(member, n.key, true);
      }
    };
    el.ranking.replaceChildren(nodes.length ? h('div.scroll', table(['名称', '企业数', '平均分', '最高分'], nodes.map((n) => [
      h(drills(n) ? 'a.drill' : 'a.leaf', { href: '#/overview', dataset: { key: n.key }, title: drills(n) ? '下钻' : '筛选', onclick: pick(n) },
        n.label),
      h('span.barcell', h('span.bar', { style: `width:${(100 * n.count) / max}%` }), count(n.count)),
      n.mean === null ? '—' : n.mean.toFixed(2),
      n.max === null || n.max === undefined ? '—' : Number(n.max).toFixed(2),
    ]), { class: 'ranking' })) : h('p.muted', '没有下级单位。'));
  }

  function listView(list) {
    if (!list) return el.list.replaceChildren();
    const pages = Math.max(1, Math.ceil(list.total / list.page_size));
    const threshold = list.threshold && !['torch_center', 'zone', 'incubator'].includes(session.principal.role)
      ? `（积分 ≥ ${list.threshold} 的企业）` : '';
    const rankLabel = `${levelNames[list.rank_level] || ''}排名`;
    el.list.replaceChildren(
      h('h2', '企业列表 ', h('small', '共 ', h('span', { id: 'list-count' }, count(list.total)), ' 家', threshold),
        session.principal.can_export ? [
          h('a.button', { href: exportUrl(state.filters, 'xlsx'), download: 'enterprises.xlsx' }, '导出 Excel'),
          h('a.button.plain', { href: exportUrl(state.filters, 'csv'), download: 'enterprises.csv' }, '导出 CSV')] : null),
      table([rankLabel, '企业名称', '所在地区', '高新区', '行业', '发展阶段', '积分', '评价'], list.items.map((e) => [
        count(e.rank), h('a', { href: `#/enterprise/${e.credit_code}` }, e.name), e.region_name, e.zone || '—',
        state.labels.industries[e.industry] || e.industry || '—', e.stage, e.score, e.grade,
      ]), { class: 'list' }),
      h('div.pager',
        h('button', { disabled: state.page <= 1, onclick: () => { state.page -= 1; refresh(); } }, '上一页'),
        h('span', `第 ${state.page} / ${pages} 页`),
        h('button', { disabled: state.page >= pages, onclick: () => { state.page += 1; refresh(); } }, '下一页')));
  }

  return refresh();
}
