// After a failed submit, focus the error summary (or, after a redirect, the error message) so that
// keyboard and screen reader users start from what went wrong instead of the top of the page
// (RGAA 11.10, WCAG 3.3.1). Else, after a form whose view says so (messages' extra_tags
// "cde-focus"), the success message, so that the outcome is read first. An external file: the
// site's CSP forbids inline scripts.
(function () {
  "use strict";
  var target =
    document.querySelector("[data-cde-error-summary]") ||
    document.querySelector("[data-cde-error-message]") ||
    document.querySelector("[data-cde-success-message]");
  if (target) {
    target.focus();
  }
})();
