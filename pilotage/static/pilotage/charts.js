// The DSFR chart components (@gouvfr/dsfr-chart, vendored unmodified) render into an open shadow
// root, but their build ships the styles as a separate file (BarChart.css) that a page's <link>
// cannot reach inside that root: legend swatches were 0 × 0 px (walk17e). Each <bar-chart> gets
// the stylesheets marked data-chart-css (same origin, so the site's CSP allows them), and the
// DSFR's own (for the legend's fr-text--* classes).
(function () {
    "use strict";
    function stylesheets() {
        var links = document.querySelectorAll("link[data-chart-css], link[rel=stylesheet][href*='dsfr']");
        return Array.prototype.map.call(links, function (link) {
            return link.href;
        });
    }
    function dress(chart, hrefs) {
        var root = chart.shadowRoot;
        if (!root || root.querySelector("link[data-chart-css]")) {
            return;
        }
        hrefs.slice().reverse().forEach(function (href) {
            var link = document.createElement("link");
            link.rel = "stylesheet";
            link.href = href;
            link.setAttribute("data-chart-css", "");
            root.prepend(link);
        });
    }
    if (!window.customElements) {
        return;
    }
    window.customElements.whenDefined("bar-chart").then(function () {
        var hrefs = stylesheets();
        document.querySelectorAll("bar-chart").forEach(function (chart) {
            dress(chart, hrefs);
        });
    });
})();
