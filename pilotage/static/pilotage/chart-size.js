// On a phone, the DSFR bar chart keeps its default 2:1 shape: at 390 px its plot was ~70 px high
// under the rotated quarter labels, one label in seven shown (walk17g). Before the component is
// defined (this classic deferred script comes before its module script in the page, and deferred
// scripts run in order), a narrow screen asks for a square chart instead, which leaves the plot
// about 300 px high. The data table under each chart stays the full equivalent.
(function () {
    "use strict";
    if (!window.matchMedia || !window.matchMedia("(max-width: 47.98em)").matches) {
        return;
    }
    document.querySelectorAll("bar-chart").forEach(function (chart) {
        chart.setAttribute("aspect-ratio", "1");
    });
})();
