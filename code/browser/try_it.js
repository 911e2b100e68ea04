// The page "Try it" (chapters/10a-try-it.md). JavaScript draws: it keeps the
// canvas, follows the pen, and shows the answer. Reading the drawing is the
// book's C++ compiled to WebAssembly (try_it_wasm.js, built from try_it_wasm.cpp):
// the same ink_from_rgba and mnist_like that ch10_classify runs on a picture
// file, and the forward pass of chapters 1–6.
(function () {
  'use strict';
  const SIDE = 28;  // the network's input is SIDE × SIDE
  const CLASSES = 10;
  const element = (id) => document.getElementById(id);
  const canvas = element('try-it-canvas');
  if (!canvas) return;
  const pen = canvas.getContext('2d', {willReadFrequently: true});
  const inputCanvas = element('try-it-input');
  const inputPen = inputCanvas.getContext('2d');
  const status = element('try-it-status');
  const query = new URLSearchParams(window.location.search);

  // The ten bars, built once.
  const bars = [];
  for (let k = 0; k < CLASSES; ++k) {
    const row = document.createElement('div');
    row.className = 'try-it-bar-row';
    row.innerHTML = '<span class="try-it-class">' + k + '</span>' +
      '<span class="try-it-bar"><span class="try-it-fill"></span></span><span class="try-it-percent"></span>';
    element('try-it-bars').appendChild(row);
    bars.push({row: row, fill: row.querySelector('.try-it-fill'), percent: row.querySelector('.try-it-percent')});
  }

  // The module compiles synchronously (its wasm is in try_it_wasm.js itself);
  // its `ready` promise hands it over once its runtime has started. (Newer
  // emscripten returns that promise from createTryItModule itself.)
  const instance = createTryItModule();
  (instance.ready || Promise.resolve(instance)).then(start, (error) => {
    status.textContent = 'The WebAssembly failed to start: ' + error;
  });

  function start(wasm) {
    // [wasm-calls]
    // The WebAssembly module and buffers in its memory, allocated once: the
    // canvas's RGBA bytes go in, the 784 inputs and 10 probabilities come out.
    const canvasBytes = canvas.width * canvas.height * 4;
    const rgbaAt = wasm._malloc(canvasBytes);
    const inputAt = wasm._malloc(SIDE * SIDE * 4);
    const probabilitiesAt = wasm._malloc(CLASSES * 4);

    function loadModel(model) {
      const bytes = Uint8Array.from(atob(model.bytes), (c) => c.charCodeAt(0));
      const at = wasm._malloc(bytes.length);
      wasm.HEAPU8.set(bytes, at);
      const index = wasm.ccall('try_it_load_model', 'number', ['string', 'number', 'number'],
                               [model.id, at, bytes.length]);
      wasm._free(at);
      if (index < 0) throw new Error(wasm.UTF8ToString(wasm._try_it_error()));
      return index;
    }

    // Reads the canvas as it is now: its pixels go to the C++ read_canvas.
    function readCanvas() {
      const rgba = pen.getImageData(0, 0, canvas.width, canvas.height).data;
      wasm.HEAPU8.set(rgba, rgbaAt);
      const mnistLike = element('try-it-mnist-like').checked ? 1 : 0;
      const predicted = wasm._try_it_read_canvas(
          state.model, rgbaAt, canvas.width, canvas.height, mnistLike, inputAt, probabilitiesAt);
      if (predicted === -2) throw new Error(wasm.UTF8ToString(wasm._try_it_error()));
      return {
        predicted: predicted,  // -1: no ink yet
        input: wasm.HEAPF32.slice(inputAt / 4, inputAt / 4 + SIDE * SIDE),
        probabilities: wasm.HEAPF32.slice(probabilitiesAt / 4, probabilitiesAt / 4 + CLASSES),
      };
    }
    // [wasm-calls]

    const state = {model: 0, models: [], drawing: false, last: null, pending: false};

    function show(reading) {
      const image = inputPen.createImageData(SIDE, SIDE);
      for (let i = 0; i < SIDE * SIDE; ++i) {
        const grey = reading.predicted < 0 ? 255 : Math.round(255 * (1 - reading.input[i]));
        image.data.set([grey, grey, grey, 255], 4 * i);
      }
      inputPen.putImageData(image, 0, 0);
      for (let k = 0; k < CLASSES; ++k) {
        const p = reading.predicted < 0 ? 0 : reading.probabilities[k];
        bars[k].fill.style.width = (100 * p).toFixed(1) + '%';
        bars[k].percent.textContent = reading.predicted < 0 ? '' : (100 * p).toFixed(1) + '%';
        bars[k].row.classList.toggle('try-it-best', k === reading.predicted);
      }
      if (reading.predicted < 0) {
        status.textContent = 'Draw a digit in the box.';
      } else {
        status.textContent = 'The network reads a ' + reading.predicted + ', with probability ' +
          (100 * reading.probabilities[reading.predicted]).toFixed(1) + '%.';
      }
      status.dataset.predicted = reading.predicted;
    }

    function update() {
      state.pending = false;
      try {
        const reading = readCanvas();
        show(reading);
        return reading;
      } catch (error) {
        status.textContent = 'The WebAssembly failed: ' + error.message;
        throw error;
      }
    }
    // While the pen moves, read at most once a frame.
    function updateSoon() {
      if (state.pending) return;
      state.pending = true;
      (window.requestAnimationFrame || ((f) => setTimeout(f, 16)))(update);
    }

    function clear() {
      pen.fillStyle = '#fff';
      pen.fillRect(0, 0, canvas.width, canvas.height);
      update();
    }

    // Pen strokes: the pointer's position in the canvas's own pixels, whatever
    // size the page shows the canvas at.
    function at(event) {
      const box = canvas.getBoundingClientRect();
      return {x: (event.clientX - box.left) * canvas.width / box.width,
              y: (event.clientY - box.top) * canvas.height / box.height};
    }
    function strokeTo(point) {
      pen.lineWidth = Number(element('try-it-pen').value);
      pen.lineCap = 'round';
      pen.lineJoin = 'round';
      pen.strokeStyle = '#000';
      pen.beginPath();
      pen.moveTo(state.last.x, state.last.y);
      pen.lineTo(point.x, point.y);
      pen.stroke();
      state.last = point;
    }
    canvas.addEventListener('pointerdown', (event) => {
      event.preventDefault();
      if (canvas.setPointerCapture && event.isTrusted) canvas.setPointerCapture(event.pointerId);
      state.drawing = true;
      state.last = at(event);
      strokeTo(state.last);  // a dot, for a tap
      updateSoon();
    });
    canvas.addEventListener('pointermove', (event) => {
      if (!state.drawing) return;
      event.preventDefault();
      strokeTo(at(event));
      updateSoon();
    });
    const endStroke = () => {
      if (!state.drawing) return;
      state.drawing = false;
      update();  // at once: the answer to the finished stroke
    };
    canvas.addEventListener('pointerup', endStroke);
    canvas.addEventListener('pointercancel', endStroke);

    element('try-it-clear').addEventListener('click', clear);
    element('try-it-mnist-like').addEventListener('change', update);
    element('try-it-model').addEventListener('change', (event) => {
      state.model = state.models[event.target.selectedIndex];
      update();
    });

    // The models the build embedded (try_it_models.js), one entry each in the list.
    try {
      for (const model of window.tryItModels) {
        state.models.push(loadModel(model));
        const option = document.createElement('option');
        option.textContent = model.title;
        element('try-it-model').appendChild(option);
      }
      state.model = state.models[0];
      clear();
    } catch (error) {
      status.textContent = 'The model could not be loaded: ' + error.message;
      throw error;
    }

    // What the page's checks (try_it_checks.js) use: the canvas, its reading, and
    // the same functions a drawing goes through.
    window.tryIt = {canvas: canvas, pen: pen, clear: clear, update: update, modelIds: window.tryItModels.map((m) => m.id),
                    selectModel: (i) => { element('try-it-model').selectedIndex = i; state.model = state.models[i]; }};

    // ?selftest and ?drawtest load the checks, and the self-test's images, only when asked for.
    if (query.has('selftest') || query.has('drawtest')) {
      const scripts = query.has('selftest') ? ['try_it_selftest.js', 'try_it_checks.js'] : ['try_it_checks.js'];
      (function next() {
        const script = document.createElement('script');
        script.src = scripts.shift();
        if (scripts.length) script.onload = next;
        document.body.appendChild(script);
      })();
    }
  }
})();
