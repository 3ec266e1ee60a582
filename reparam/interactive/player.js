// The static book's slider player: swaps precomputed frames as the reader moves the range inputs.
//
// reparam/interactive/frames.py writes, for one explore figure, a figure element of class rp-explore
// holding the range inputs with their output elements, one img, a caption, a JSON script element of
// class rp-frames ({sources, order, sizes, values, labels, alt}) and then this file as an inline script
// (so this text never contains a closing script tag). Frame k of the grid (the last slider varying
// fastest) is sources[order[k]]; identical frames are stored once. The image's alt text names the
// current values, as the live ipywidgets figure does.
(function (root) {
  "use strict";
  var d = JSON.parse(root.querySelector("script.rp-frames").textContent);
  var inputs = root.querySelectorAll("input[type=range]");
  var img = root.querySelector("img");

  function show() {
    var k = 0;
    var said = [];
    for (var i = 0; i < inputs.length; i++) {
      var v = Number(inputs[i].value);
      var text = d.values[i][v];
      k = k * d.sizes[i] + v;
      inputs[i].setAttribute("aria-valuetext", text);
      root.querySelector('output[for="' + inputs[i].id + '"]').textContent = text;
      said.push(d.labels[i] + " = " + text);
    }
    img.src = d.sources[d.order[k]];
    img.alt = d.alt + " (" + said.join(", ") + ")";
    img.setAttribute("data-frame", k);
  }

  for (var i = 0; i < inputs.length; i++) {
    inputs[i].addEventListener("input", show);
  }
})(document.currentScript.closest("figure.rp-explore"));
