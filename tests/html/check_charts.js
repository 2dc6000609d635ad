// Injected into a copy of a leadscore HTML report by render_test.sh and run
// by headless Chromium: checks, on the rendered page, that every chart reads
// without hovering (a title, an x and a y axis with ticks, tick labels and an
// axis label, a legend, no text outside its chart or over another text), and
// that the funnel is a top-down ladder. The verdict goes to the body's
// data-render-check attribute ("ok", or the problems), read from --dump-dom.
(function () {
  const problems = [];
  const charts = Array.from(document.querySelectorAll('svg.chart'));
  if (charts.length === 0) problems.push('no chart on the page');
  const overlap = (a, b) =>
    Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  charts.forEach((svg, i) => {
    const name = svg.getAttribute('aria-label') || 'chart ' + i;
    const title = svg.querySelector('.chart-title');
    if (!title || !title.textContent.trim()) problems.push(name + ': no title');
    for (const axis of ['x-axis', 'y-axis']) {
      const g = svg.querySelector('g.' + axis);
      if (!g) {
        problems.push(name + ': no ' + axis);
        continue;
      }
      if (g.querySelectorAll('.tick').length < 2) problems.push(name + ': ' + axis + ' ticks');
      const labels = Array.from(g.querySelectorAll('.tick-label')).filter(
        (t) => t.textContent.trim() !== '');
      if (labels.length < 2) problems.push(name + ': ' + axis + ' tick labels');
      const label = g.querySelector('.axis-label');
      if (!label || !label.textContent.trim()) problems.push(name + ': ' + axis + ' label');
    }
    const legend = svg.querySelector('.legend');
    if (!legend || !legend.textContent.trim()) problems.push(name + ': no legend');
    const box = svg.getBoundingClientRect();
    const texts = Array.from(svg.querySelectorAll('text'))
      .map((t) => ({text: t.textContent, box: t.getBoundingClientRect()}))
      .filter((t) => t.box.width > 0);
    for (const t of texts) {
      if (t.box.left < box.left - 1 || t.box.right > box.right + 1 ||
          t.box.top < box.top - 1 || t.box.bottom > box.bottom + 1) {
        problems.push(name + ': "' + t.text + '" outside the chart');
      }
    }
    for (let a = 0; a < texts.length; a++) {
      for (let b = a + 1; b < texts.length; b++) {
        if (overlap(texts[a].box, texts[b].box)) {
          problems.push(name + ': "' + texts[a].text + '" over "' + texts[b].text + '"');
        }
      }
    }
  });
  for (const funnel of document.querySelectorAll('svg[data-chart=funnel]')) {
    const bars = Array.from(funnel.querySelectorAll('g.bars rect')).map(
      (r) => r.getBoundingClientRect());
    if (bars.length < 2) problems.push('funnel: fewer than 2 rows');
    for (let k = 1; k < bars.length; k++) {
      if (Math.abs(bars[k].left - bars[0].left) > 0.5) problems.push('funnel: bars not aligned');
      if (bars[k].width > bars[k - 1].width + 0.5) problems.push('funnel: a row wider than the one above');
      if (bars[k].top <= bars[k - 1].top) problems.push('funnel: rows not top-down');
    }
  }
  document.body.setAttribute('data-render-check', problems.length ? problems.join(' | ') : 'ok');
})();
