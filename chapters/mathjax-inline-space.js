// Run by MathJax at start-up (Doxyfile: MATHJAX_CODEFILE), on every page.
// Doxygen writes a space before every inline formula, so that "(\f$g = 1\f$)"
// comes out as "( \(g = 1\))" and the page shows "( g = 1)". Before MathJax's
// tex2jax finds the formulas (it registers at priority 10; this runs at 5), take
// that space out again where it follows an opening bracket, a quote or a slash,
// outside code listings.
MathJax.Hub.Register.PreProcessor(function (element) {
  var root = element || document.body;
  var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, null, false);
  for (var node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.nodeValue.indexOf("\\(") < 0) continue;
    var parent = node.parentNode;
    if (parent && parent.closest && parent.closest("pre, code, div.fragment")) continue;
    node.nodeValue = node.nodeValue.replace(/([(\[{\u2018\u201c\/]) \\\(/g, "$1\\(");
  }
}, 5);
