/*
 * Glaneur embed, for the page that shows a topic in an <iframe data-glaneur-embed>:
 * sizes each such frame to the height its document reports (embed-frame.js, inside the
 * frame), so the frame fits its content without a scroll bar. Only messages from the
 * frame's own window and origin are heeded.
 *
 *   <iframe src="https://glaneur.example/topic/SLUG/embed/" title="…" width="600"
 *           height="480" loading="lazy" data-glaneur-embed></iframe>
 *   <script src="https://glaneur.example/static/syndication/embed.js" async></script>
 */
(function () {
  "use strict";
  var MAX_HEIGHT = 20000;

  function frames() {
    return document.querySelectorAll("iframe[data-glaneur-embed]");
  }

  function originOf(frame) {
    try {
      return new URL(frame.src, document.baseURI).origin;
    } catch (error) {
      return null;
    }
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "glaneur:embed-height" || typeof data.height !== "number") {
      return;
    }
    var list = frames();
    for (var i = 0; i < list.length; i += 1) {
      var frame = list[i];
      if (frame.contentWindow === event.source && originOf(frame) === event.origin) {
        frame.style.height = Math.max(0, Math.min(Math.ceil(data.height), MAX_HEIGHT)) + "px";
      }
    }
  });

  // Frames that reported before this script ran report again.
  function hello() {
    var list = frames();
    for (var i = 0; i < list.length; i += 1) {
      var origin = originOf(list[i]);
      if (origin && list[i].contentWindow) {
        list[i].contentWindow.postMessage({ type: "glaneur:embed-hello" }, origin);
      }
    }
  }
  hello();
  window.addEventListener("load", hello);
})();
