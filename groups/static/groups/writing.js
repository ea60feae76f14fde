// Writing in a group, on top of forms that work without JavaScript:
// - drafts: what is typed is saved on the server (form[data-draft-url]) a few seconds after the
//   last keystroke, when the field loses focus and when the page is hidden or closed; the server
//   restores it in the form and deletes it once the post is published;
// - attachments: files can be dropped on the form's file field, and are listed with a button to
//   remove each one before publishing.
(function () {
  "use strict";

  function draftAutosave(form) {
    var url = form.getAttribute("data-draft-url");
    var status = form.querySelector("[data-draft-status]");
    var timer = null;
    var dirty = false;
    var submitted = false;

    function payload() {
      var data = new FormData();
      ["csrfmiddlewaretoken", "title", "body", "thread"].forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (field) data.append(name, field.value);
      });
      return data;
    }
    function save() {
      clearTimeout(timer);
      if (!dirty || submitted) return;
      dirty = false;
      fetch(url, {
        method: "POST",
        body: payload(),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!status) return;
          if (response.ok) {
            var now = new Date();
            status.textContent =
              "Brouillon enregistré à " +
              now.getHours() +
              " h " +
              String(now.getMinutes()).padStart(2, "0") +
              ".";
          } else {
            return response.json().then(function (data) {
              status.textContent = data.error || "Le brouillon n'a pas pu être enregistré.";
            });
          }
        })
        .catch(function () {
          dirty = true; // offline: retried on the next change
          if (status) status.textContent = "Le brouillon n'a pas pu être enregistré (hors ligne ?).";
        });
    }
    form.addEventListener("input", function (event) {
      if (event.target.type === "file") return;
      dirty = true;
      clearTimeout(timer);
      timer = setTimeout(save, 3000);
    });
    form.addEventListener("focusout", function () {
      if (dirty) timer = setTimeout(save, 200);
    });
    form.addEventListener("submit", function () {
      submitted = true;
      clearTimeout(timer);
    });
    // "Annuler" gives the post up: its draft is deleted (an empty draft is deleted by the
    // server) before leaving, so it does not come back pre-filled next time.
    var cancel = form.querySelector("[data-draft-discard]");
    if (cancel) {
      cancel.addEventListener("click", function (event) {
        event.preventDefault();
        submitted = true;
        clearTimeout(timer);
        var data = payload();
        data.set("title", "");
        data.set("body", "");
        var leave = function () {
          window.location.href = cancel.href;
        };
        fetch(url, {
          method: "POST",
          body: data,
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        }).then(leave, leave);
      });
    }
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && dirty && !submitted) {
        dirty = false;
        navigator.sendBeacon(url, payload());
      }
    });
  }

  function attachments(group) {
    var input = group.querySelector('input[type="file"]');
    if (!input || typeof DataTransfer === "undefined") return;
    var files = new DataTransfer();
    var zone = document.createElement("div");
    zone.className = "cde-attachments__drop";
    zone.textContent = "Ou glissez-déposez vos fichiers ici.";
    var list = document.createElement("ul");
    list.className = "fr-mt-1w";
    var status = document.createElement("p");
    status.className = "fr-sr-only";
    status.setAttribute("role", "status");
    group.append(zone, list, status);

    function render() {
      input.files = files.files;
      list.innerHTML = "";
      Array.prototype.forEach.call(files.files, function (file, index) {
        var li = document.createElement("li");
        li.textContent = file.name + " ";
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "fr-btn fr-btn--sm fr-btn--tertiary-no-outline";
        remove.textContent = "Retirer";
        var hidden = document.createElement("span");
        hidden.className = "fr-sr-only";
        hidden.textContent = " " + file.name;
        remove.appendChild(hidden);
        remove.addEventListener("click", function () {
          files.items.remove(index);
          render();
          status.textContent = file.name + " retiré.";
          input.focus();
        });
        li.appendChild(remove);
        list.appendChild(li);
      });
    }
    function add(fileList) {
      Array.prototype.forEach.call(fileList, function (file) {
        files.items.add(file);
      });
      render();
      var count = files.files.length;
      status.textContent = count + (count > 1 ? " fichiers joints." : " fichier joint.");
    }
    input.addEventListener("change", function () {
      // The input's own selection replaces its files: keep those chosen or dropped before.
      var chosen = Array.prototype.slice.call(input.files);
      add(chosen);
    });
    ["dragenter", "dragover"].forEach(function (type) {
      group.addEventListener(type, function (event) {
        event.preventDefault();
        zone.classList.add("cde-attachments__drop--over");
      });
    });
    ["dragleave", "drop"].forEach(function (type) {
      group.addEventListener(type, function () {
        zone.classList.remove("cde-attachments__drop--over");
      });
    });
    group.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) add(event.dataTransfer.files);
    });
  }

  // A form sent back with errors: focus goes to the first field in error (the editor for the
  // message: editor.js, a module included before this script, has already run).
  function focusFirstError() {
    var field = document.querySelector('form[data-draft-url] [aria-invalid="true"]');
    if (!field) return;
    if (field.cdeEditor) field.cdeEditor.commands.focus();
    else field.focus();
  }

  // Back from another page, the browser may show this page as it was first served (its back-
  // forward cache, or an HTTP cache), without the draft saved since: ask the server again, so
  // that typing into an empty editor never overwrites the saved draft.
  window.addEventListener("pageshow", function (event) {
    var navigation = performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
    var fromHistory = navigation && navigation.type === "back_forward";
    if ((event.persisted || fromHistory) && document.querySelector("form[data-draft-url]")) {
      window.location.reload();
    }
  });

  document.querySelectorAll("form[data-draft-url]").forEach(draftAutosave);
  focusFirstError();
  document.querySelectorAll("[data-attachments]").forEach(attachments);
})();
