// The person picker of the groups admin (groups/choosers.py): Wagtail's chooser modal, which
// leaves its dialog unnamed and the focus on the page behind it. Once the modal is shown, name
// the dialog after its heading and put the focus in the search field, so that a keyboard or
// screen-reader user types part of the name at once.
(function () {
  "use strict";
  if (!window.jQuery) return;
  window.jQuery(document).on("shown.bs.modal", ".modal", function () {
    const modal = this;
    const search = modal.querySelector("input[data-person-search]");
    if (!search) return;
    const heading = modal.querySelector("h1, h2");
    if (heading) {
      if (!heading.id) heading.id = "cde-person-chooser-title";
      modal.setAttribute("aria-labelledby", heading.id);
    } else {
      modal.setAttribute("aria-label", "Choisir une personne");
    }
    modal.setAttribute("aria-modal", "true");
    search.focus();
  });
})();
