// /api/docs/: start Redoc (served by drf-spectacular-sidecar from our origin) on the API's schema.
// Redoc writes its styles in <style> elements: it gives them this script's CSP nonce, which the page's
// policy accepts for styles (config/urls.py), so the site's policy needs no 'unsafe-inline'. Its search
// runs in a worker made from a blob: address, which the policy refuses: the API is short, search is off.
(function () {
  "use strict";
  var script = document.currentScript;
  Redoc.init(
    script.dataset.schemaUrl,
    { nonce: script.nonce, disableSearch: true },
    document.getElementById("api-docs")
  );
})();
