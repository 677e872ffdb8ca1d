// The import page polls its batch's progress instead of reloading every 2 s; when the import
// ends it reloads once, to show the result and what can be done next.
(function () {
  "use strict";
  var section = document.querySelector("[data-progress-url]");
  if (!section) return;
  var url = section.getAttribute("data-progress-url");
  var bar = section.querySelector("progress");
  var text = section.querySelector("[data-progress-text]");
  var label = section.querySelector("[data-progress-label]");

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.finished) { window.location.reload(); return; }
        label.textContent = state.label;
        if (state.percent === null) {
          bar.removeAttribute("value");
          text.textContent = "";
        } else {
          bar.value = state.percent;
          text.textContent = state.percent + " %" +
            (state.total ? " (" + state.done + " / " + state.total + ")" : "");
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 4000); });
  }
  window.setTimeout(poll, 1000);
})();
