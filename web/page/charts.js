// Charts with Apache ECharts (the global `echarts` of /vendor/echarts/).
// Animation is off: a click acts on what is drawn, and screenshots show the
// final chart.

const palette = ['#c23531', '#2f4554', '#61a0a8', '#d48265', '#91c7ae', '#749f83', '#ca8622', '#bda29a',
  '#6e7074', '#546570', '#c4ccd3', '#3b6aa0', '#e0a030', '#8e5ea2'];

function chartOn(el) {
  const chart = echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: 'canvas' });
  chart.off('click');
  return chart;
}

window.addEventListener('resize', () => {
  for (const el of document.querySelectorAll('.chart')) echarts.getInstanceByDom(el)?.resize();
});

/**
 * A ring chart of facet buckets ({value, label, count, selected}); a click
 * on a sector calls onPick(bucket.value). Empty buckets are left out.
 */
export function ring(el, buckets, onPick) {
  const data = buckets.filter((b) => b.count).map((b) => ({
    name: b.label, value: b.count, key: b.value, selected: b.selected,
  }));
  const chart = chartOn(el);
  chart.setOption({
    animation: false,
    color: palette,
    tooltip: { trigger: 'item', formatter: '{b}<br/>{c} 家（{d}%）' },
    legend: { type: 'scroll', orient: 'vertical', right: 0, top: 'middle', textStyle: { fontSize: 11 } },
    series: [{
      type: 'pie', radius: ['42%', '70%'], center: ['36%', '50%'], selectedMode: 'multiple',
      selectedOffset: 8, label: { show: false }, data,
    }],
  }, true);
  if (onPick) chart.on('click', (p) => onPick(p.data.key));
  return chart;
}

/**
 * Bars of labelled values; a click on a bar calls onPick(keys[i]).
 * `selected` marks bars drawn darker; `horizontal` lays them sideways.
 */
export function bars(el, { labels, values, keys, selected, onPick, horizontal, unit = '家', format }) {
  const chart = chartOn(el);
  const data = values.map((v, i) => ({
    value: v,
    itemStyle: { color: selected && selected[i] ? '#8b1a17' : (selected && selected.some(Boolean) ? '#e8b4b2' : '#c23531') },
  }));
  const category = { type: 'category', data: labels, axisLabel: { fontSize: 11, interval: 0, rotate: horizontal ? 0 : 30 } };
  const value = { type: 'value', axisLabel: { fontSize: 11, formatter: format, hideOverlap: true } };
  chart.setOption({
    animation: false,
    grid: { left: horizontal ? 150 : 48, right: 24, top: 16, bottom: horizontal ? 24 : 64 },
    tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null ? '—（不足 10 家，不公开）' : (format ? format(v) : v) + ' ' + unit) },
    xAxis: horizontal ? value : category,
    yAxis: horizontal ? { ...category, inverse: true } : value,
    series: [{ type: 'bar', data, barMaxWidth: 28 }],
  }, true);
  if (onPick) chart.on('click', (p) => onPick(keys[p.dataIndex]));
  return chart;
}
