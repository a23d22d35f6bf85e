// Keyboard shortcuts of the suggestions inbox: j / k move between suggestions, s opens
// the scoop form (the insight), d discards. Keys typed into a field are left alone.
(function () {
  "use strict";
  function items() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-inbox] article.candidate"));
  }
  function current() {
    var list = items();
    var active = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest("article.candidate") : null;
    return { list: list, index: active ? list.indexOf(active) : -1 };
  }
  function focusAt(list, index) {
    if (!list.length) { return; }
    var target = list[Math.max(0, Math.min(list.length - 1, index))];
    target.focus();
    target.scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var tag = event.target && event.target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (event.target && event.target.isContentEditable)) { return; }
    var state = current();
    if (event.key === "j") { focusAt(state.list, state.index + 1); event.preventDefault(); }
    else if (event.key === "k") { focusAt(state.list, state.index < 0 ? 0 : state.index - 1); event.preventDefault(); }
    else if (event.key === "s" && state.index >= 0) {
      var insight = state.list[state.index].querySelector("[data-scoop-insight]");
      if (insight) { insight.focus(); event.preventDefault(); }
    } else if (event.key === "d" && state.index >= 0) {
      var next = state.list[state.index + 1] || state.list[state.index - 1];
      var button = state.list[state.index].querySelector("[data-discard]");
      if (button) {
        button.click();
        if (next) { focusAt([next], 0); }
        event.preventDefault();
      }
    }
  });
})();
