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
  // Back from a form given on an item of a list (« Utile » on a suggestion, whose view anchors
  // the page on it): the success message moves beside that item, so that focusing it keeps the
  // person where they were instead of scrolling back to the top of the page.
  var slot = null;
  if (target && target.hasAttribute("data-cde-success-message") && location.hash) {
    try {
      slot = document.querySelector(location.hash + "[data-cde-feedback-slot]");
    } catch (error) {
      slot = null; // not a valid selector: leave the message where it is
    }
  }
  if (slot) {
    target.removeAttribute("autofocus");
    target.setAttribute("role", "status");
    target.classList.add("fr-mt-1w");
    slot.appendChild(target);
    // After the browser has scrolled to the anchor: focusing then keeps the item in view.
    window.requestAnimationFrame(function () {
      target.focus();
    });
  } else if (target) {
    target.focus();
  }
})();
