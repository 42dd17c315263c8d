// Multiple-choice questions where a choice stands alone ("None"): ticking it unticks the other boxes of
// the same question, and ticking another box unticks it. Progressive enhancement only: the boxes carry
// data-exclusive (consultation.forms.ExclusiveCheckboxes) and, without JavaScript, the form and the
// service refuse the combination with a message under the question.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box || box.type !== "checkbox" || !box.checked || !box.name) return;
    var fieldset = box.closest("fieldset");
    if (!fieldset || !fieldset.querySelector("input[data-exclusive]")) return;
    var others = fieldset.querySelectorAll('input[type="checkbox"][name="' + box.name + '"]');
    var alone = box.hasAttribute("data-exclusive");
    others.forEach(function (other) {
      if (other !== box && other.checked && (alone || other.hasAttribute("data-exclusive"))) {
        other.checked = false;
      }
    });
  });
})();
