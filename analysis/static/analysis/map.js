// Optional enhancement of the server-drawn maps: zoom buttons and a live line naming the point under
// the pointer or the keyboard focus. Without it the maps, their <title>s and their tables still work.
(function () {
  "use strict";
  document.querySelectorAll("figure.pacte-map").forEach(function (figure) {
    var svg = figure.querySelector("svg");
    var full = svg.viewBox.baseVal;
    var box = { x: full.x, y: full.y, w: full.width, h: full.height };
    var live = document.createElement("p");
    live.className = "fr-text--sm";
    live.setAttribute("aria-live", "polite");
    var tools = document.createElement("div");
    tools.className = "fr-btns-group fr-btns-group--inline fr-btns-group--sm";
    function apply() { svg.setAttribute("viewBox", [box.x, box.y, box.w, box.h].join(" ")); }
    function zoom(factor) {
      var cx = box.x + box.w / 2, cy = box.y + box.h / 2;
      box.w = Math.min(full.width, box.w * factor); box.h = Math.min(full.height, box.h * factor);
      box.x = Math.max(0, Math.min(full.width - box.w, cx - box.w / 2));
      box.y = Math.max(0, Math.min(full.height - box.h, cy - box.h / 2));
      apply();
    }
    [["+", figure.dataset.zoomIn, 0.5], ["−", figure.dataset.zoomOut, 2]].forEach(function (spec) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "fr-btn fr-btn--tertiary fr-btn--sm";
      button.textContent = spec[0];
      button.title = spec[1];
      button.setAttribute("aria-label", spec[1]);
      button.addEventListener("click", function () { zoom(spec[2]); });
      tools.appendChild(button);
    });
    function pointOf(target) { return target.closest ? target.closest(".pacte-map__point") : null; }
    function name(point) {
      // "Theme: text", the contribution's text in the language it is written in (the point's lang).
      var title = point.querySelector("title"), desc = point.querySelector("desc");
      live.textContent = "";
      if (!desc) { live.textContent = point.getAttribute("aria-label") || ""; return; }
      live.appendChild(document.createTextNode(desc.textContent + (figure.dataset.separator || ": ")));
      var text = document.createElement("span");
      if (point.hasAttribute("lang")) text.setAttribute("lang", point.getAttribute("lang"));
      text.textContent = title ? title.textContent : "";
      live.appendChild(text);
    }
    svg.addEventListener("mouseover", function (event) {
      var point = pointOf(event.target);
      if (point) name(point);
    });
    svg.addEventListener("focusin", function (event) {
      // Name the focused point, and keep it in view when zoomed in.
      var c = pointOf(event.target);
      if (!c) return;
      name(c);
      var x = parseFloat(c.dataset.x), y = parseFloat(c.dataset.y);
      if (x < box.x || x > box.x + box.w || y < box.y || y > box.y + box.h) {
        box.x = Math.max(0, Math.min(full.width - box.w, x - box.w / 2));
        box.y = Math.max(0, Math.min(full.height - box.h, y - box.h / 2));
        apply();
      }
    });
    figure.insertBefore(tools, svg);
    figure.insertBefore(live, svg.nextSibling);
  });
})();
