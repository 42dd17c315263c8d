/* A data table wider than a phone scrolls sideways inside its box (WCAG 1.4.10 allows it for data
   tables), but a box the keyboard cannot reach hides its right-hand columns from keyboard users (axe:
   scrollable-region-focusable). Every table box of the site that scrolls and holds nothing focusable
   takes the focus itself, named by its table's caption; it gives it back when the page is wide enough.
   One place for every table, the DSFR's older markup included (its script wraps those in a scrolling
   box of its own, which a template cannot mark). */
(function () {
  "use strict";
  var BOXES = ".fr-table, .fr-table__wrapper, .fr-table__container, .fr-table__content, " +
    ".fr-table__shadow, .fr-table table";
  var FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";
  var MARK = "data-pacte-scroll";

  function scrolls(box) {
    var overflow = window.getComputedStyle(box).overflowX;
    return (overflow === "auto" || overflow === "scroll") && box.scrollWidth > box.clientWidth + 1;
  }

  function caption(box) {
    var found = box.tagName === "TABLE" ? box.caption : box.querySelector("caption");
    if (!found) { return null; }
    if (!found.id) { found.id = "pacte-caption-" + Math.random().toString(36).slice(2, 10); }
    return found;
  }

  function release(box) {
    box.removeAttribute("tabindex");
    if (box.tagName !== "TABLE") { box.removeAttribute("role"); }
    box.removeAttribute("aria-labelledby");
    box.removeAttribute(MARK);
  }

  function mark() {
    document.querySelectorAll(BOXES).forEach(function (box) {
      var ours = box.hasAttribute(MARK);
      if (!scrolls(box)) {
        if (ours) { release(box); }
        return;
      }
      if (ours || box.hasAttribute("tabindex") || box.querySelector(FOCUSABLE)) { return; }
      box.setAttribute(MARK, "");
      box.setAttribute("tabindex", "0");
      var named = caption(box);
      if (box.tagName !== "TABLE") { box.setAttribute("role", "region"); }
      if (named) { box.setAttribute("aria-labelledby", named.id); }
    });
  }

  var pending = null;
  function later() {
    window.clearTimeout(pending);
    pending = window.setTimeout(mark, 150);
  }
  window.addEventListener("load", later);
  window.addEventListener("resize", later);
  document.addEventListener("DOMContentLoaded", later);
}());
