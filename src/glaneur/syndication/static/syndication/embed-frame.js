/*
 * Glaneur, inside an embedded topic (/topic/<slug>/embed/): tells the page that frames it
 * how tall this document is, whenever that changes, so that page's script (embed.js) sizes
 * the frame to fit. The height is no secret: any framing page may hear it.
 */
(function () {
  "use strict";
  if (window.parent === window) {
    return;
  }
  var last = -1;

  function report(force) {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last && !force) {
      return;
    }
    last = height;
    window.parent.postMessage({ type: "glaneur:embed-height", height: height }, "*");
  }

  if ("ResizeObserver" in window) {
    new ResizeObserver(function () { report(false); }).observe(document.documentElement);
  }
  window.addEventListener("load", function () { report(false); });
  // The host's script may start after our first report: it says hello, we answer.
  window.addEventListener("message", function (event) {
    if (event.source === window.parent && event.data && event.data.type === "glaneur:embed-hello") {
      report(true);
    }
  });
  report(false);
})();
