// Suggestions as you type for the search page: an ARIA 1.2 combobox with a listbox popup.
// The server applies the same privacy rules as the results (search.service.suggest).
(function () {
  "use strict";
  var form = document.getElementById("recherche");
  if (!form) return;
  var input = document.getElementById("recherche-q");
  var list = document.getElementById("recherche-suggestions");
  var status = document.getElementById("recherche-suggestions-statut");
  var url = form.getAttribute("data-suggestions-url");
  var items = [];
  var active = -1;
  var timer = null;
  var controller = null;

  function close() {
    list.hidden = true;
    list.innerHTML = "";
    items = [];
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function highlight(index) {
    items.forEach(function (item, i) {
      item.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", items[index].id);
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function render(suggestions) {
    list.innerHTML = "";
    items = suggestions.map(function (suggestion, i) {
      var li = document.createElement("li");
      li.id = "recherche-suggestion-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dataset.url = suggestion.url;
      var title = document.createElement("span");
      title.textContent = suggestion.title;
      var kind = document.createElement("span");
      kind.className = "cde-search__kind";
      kind.textContent = suggestion.type_label;
      li.appendChild(title);
      li.appendChild(kind);
      li.addEventListener("mousedown", function (event) {
        event.preventDefault();
        window.location.assign(suggestion.url);
      });
      list.appendChild(li);
      return li;
    });
    var count = items.length;
    status.textContent = count
      ? count + (count > 1 ? " suggestions disponibles." : " suggestion disponible.")
      : "";
    if (count) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    } else {
      close();
    }
  }

  function fetchSuggestions() {
    var value = input.value.trim();
    if (value.length < 2) {
      close();
      return;
    }
    if (controller) controller.abort();
    controller = new AbortController();
    fetch(url + "?q=" + encodeURIComponent(value), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal: controller.signal,
    })
      .then(function (response) {
        return response.ok ? response.json() : { suggestions: [] };
      })
      .then(function (data) {
        render(data.suggestions || []);
      })
      .catch(function () {});
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, 150);
  });
  input.addEventListener("keydown", function (event) {
    if (list.hidden) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight((active + 1) % items.length);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active <= 0 ? items.length - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.assign(items[active].dataset.url);
    } else if (event.key === "Escape") {
      // Close the suggestions only: a search input would also clear what was typed.
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", function () {
    setTimeout(close, 100);
  });
})();
