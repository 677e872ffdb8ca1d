// The self-assessment form's totals follow what is typed: the form (without its files) goes to
// the server, which adds up as the "Recalculate totals" button does, and the figures it returns
// replace the shown ones. Without this script the button does the same with a page load.
(function () {
  "use strict";
  var form = document.getElementById("self-assessment");
  if (!form || !form.dataset.totalsUrl || !window.fetch || !window.FormData) return;
  var status = document.getElementById("totals-status");
  var timer = null;
  var asked = 0;

  function update() {
    var body = new FormData(form);
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      body.delete(input.name);
    });
    var ticket = ++asked;
    fetch(form.dataset.totalsUrl + window.location.search, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (figures) {
        // An older answer arriving after a newer one is dropped.
        if (!figures || ticket !== asked) return;
        Object.keys(figures.fields).forEach(function (code) {
          form.querySelectorAll('[data-subtotal="' + code + '"]').forEach(function (cell) {
            cell.textContent = figures.fields[code];
          });
        });
        form.querySelectorAll("[data-total]").forEach(function (cell) {
          cell.textContent = figures.points;
        });
        if (status) status.textContent = figures.points;
      })
      .catch(function () {});
  }

  form.addEventListener("input", function (event) {
    if (!event.target.matches("[data-points]")) return;
    clearTimeout(timer);
    timer = setTimeout(update, 250);
  });
})();
