// Writing in a group, on top of forms that work without JavaScript:
// - drafts: what is typed is saved on the server (form[data-draft-url]) a few seconds after the
//   last keystroke, when the field loses focus and when the page is hidden or closed; the server
//   restores it in the form and deletes it once the post is published. What the server has not
//   acknowledged yet is also kept in this tab (sessionStorage): the save sent while leaving the
//   page (a beacon) can reach the server after the next page was served with the previous
//   draft, and typing there would then overwrite the newer text. Back on the page, that copy
//   wins over the server's before anything can be typed. The forms say autocomplete="off" so
//   that the browser does not put back, on Back, text that was published or given up;
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

    var thread = form.elements.namedItem("thread");
    var key = "cde-brouillon:" + url + ":" + (thread ? thread.value : "");
    var restored = "";

    function field(name) {
      var element = form.elements.namedItem(name);
      return element ? element.value : "";
    }
    function isQuestion() {
      var box = form.elements.namedItem("is_question");
      return Boolean(box && box.checked);
    }
    function payload() {
      var data = new FormData();
      ["csrfmiddlewaretoken", "title", "body", "thread"].forEach(function (name) {
        var element = form.elements.namedItem(name);
        if (element) data.append(name, element.value);
      });
      if (isQuestion()) data.append("is_question", "on");
      return data;
    }
    function snapshot() {
      return JSON.stringify({ title: field("title"), body: field("body"), question: isQuestion() });
    }
    function keepLocally() {
      try {
        sessionStorage.setItem(key, snapshot());
      } catch (error) {
        // Storage full or refused: the server copy is all there is.
      }
    }
    function forgetLocally(sent) {
      try {
        if (sent === undefined || sessionStorage.getItem(key) === sent) sessionStorage.removeItem(key);
      } catch (error) {
        // Nothing kept.
      }
    }
    // Text typed here that the server may not have: put back in the form, saved again.
    function restoreLocal() {
      var kept = null;
      try {
        kept = JSON.parse(sessionStorage.getItem(key) || "null");
      } catch (error) {
        kept = null;
      }
      if (!kept) return;
      if (kept.title === field("title") && kept.body === field("body") && Boolean(kept.question) === isQuestion())
        return forgetLocally();
      var title = form.elements.namedItem("title");
      if (title) title.value = kept.title;
      var box = form.elements.namedItem("is_question");
      if (box) box.checked = Boolean(kept.question);
      var body = form.elements.namedItem("body");
      if (body && body.cdeEditor) {
        body.cdeEditor.commands.setContent(kept.body, false);
        body.value = kept.body;
      } else if (body) {
        body.value = kept.body;
      }
      restored = "Votre dernière saisie est rétablie. ";
      if (discard) discard.hidden = false;
      if (status) status.textContent = "Brouillon repris : " + restored;
      dirty = true;
      timer = setTimeout(save, 200);
    }
    function save() {
      clearTimeout(timer);
      if (!dirty || submitted) return;
      dirty = false;
      var sent = snapshot();
      fetch(url, {
        method: "POST",
        body: payload(),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (response.ok) forgetLocally(sent);
          if (!status) return;
          if (response.ok) {
            // The server's time (Paris), as in "Brouillon repris (enregistré le … à 16 h 44)".
            return response.json().then(function (data) {
              status.textContent = restored + "Brouillon enregistré à " + data.time + ".";
              restored = "";
            });
          } else {
            return response
              .json()
              .catch(function () {
                return {};
              })
              .then(function (data) {
                status.textContent = data.error || "Le brouillon n'a pas pu être enregistré.";
              });
          }
        })
        .catch(function () {
          dirty = true; // offline: retried on the next change
          if (status) status.textContent = "Le brouillon n'a pas pu être enregistré (hors ligne ?).";
        });
    }
    // "Abandonner ce brouillon" is offered once there is something to give up.
    var discard = form.querySelector("[data-draft-discard]");
    form.addEventListener("input", function (event) {
      if (event.target.type === "file") return;
      if (discard) discard.hidden = false;
      dirty = true;
      keepLocally();
      clearTimeout(timer);
      timer = setTimeout(save, 3000);
    });
    form.addEventListener("focusout", function () {
      if (dirty) timer = setTimeout(save, 200);
    });
    // Publishing, or "Abandonner ce brouillon" (a submit button: the server keeps what was
    // typed and asks for confirmation), ends this page's draft.
    form.addEventListener("submit", function () {
      submitted = true;
      clearTimeout(timer);
      forgetLocally();
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && dirty && !submitted) {
        dirty = false;
        navigator.sendBeacon(url, payload());
      }
    });
    restoreLocal();
  }

  // As commons.french.file_size writes it: "20,5 Mo", "512 ko".
  function fileSize(size) {
    var units = [
      ["Go", Math.pow(1024, 3)],
      ["Mo", Math.pow(1024, 2)],
      ["ko", 1024],
    ];
    for (var i = 0; i < units.length; i++) {
      if (size >= units[i][1]) {
        var value = size / units[i][1];
        var text = value >= 100 || value === Math.floor(value) ? value.toFixed(0) : value.toFixed(1);
        return text.replace(".", ",") + " " + units[i][0];
      }
    }
    return size + (size >= 2 ? " octets" : " octet");
  }

  function attachments(group) {
    var input = group.querySelector('input[type="file"]');
    if (!input || typeof DataTransfer === "undefined") return;
    // The server's limit, checked here before a long upload that would be refused anyway.
    var maxBytes = parseInt(input.getAttribute("data-max-bytes"), 10) || 0;
    var maxFiles = parseInt(input.getAttribute("data-max-files"), 10) || 0;
    var refusal = document.createElement("p");
    refusal.className = "fr-error-text";
    refusal.id = input.id + "-trop-lourd";
    refusal.hidden = true;
    var files = new DataTransfer();
    var zone = document.createElement("div");
    zone.className = "cde-attachments__drop";
    zone.textContent = "Ou glissez-déposez vos fichiers ici.";
    var list = document.createElement("ul");
    list.className = "fr-mt-1w";
    var status = document.createElement("p");
    status.className = "fr-sr-only";
    status.setAttribute("role", "status");
    group.append(refusal, zone, list, status);

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
        // Named after its file, as on the edit page: ten « Retirer » say nothing out of context.
        remove.setAttribute("aria-label", "Retirer « " + file.name + " »");
        remove.addEventListener("click", function () {
          files.items.remove(index);
          render();
          status.textContent = "« " + file.name + " » retiré.";
          input.focus();
        });
        li.appendChild(remove);
        list.appendChild(li);
      });
    }
    function add(fileList) {
      var refused = [];
      Array.prototype.forEach.call(fileList, function (file) {
        if (maxBytes && file.size > maxBytes) {
          refused.push(
            "Le fichier « " + file.name + " » pèse " + fileSize(file.size) +
              " : la taille maximale est de " + fileSize(maxBytes) + ". Il n’est pas joint."
          );
        } else if (maxFiles && files.files.length >= maxFiles) {
          // The server's limit too: said now, not after a long upload refused as a whole.
          refused.push(
            "« " + file.name + " » n’est pas joint : " + maxFiles + " fichiers au maximum par message."
          );
        } else {
          files.items.add(file);
        }
      });
      render();
      refusal.textContent = refused.join(" ");
      refusal.hidden = !refused.length;
      group.classList.toggle("fr-upload-group--error", refused.length > 0);
      if (refused.length) input.setAttribute("aria-describedby", refusal.id);
      else if (input.getAttribute("aria-describedby") === refusal.id) input.removeAttribute("aria-describedby");
      var count = files.files.length;
      status.textContent =
        (refused.length ? refused.join(" ") + " " : "") +
        count +
        (count > 1 ? " fichiers joints." : " fichier joint.");
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
    // Files dropped on the message's frame are attached too (walk 12g): the editor holds no
    // image, and the browser would otherwise open the file in place of the page. Caught before
    // the editor sees the drop; dragged text still goes to the editor.
    var form = group.closest("form");
    if (!form) return;
    function carriesFiles(event) {
      return event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types || [], "Files") >= 0;
    }
    form.addEventListener(
      "dragover",
      function (event) {
        if (carriesFiles(event) && event.target.closest && event.target.closest(".cde-editor")) event.preventDefault();
      },
      true
    );
    form.addEventListener(
      "drop",
      function (event) {
        if (!carriesFiles(event) || !event.target.closest || !event.target.closest(".cde-editor")) return;
        event.preventDefault();
        event.stopPropagation();
        if (event.dataTransfer.files.length) add(event.dataTransfer.files);
      },
      true
    );
  }

  // A form sent back with errors: focus goes to the first field in error (the editor for the
  // message: editor.js, a module included before this script, has already run).
  // The reply form comes back at #repondre: Chromium's scroll to that fragment, done once the
  // page has loaded, clears the focus (walk 12e), so it is given again after the load.
  function focusFirstError() {
    var field = document.querySelector('form[data-draft-url] [aria-invalid="true"], form[data-post-form] [aria-invalid="true"]');
    if (!field) return;
    // A form with the site's error summary (a new discussion): error_summary.js focuses the
    // summary, as on the site's other forms; its links lead to the fields (linkSummaryToEditors).
    if (field.form && field.form.querySelector("[data-cde-error-summary]")) return;
    function focus() {
      if (field.cdeEditor) field.cdeEditor.commands.focus();
      else field.focus();
    }
    focus();
    if (location.hash) {
      var refocus = function () {
        requestAnimationFrame(function () {
          if (document.activeElement === document.body || !document.activeElement) focus();
        });
      };
      if (document.readyState === "complete") refocus();
      else window.addEventListener("load", refocus);
    }
  }

  // Publishing, marking the solution or deleting comes back to the message concerned
  // (#message-N): the focus goes there too, not to the top of the page, so that keyboard and
  // screen reader users carry on from it. Not when a form in error already took it.
  function focusTargetMessage() {
    if (!/^#message-\d+$/.test(location.hash)) return;
    var target = document.getElementById(location.hash.slice(1));
    if (!target || document.querySelector('form[data-draft-url] [aria-invalid="true"], form[data-post-form] [aria-invalid="true"]')) return;
    target.setAttribute("tabindex", "-1");
    target.focus();
  }

  // Editing a solved question: unticking « C'est une question » shows what it removes and the
  // box that confirms it (the server refuses the edit without it).
  function solutionWarning(form) {
    var box = form.elements.namedItem("is_question");
    var warning = form.querySelector("[data-drop-solution]");
    if (!box || !warning) return;
    box.addEventListener("change", function () {
      warning.hidden = box.checked;
      if (box.checked) form.elements.namedItem("drop_solution").checked = false;
    });
  }

  focusTargetMessage();
  document.querySelectorAll("form[data-post-form]").forEach(solutionWarning);
  document.querySelectorAll("form[data-draft-url]").forEach(draftAutosave);
  // The summary's link to the message goes to its textarea, which the rich-text editor hides:
  // focus the editor instead.
  function linkSummaryToEditors() {
    document.querySelectorAll("[data-cde-error-summary] a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var target = document.getElementById(link.getAttribute("href").slice(1));
        if (target && target.cdeEditor) {
          event.preventDefault();
          target.cdeEditor.commands.focus();
        }
      });
    });
  }

  focusFirstError();
  linkSummaryToEditors();
  document.querySelectorAll("[data-attachments]").forEach(attachments);
})();
