/* A form sent back with errors: the keyboard and the screen reader start at the error summary
   (templates/includes/error_summary.html), which says what to correct and links to each field. */
(function () {
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
