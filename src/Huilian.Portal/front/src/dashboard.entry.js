// The regulator's dashboard: draws the charts whose figures the page carries in <script type="application/json"
// id="dashboard-data"> (computed by the node; the same figures are in the tables under each chart) with ECharts
// (window.echarts, from charts.js), SVG renderer, ARIA descriptions on. No inline script: the CSP is script-src 'self'.
(function () {
  const source = document.getElementById('dashboard-data');
  if (!source || !window.echarts) {
    return;
  }
  const data = JSON.parse(source.textContent || '{}');
  const palette = ['#0b4f8a', '#c2410c', '#1b6e3a', '#7e22ce', '#a16207', '#0e7490', '#be123c', '#4d7c0f', '#1d4ed8', '#6b21a8'];
  const format = new Intl.NumberFormat(data.language || undefined);
  const drawn = [];
  for (const chart of data.charts || []) {
    const element = document.getElementById(chart.id);
    if (!element) {
      continue;
    }
    const instance = window.echarts.init(element, null, { renderer: 'svg', locale: data.language === 'zh-CN' ? 'ZH' : 'EN' });
    const empty = !chart.series.length || !chart.categories.length;
    // Lines beside bars (refused attempts beside documents verified) are counted on their own axis, on the right.
    const mixed = chart.series.some((series) => series.type === 'line') && chart.series.some((series) => series.type === 'bar');
    const axis = { type: 'value', minInterval: 1, axisLabel: { formatter: (value) => format.format(value) } };
    instance.setOption({
      color: palette,
      aria: { enabled: true, decal: { show: false } },
      animation: false,
      tooltip: { trigger: 'axis', valueFormatter: (value) => format.format(value) },
      legend: { type: 'scroll', top: 0 },
      grid: { left: 12, right: mixed ? 24 : 16, top: 48, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: chart.categories },
      yAxis: mixed ? [{ ...axis, name: chart.unit }, { ...axis, name: chart.lineUnit, nameTextStyle: { align: 'right' }, splitLine: { show: false } }] : { ...axis, name: chart.unit, minInterval: 0 },
      title: empty ? { text: data.empty, left: 'center', top: 'middle', textStyle: { color: '#4f5b67', fontSize: 14, fontWeight: 'normal' } } : undefined,
      series: chart.series.map((series) => ({
        name: series.name,
        type: series.type,
        stack: series.stack || undefined,
        yAxisIndex: mixed && series.type === 'line' ? 1 : 0,
        data: series.data,
        barMaxWidth: 48,
        emphasis: { focus: 'series' },
      })),
    });
    element.setAttribute('data-rendered', 'true');
    drawn.push(instance);
  }
  // For the portal's figures (bench/Huilian.PortalFigures): when the charts were drawn.
  performance.mark('dashboard-charts');
  window.addEventListener('resize', () => drawn.forEach((instance) => instance.resize()));
})();
