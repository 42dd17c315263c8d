// Progress of long work (Celery tasks) without reloading the page. Each element with
// data-progress-url and data-active="1" polls that URL (JSON), copies the answer's fields into its
// [data-field] elements, moves its <progress data-progress-bar> to `percent` (its text to
// `percent_label`, written by the server in the page's language), and reloads the page once `active`
// is false, to show the result. A [data-field] element whose text may be in another language than the
// page's (a library's own note, English only) names with data-lang-field the answer's field that gives
// that language: its lang attribute follows the text (removed when that field is empty). Without
// JavaScript the page shows the state it was loaded with and a Refresh link.
(function () {
  "use strict";
  document.querySelectorAll('[data-progress-url][data-active="1"]').forEach(function (box) {
    var bar = box.querySelector("progress[data-progress-bar]");
    function poll() {
      // Labels in the page's language, whatever the browser would ask for.
      var headers = { Accept: "application/json", "Accept-Language": document.documentElement.lang || "fr" };
      fetch(box.dataset.progressUrl, { credentials: "same-origin", headers: headers })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          box.querySelectorAll("[data-field]").forEach(function (element) {
            var value = data[element.dataset.field];
            if (value === undefined || value === null) return;
            if (element.dataset.langField) {
              var lang = data[element.dataset.langField];
              if (lang) element.setAttribute("lang", lang); else element.removeAttribute("lang");
            }
            element.textContent = value;
          });
          if (bar && typeof data.percent === "number") {
            bar.value = data.percent;
            // The server writes the percentage in the page's language ("40%", "40\u00a0%" in French).
            bar.textContent = data.percent_label || data.percent + "%";
          }
          if (data.active) { window.setTimeout(poll, 2000); } else { window.location.reload(); }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 2000);
  });
})();
