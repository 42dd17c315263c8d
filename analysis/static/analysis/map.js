// Optional enhancement of the server-drawn maps: zoom buttons and a live line naming the point under
// the pointer, or the point reached with the arrow keys once the map (one tab stop, its points are none)
// has the focus. Without it the maps, their <title>s (the pointer's tooltips) and their tables still work.
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
    function marked(element) {
      // An element's text in a span carrying its lang (a contribution's, a theme's), if it has one.
      var span = document.createElement("span");
      if (element.hasAttribute("lang")) span.setAttribute("lang", element.getAttribute("lang"));
      span.textContent = element.textContent;
      return span;
    }
    function name(point) {
      // "Theme: text", each in the language it is written in; a participant: their group.
      var title = point.querySelector("title"), desc = point.querySelector("desc");
      live.textContent = "";
      if (desc) {
        live.appendChild(marked(desc));
        live.appendChild(document.createTextNode(figure.dataset.separator || ": "));
      }
      if (title) live.appendChild(marked(title));
    }
    svg.addEventListener("mouseover", function (event) {
      var point = pointOf(event.target);
      if (point) name(point);
    });
    // The keyboard: the map is one tab stop; the arrow keys walk its points in the order they are drawn.
    var points = Array.prototype.slice.call(svg.querySelectorAll(".pacte-map__point"));
    var walkable = points.length && svg.hasAttribute("tabindex");
    var keys = document.createElement("p");
    keys.className = "fr-text--sm fr-mb-1w";
    keys.id = svg.id + "-keys";
    keys.textContent = figure.dataset.keys || "";
    if (walkable) svg.setAttribute("aria-describedby", svg.getAttribute("aria-describedby") + " " + keys.id);
    var step = -1;
    function forget() {
      if (step >= 0) points[step].classList.remove("pacte-map__point--current");
    }
    function show(index) {
      forget();
      step = index;
      var point = points[step];
      point.classList.add("pacte-map__point--current");
      name(point);
      var x = parseFloat(point.dataset.x), y = parseFloat(point.dataset.y);
      if (x < box.x || x > box.x + box.w || y < box.y || y > box.y + box.h) {
        box.x = Math.max(0, Math.min(full.width - box.w, x - box.w / 2));
        box.y = Math.max(0, Math.min(full.height - box.h, y - box.h / 2));
        apply();
      }
    }
    svg.addEventListener("keydown", function (event) {
      if (!walkable) return;
      var next = { ArrowRight: step + 1, ArrowDown: step + 1, ArrowLeft: step - 1, ArrowUp: step - 1,
                   Home: 0, End: points.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      show(Math.max(0, Math.min(points.length - 1, next)));
    });
    svg.addEventListener("blur", forget);
    figure.insertBefore(tools, svg);
    if (walkable) figure.insertBefore(keys, svg);
    figure.insertBefore(live, svg.nextSibling);
  });
})();
