// Progressive enhancement: while a selection runs, poll its state and show it; reload when it ends.
// Without JavaScript the page offers a "refresh" link instead.
(function () {
  var box = document.querySelector("[data-selection-status-url]");
  if (!box) return;
  var url = box.getAttribute("data-selection-status-url");
  var text = box.querySelector("[data-selection-progress]");
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (text) text.textContent = state.status_label + (state.message ? " — " + state.message : "");
        if (state.done) { window.location.reload(); } else { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
