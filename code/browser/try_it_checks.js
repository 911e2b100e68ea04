// The page's checks, loaded only for PAGE.html?selftest or ?drawtest
// (tests/browser runs both in headless Chromium). Each writes one line per
// result into the page, where the test reads it from the DOM.
(function () {
  'use strict';
  const query = new URLSearchParams(window.location.search);
  const page = window.tryIt;
  const report = document.createElement('div');
  report.id = 'try-it-checks';
  document.getElementById('try-it').after(report);
  const say = (text) => {
    const line = document.createElement('p');
    line.textContent = text;
    report.appendChild(line);
  };
  document.getElementById('try-it-mnist-like').checked = true;

  // [selftest]
  // Every embedded MNIST test image goes the way a drawing goes: onto the
  // canvas (dark ink on white, each pixel a scale × scale square, as
  // embed_for_page's mnist_on_canvas draws it for the build's own answers),
  // then the canvas's RGBA to read_canvas in WebAssembly.
  function selftest(data) {
    const side = 28, canvasSide = side * data.scale;
    const pixels = Uint8Array.from(atob(data.images), (c) => c.charCodeAt(0));
    let agree = 0, total = 0, right = 0;
    page.modelIds.forEach((id, m) => {
      page.selectModel(m);
      for (let n = 0; n < data.count; ++n) {
        const image = page.pen.createImageData(canvasSide, canvasSide);
        for (let y = 0; y < canvasSide; ++y)
          for (let x = 0; x < canvasSide; ++x) {
            const grey = 255 - pixels[n * side * side + Math.floor(y / data.scale) * side + Math.floor(x / data.scale)];
            image.data.set([grey, grey, grey, 255], 4 * (y * canvasSide + x));
          }
        page.pen.putImageData(image, 0, 0);
        const predicted = page.update().predicted;
        ++total;
        if (predicted === data.predicted[id][n]) ++agree;
        else say('image ' + n + ', model ' + id + ': the page read ' + predicted + ', the build ' + data.predicted[id][n]);
        if (predicted === data.labels[n]) ++right;
      }
    });
    say('selftest: ' + agree + ' of ' + total + ' agree (the page against the build, ' +
        page.modelIds.length + (page.modelIds.length === 1 ? ' model; ' : ' models; ') + right + ' of ' + total + ' match MNIST\'s label)');
  }
  // [selftest]

  // [drawtest]
  // Strokes as a reader's pen makes them: pointer events along a path given in
  // the canvas's 280×280 pixels, at whatever size the page shows the canvas.
  function stroke(points) {
    const box = page.canvas.getBoundingClientRect();
    const event = (type, p) => page.canvas.dispatchEvent(new PointerEvent(type, {
      bubbles: true, cancelable: true, pointerId: 1, pointerType: 'mouse', isPrimary: true,
      buttons: type === 'pointerup' ? 0 : 1,
      clientX: box.left + p[0] * box.width / page.canvas.width,
      clientY: box.top + p[1] * box.height / page.canvas.height,
    }));
    event('pointerdown', points[0]);
    for (const p of points.slice(1)) event('pointermove', p);
    event('pointerup', points[points.length - 1]);
  }
  function drawtest() {
    const one = [];  // a slightly slanted down stroke
    for (let t = 0; t <= 20; ++t) one.push([150 - 12 * t / 20, 50 + 180 * t / 20]);
    const zero = [];  // an oval, closed
    for (let t = 0; t <= 40; ++t) zero.push([140 + 55 * Math.sin(2 * Math.PI * t / 40), 140 - 85 * Math.cos(2 * Math.PI * t / 40)]);
    for (const [digit, points] of [['1', one], ['0', zero]]) {
      page.clear();
      stroke(points);
      say('drawtest: "' + digit + '" read as ' + document.getElementById('try-it-status').dataset.predicted);
    }
  }
  // [drawtest]

  if (query.has('selftest')) selftest(window.tryItSelftest);
  if (query.has('drawtest')) drawtest();
})();
