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

  // Below 992 px the header search is a DSFR modal opened by the magnifier button. DSFR puts
  // focus on its "Fermer" button: move it to the field, where the user means to type.
  var searchModal = document.getElementById("modal-recherche");
  var searchField = document.getElementById("recherche-entete");
  var searchButton = document.querySelector(".fr-header__navbar [aria-controls='modal-recherche']");
  if (searchModal && searchField) {
    searchModal.addEventListener("dsfr.disclose", function () {
      window.requestAnimationFrame(function () {
        window.setTimeout(function () {
          searchField.focus();
        }, 0);
      });
    });
  }

  // Escape in a search field: Chromium and others erase what was typed. Keep the query
  // everywhere. DSFR ignores Escape while focus is in a field, so close the phone search
  // modal here, focus back on the magnifier button (the text stays in the field).
  document.addEventListener("keydown", function (event) {
    var field = event.target;
    if (event.key === "Escape" && field instanceof HTMLInputElement && field.type === "search") {
      event.preventDefault();
      var modal = field.closest(".fr-modal");
      if (modal && modal === searchModal && modal.classList.contains("fr-modal--opened")) {
        var close = modal.querySelector(".fr-btn--close");
        if (close) close.click();
        if (searchButton) {
          window.requestAnimationFrame(function () {
            window.setTimeout(function () {
              searchButton.focus();
            }, 0);
          });
        }
      }
    }
  });
})();
