// The bulletin's sign-up form: ticking a champ d'action chooses « Seulement certains champs
// d'action », as the server does anyway (ressources.forms.SubscriptionForm), so the form reads
// what will be done. An external file: the site's CSP forbids inline scripts.
(function () {
  "use strict";
  var only = document.querySelector('input[name="scope"][value="themes"]');
  if (!only) {
    return;
  }
  document.querySelectorAll('input[name="themes"]').forEach(function (box) {
    box.addEventListener("change", function () {
      if (box.checked) {
        only.checked = true;
      }
    });
  });
})();
