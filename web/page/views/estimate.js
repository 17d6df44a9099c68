// 测算分数: the template download, an upload (.xlsx or .csv) estimated for
// the session, the 测算记录 kept by the server, and one record's
// 企业测算详情 (its rows, refusals and downloads).
import { estimate, get } from '../api.js';
import { count, fill, h, problem, table } from '../dom.js';

const statusNames = { registered: '在库企业（实际积分）', estimated: '测算' };

export async function estimatePage(main) {
  const file = h('input', { type: 'file', name: 'file', accept: '.xlsx,.csv' });
  const message = h('div');
  const records = h('div');
  const form = h('form.upload', { onsubmit: async (e) => {
    e.preventDefault();
    if (!file.files.length) return;
    message.replaceChildren(h('p.muted', '测算中…'));
    try {
      const r = await estimate(file.files[0]);
      message.replaceChildren(h('p.ok', `已测算：读入 ${r.counts.rows_read} 行，成功 ${r.counts.scored} 行，未通过 ${r.counts.rejected} 行。`,
        ' ', h('a', { href: `#/estimate/${r.id}` }, '查看测算详情')));
      form.reset();
      await list();
    } catch (err) {
      message.replaceChildren(problem(err));
    }
  } }, file, h('button', { type: 'submit' }, '上传测算'));
  async function list() {
    const { records: rows } = await get('/api/records');
    records.replaceChildren(rows.length ? table(['测算时间', '文件名', '读入行数', '成功', '未通过', ''], rows.map((r) => [
      r.created, r.file_name, count(r.rows_read), count(r.scored), count(r.rejected),
      h('a', { href: `#/estimate/${r.id}` }, '详情')]), { class: 'records' }) : h('p.muted', '暂无测算记录。'));
  }
  fill(main, 
    h('h1', '测算分数'),
    h('section.card.wide',
      h('h2', '第一步：下载模板'),
      h('p', '按模板填写企业的指标数据（一行一家企业），已在库的企业按库中数据计分，其余企业按参照体系测算。'),
      h('p', h('a.button', { href: '/api/template.xlsx', download: 'template.xlsx' }, '下载 Excel 模板'), ' ',
        h('a', { href: '/api/template.csv', download: 'template.csv' }, 'CSV 模板'))),
    h('section.card.wide', h('h2', '第二步：上传测算'), form, message),
    h('section.card.wide', h('h2', '测算记录'), records));
  await list();
}

export async function recordPage(main, id) {
  const r = await get(`/api/records/${encodeURIComponent(id)}`);
  const c = r.counts;
  fill(main, 
    h('p', h('a', { href: '#/estimate' }, '‹ 测算记录')),
    h('h1', '企业测算详情'),
    h('p', `测算时间 ${r.created}；读入 ${count(c.rows_read)} 行，成功 ${count(c.scored)} 行（在库 ${count(c.registered)}，`
      + `测算 ${count(c.estimated)}），未通过 ${count(c.rejected)} 行，问题单元格 ${count(c.bad_cells)} 个。`),
    h('p', h('a.button', { href: `/api/records/${encodeURIComponent(id)}/results.csv`, download: 'results.csv' }, '下载测算结果'), ' ',
      h('a', { href: `/api/records/${encodeURIComponent(id)}/errors.csv`, download: 'errors.csv' }, '下载问题清单')),
    h('section.card.wide', h('h2', '测算结果'), table(['行', '统一社会信用代码', '企业名称', '类型', '积分', '评价', '发展阶段', '同类企业'],
      r.rows.map((x) => [x.row, x.credit_code, x.name, statusNames[x.status] || x.status, x.score, x.grade, x.stage, x.peer_group]),
      { class: 'results' })),
    r.rejected.length ? h('section.card.wide', h('h2', '未通过的行'), table(['行', '统一社会信用代码', '企业名称', '原因'],
      r.rejected.map((x) => [x.row, x.credit_code, x.name, x.reason_zh]))) : null,
    r.errors.length ? h('section.card.wide', h('h2', '问题单元格'), table(['单元格', '原值', '原因'],
      r.errors.map((x) => [x.cell, x.raw, x.reason_zh]))) : null);
}
