// Moves focus to the error summary (or conflict notice) of a questionnaire step sent back with
// problems, so keyboard and screen-reader users land on what needs fixing.
(function () {
    "use strict";
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) {
        summary.focus();
    }
})();
