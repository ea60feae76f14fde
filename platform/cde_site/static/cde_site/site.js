// Site-wide keyboard fixes for the header (an external file: the site's CSP forbids inline scripts).
(function () {
  "use strict";

  // Below 992 px the main navigation sits in the DSFR menu panel (a modal): the skip link that
  // leads to it opens the panel and moves focus to its first link in one go, instead of only
  // focusing the "Menu" button (which needed a second Enter).
  var skipLink = document.querySelector("[data-cde-open-menu]");
  var menuButton = document.getElementById("button-menu");
  var menu = document.getElementById("modal-menu");
  if (skipLink && menuButton && menu) {
    skipLink.addEventListener("click", function (event) {
      event.preventDefault();
      var focusFirstLink = function () {
        var target = menu.querySelector(".fr-nav__link") || menu.querySelector(".fr-btn--close");
        if (target) target.focus();
      };
      if (menuButton.getAttribute("data-fr-opened") === "true") {
        focusFirstLink();
        return;
      }
      // DSFR's modal focuses its close button once disclosed: take focus after that.
      menu.addEventListener(
        "dsfr.disclose",
        function () {
          window.requestAnimationFrame(function () {
            window.setTimeout(focusFirstLink, 0);
          });
        },
        { once: true },
      );
      menuButton.click();
    });
  }

  // Escape in a search field: Chromium and others erase what was typed. Keep the query
  // everywhere (Escape still closes the DSFR search modal and the suggestions list).
  document.addEventListener("keydown", function (event) {
    var field = event.target;
    if (event.key === "Escape" && field instanceof HTMLInputElement && field.type === "search") {
      event.preventDefault();
    }
  });
})();
