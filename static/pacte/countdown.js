// The session console's countdown. The server is the clock: the page carries the running item's end
// (data-ends-at) and the server's time when the page was made (data-server-now), both ISO 8601; the script
// measures how far the browser's clock is from the server's once, then shows the time left every second,
// worded from the page's own templates (data-remaining-template / data-overrun-template, "{m}" and "{s}"
// replaced), so it reads in the page's language. When the time is up it says so once in a polite live
// region. Without JavaScript the page shows the time it was loaded with and a link to load it again.
(function () {
  "use strict";
  var box = document.getElementById("countdown");
  if (!box || !box.dataset.endsAt) return;
  var end = Date.parse(box.dataset.endsAt);
  var serverNow = Date.parse(box.dataset.serverNow);
  if (isNaN(end) || isNaN(serverNow)) return;
  var skew = serverNow - Date.now(); // add to the browser's clock to read the server's
  var alert = document.getElementById("countdown-alert");
  var toldTimeUp = false;

  function words(template, seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return template.replace("{m}", String(m)).replace("{s}", String(s));
  }

  function tick() {
    var left = Math.round((end - (Date.now() + skew)) / 1000);
    if (left >= 0) {
      box.textContent = words(box.dataset.remainingTemplate, left);
    } else {
      box.textContent = words(box.dataset.overrunTemplate, -left);
      if (!toldTimeUp && alert) {
        alert.textContent = alert.dataset.timeUp;
        toldTimeUp = true;
      }
    }
  }

  tick();
  window.setInterval(tick, 1000);
})();
