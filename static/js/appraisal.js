// The appraisal form's totals follow what is typed (the server computes the same on
// "Recalculate totals" and on every save, so the page works without this script).
(function () {
  "use strict";
  var form = document.querySelector("form[data-appraisal]");
  if (!form) return;
  var comma = (document.documentElement.lang || "").slice(0, 2) === "vi";

  // Points have at most 2 decimals: counted in hundredths, so sums are exact.
  function hundredths(text) {
    text = String(text).trim().replace(",", ".");
    if (!/^\d+(\.\d{1,2})?$/.test(text)) return null;
    var parts = text.split(".");
    return parseInt(parts[0], 10) * 100 + parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
  }

  function shown(value) {
    var text = Math.floor(value / 100) + "." + String(value % 100).padStart(2, "0");
    return comma ? text.replace(".", ",") : text;
  }

  function update() {
    var sums = {};
    var overall = 0;
    form.querySelectorAll("input[data-points]").forEach(function (input) {
      var value = hundredths(input.value);
      if (value === null) value = 0;
      var field = input.getAttribute("data-field");
      sums[field] = (sums[field] || 0) + value;
      overall += value;
    });
    form.querySelectorAll("[data-appraised-total]").forEach(function (cell) {
      var field = cell.getAttribute("data-appraised-total");
      cell.textContent = shown(field === "" ? overall : sums[field] || 0);
    });
  }

  form.addEventListener("input", function (event) {
    if (event.target.matches("input[data-points]")) update();
  });
})();
