// Polls the run's progress while it is active and updates the page; the page works without it
// (percentage in the HTML and a Refresh link). Reloads once the run ends to show its result.
(function () {
  "use strict";
  var box = document.getElementById("run-progress");
  if (!box || box.dataset.active !== "1") return;
  var bar = document.getElementById("run-bar");
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        box.querySelector('[data-field="status_label"]').textContent = data.status_label;
        box.querySelector('[data-field="percent"]').textContent = data.percent;
        bar.value = data.percent;
        bar.textContent = data.percent + " %";
        if (data.active) { window.setTimeout(poll, 2000); } else { window.location.reload(); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
