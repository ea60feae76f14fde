// Live character counter for limited text fields (textarea or input with maxlength and
// data-compteur). The count shown under the field follows each keystroke but is not announced;
// a separate polite live region speaks only when the text crosses 80 % and 100 % of the limit
// and when the field is left, so a screen reader is not interrupted at every character.
// Without JavaScript the help text states the limit and the server validates it.
(function () {
  "use strict";

  function plural(count, word) {
    return count + " " + word + (count > 1 ? "s" : "");
  }

  // 2000 → "2 000" (no-break space), as the hints and error messages write it.
  function number(value) {
    return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0");
  }

  function label(length, max) {
    return plural(length, "caractère") + " sur " + number(max);
  }

  function setup(field) {
    var max = parseInt(field.getAttribute("maxlength"), 10);
    if (!max || !field.id) {
      return;
    }
    var shown = document.createElement("p");
    shown.className = "fr-hint-text fr-mt-1v compteur-caracteres";
    shown.id = field.id + "-compteur";
    var spoken = document.createElement("p");
    spoken.className = "fr-sr-only";
    spoken.setAttribute("aria-live", "polite");
    spoken.id = field.id + "-compteur-annonce";
    field.insertAdjacentElement("afterend", spoken);
    field.insertAdjacentElement("afterend", shown);
    var describedBy = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    describedBy.push(shown.id);
    field.setAttribute("aria-describedby", describedBy.join(" "));

    function level(length) {
      if (length >= max) {
        return 2;
      }
      return length >= max * 0.8 ? 1 : 0;
    }

    function announce(length) {
      var text = label(length, max);
      if (length >= max) {
        text += " : limite atteinte";
      } else if (length >= max * 0.8) {
        text += " : plus que " + plural(max - length, "caractère");
      }
      spoken.textContent = text + ".";
    }

    var lastLevel = level(field.value.length);
    function update() {
      var length = field.value.length;
      shown.textContent = label(length, max);
      var current = level(length);
      if (current > lastLevel) {
        announce(length);
      }
      lastLevel = current;
    }
    field.addEventListener("input", update);
    field.addEventListener("blur", function () {
      announce(field.value.length);
    });
    update();
  }

  function init() {
    var fields = document.querySelectorAll("textarea[data-compteur], input[data-compteur]");
    Array.prototype.forEach.call(fields, setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
