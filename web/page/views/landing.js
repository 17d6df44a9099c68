// 平台展示页: the public landing page. Aggregates only, as the public
// principal sees them (docs/overview.md, "What the public may learn"):
// cells of 1 to 9 enterprises come back withheld and are shown as "—".
import { get } from '../api.js';
import { bars } from '../charts.js';
import { count, fill, h } from '../dom.js';

export async function landing(main) {
  const a = await get('/api/public');
  const province = a.facets.province.buckets;
  const zones = a.facets.zone.buckets.filter((b) => b.count !== 0).slice(0, 20);
  const bins = a.facets.score.bins;
  const coverage = a.qualification_coverage;
  const withheld = [province, zones, coverage].some((list) => list.some((b) => b.count === null))
    || bins.some((b) => b.count === null);
  const charts = {
    province: h('div.chart.tall'), zone: h('div.chart.tall'), coverage: h('div.chart'), score: h('div.chart'),
  };
  fill(main, 
    h('section.hero',
      h('h1', '企业创新积分制'),
      h('p', '企业创新积分制以企业的研发投入、知识产权、人才、成长等创新指标为依据，按同类企业（同一发展阶段与行业）比较计分，'
        + '为政府精准支持、金融机构授信和企业自我改进提供量化依据。下列为全国汇总数据，不涉及任何单个企业。'),
      h('p.stat', '参评企业 ', h('strong', { id: 'total' }, count(a.total)), ' 家')),
    h('div.grid',
      h('section.card', h('h2', '各省企业分布'), charts.province),
      h('section.card', h('h2', '国家高新区企业分布（前 20）'), charts.zone),
      h('section.card', h('h2', '企业资质覆盖情况'), charts.coverage),
      h('section.card', h('h2', '积分分布'), charts.score)),
    withheld ? h('p.muted', '“—”：不足 10 家企业的统计格不公开，以免推算出单个企业的数据。') : null);
  bars(charts.province, { labels: province.map((b) => b.label), values: province.map((b) => b.count), horizontal: true });
  bars(charts.zone, { labels: zones.map((b) => b.label), values: zones.map((b) => b.count), horizontal: true });
  bars(charts.coverage, {
    labels: coverage.map((b) => b.value), values: coverage.map((b) => (b.share === null ? null : +(b.share * 100).toFixed(1))),
    unit: '%', horizontal: true,
  });
  bars(charts.score, { labels: bins.map((b) => `${b.min}–${b.max}`), values: bins.map((b) => b.count) });
}
