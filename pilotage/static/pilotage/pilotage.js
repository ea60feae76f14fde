// Moves focus to the error summary (or conflict notice) of a questionnaire step sent back with
// problems, so keyboard and screen-reader users land on what needs fixing. After a save that
// left a breakdown to check, the site's warning message takes the focus instead: otherwise it
// stays on the page body and the warning is never announced.
(function () {
    "use strict";
    var summary = document.querySelector("[data-focus-on-load]");
    if (!summary) {
        summary = document.querySelector("[role=status] .fr-alert--warning");
        if (summary) {
            summary.setAttribute("tabindex", "-1");
        }
    }
    if (summary) {
        summary.focus();
    }
})();
