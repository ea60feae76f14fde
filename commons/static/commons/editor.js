// The site's rich-text editor: django-prose-editor's ProseMirror/Tiptap bundle, limited to what
// commons.html.sanitize_html keeps (bold, italic, headings, lists, quotes, links). Any
// <textarea data-rich-text> becomes an editor; the textarea stays in the form and receives the
// HTML, so without JavaScript it is a plain text area. The server sanitises whatever it gets.
//
// Imported by a relative URL, not through django-prose-editor's import map: an import map is an
// inline script, which the site's Content-Security-Policy forbids. Tiptap's injected <style> is
// off for the same reason (commons/editor.css has what it needs).
import {
  Blockquote,
  Bold,
  BulletList,
  Document,
  Dropcursor,
  Editor,
  Extension,
  Gapcursor,
  HardBreak,
  Heading,
  History,
  Italic,
  Link,
  ListItem,
  OrderedList,
  Paragraph,
  Plugin,
  Text,
} from "../django_prose_editor/editor.js";

let counter = 0;

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}

function escapeHtml(text) {
  const div = document.createElement("div");
  div.textContent = text;
  return div.innerHTML;
}

// Plain text (typed without JavaScript, or an old draft) as paragraphs, like the server does.
function initialContent(value) {
  if (!value.trim() || /<[a-zA-Z/]/.test(value)) return value;
  return value
    .replace(/\r\n/g, "\n")
    .split(/\n{2,}/)
    .filter((p) => p.trim())
    .map((p) => `<p>${escapeHtml(p.trim()).replace(/\n/g, "<br>")}</p>`)
    .join("");
}

// Microsoft Word's clipboard HTML has no lists: each item is a <p class=MsoListParagraph…
// style='mso-list:l0 level1 lfo1'> starting with its typed number or bullet in
// <span style='mso-list:Ignore'>. Make consecutive items real <ol>/<ul><li>, nested by levelN,
// markers dropped. Parsed in an inert document (DOMParser runs no script, loads nothing).
// LibreOffice and Google Docs paste real lists, left as they are. commons/html.py
// (word_lists_to_html) does the same on the server.
const MSO_LIST = /mso-list\s*:\s*(l\d+)\s+level(\d+)/i;
const MSO_MARKER = /mso-list\s*:\s*ignore/i;
const ORDERED_MARKER = /^\(?([0-9]+|[a-z]|[ivxlcdm]+)[.)]$/i;
const LIST_BLOCKS = new Set(["P", "H1", "H2", "H3", "H4", "H5", "H6", "DIV"]);
// A marker typed at the start of the item when Word left no mso-list:Ignore span (older Word,
// Outlook): « · », « o », « § », « ▪ » or « 1. », « a) » followed by Word's padding. A letter
// marker needs a non-breaking space, so that an item written « o u bien » is not cut.
const LEADING_MARKER = /^[\s\u00a0]*(?:([·•▪■□◦‣§\uf0b7\uf0a7\uf0d8\-–—*])[\s\u00a0]+|(\(?(?:[0-9]+|[a-z]|[ivxlcdm]+)[.)])[\s\u00a0]+|(o)\u00a0[\s\u00a0]*)/i;

// Word's <![if !supportLists]>marker<![endif]> (comments once parsed) removed; its text or null.
function dropConditionalMarker(node) {
  const walker = node.ownerDocument.createTreeWalker(node, NodeFilter.SHOW_COMMENT);
  let start;
  while ((start = walker.nextNode())) {
    if (/^\[?if !supportLists/i.test(start.data.trim())) break;
  }
  if (!start) return null;
  let text = "";
  let sibling = start.nextSibling;
  while (sibling && !(sibling.nodeType === Node.COMMENT_NODE && /^\[?endif/i.test(sibling.data.trim()))) {
    const following = sibling.nextSibling;
    if (sibling.nodeType !== Node.COMMENT_NODE) text += sibling.textContent;
    sibling.remove();
    sibling = following;
  }
  if (sibling) sibling.remove();
  start.remove();
  return text;
}

// A typed bullet or number at the start of a list item removed; the marker or null.
function dropLeadingMarker(node) {
  const walker = node.ownerDocument.createTreeWalker(node, NodeFilter.SHOW_TEXT);
  let first;
  while ((first = walker.nextNode())) {
    if (first.data.replace(/[\s\u00a0]/g, "")) break;
  }
  if (!first) return null;
  const match = LEADING_MARKER.exec(first.data);
  if (!match) return null;
  first.data = first.data.slice(match[0].length);
  return match[1] || match[2] || match[3];
}

function wordListItem(node) {
  if (node.nodeType !== Node.ELEMENT_NODE || !LIST_BLOCKS.has(node.tagName)) return null;
  const match = MSO_LIST.exec(node.getAttribute("style") || "");
  const marker = [...node.querySelectorAll("span")].find((span) => MSO_MARKER.test(span.getAttribute("style") || ""));
  const listClass = [...node.classList].some((name) => name.startsWith("MsoListParagraph"));
  if (!match && !(listClass && marker)) return null;
  let kind = null;
  if (marker) {
    kind = ORDERED_MARKER.test(marker.textContent.replace(/\s+/g, "")) ? "OL" : "UL";
    marker.remove();
  }
  const conditional = dropConditionalMarker(node);
  if (!kind && conditional !== null) kind = ORDERED_MARKER.test(conditional.replace(/\s+/g, "")) ? "OL" : "UL";
  if (!kind) {
    const typed = dropLeadingMarker(node);
    kind = typed && ORDERED_MARKER.test(typed) ? "OL" : "UL";
  }
  const level = match ? Math.max(1, Math.min(parseInt(match[2], 10), 9)) : 1;
  return { id: match ? match[1] : "l", level, kind };
}

function betweenItems(node) {
  return node.nodeType === Node.COMMENT_NODE || (node.nodeType === Node.TEXT_NODE && !node.textContent.trim());
}

function convertWordLists(container) {
  let stack = []; // {level, id, kind, list, li}
  for (const node of [...container.childNodes]) {
    const item = wordListItem(node);
    if (!item) {
      if (betweenItems(node)) continue;
      stack = [];
      if (node.nodeType === Node.ELEMENT_NODE && node.querySelector("[style*='mso-list'], [class^='MsoListParagraph']")) {
        convertWordLists(node);
      }
      continue;
    }
    while (stack.length && stack[stack.length - 1].level > item.level) stack.pop();
    let top = stack[stack.length - 1];
    if (top && top.level === item.level && (top.id !== item.id || top.kind !== item.kind)) {
      stack.pop();
      top = stack[stack.length - 1];
    }
    if (!top || top.level < item.level) {
      const list = container.ownerDocument.createElement(item.kind);
      if (top) top.li.appendChild(list);
      else node.before(list);
      top = { level: item.level, id: item.id, kind: item.kind, list, li: null };
      stack.push(top);
    }
    const li = container.ownerDocument.createElement("li");
    while (node.firstChild) li.appendChild(node.firstChild);
    top.list.appendChild(li);
    top.li = li;
    node.remove();
  }
}

export function wordListsToHtml(html) {
  if (!/mso-list|MsoListParagraph/i.test(html)) return html;
  const doc = new DOMParser().parseFromString(html, "text/html");
  convertWordLists(doc.body);
  return doc.body.innerHTML;
}

// Google's click-tracking wrapper (Gmail, search results) around a pasted link: its target,
// exactly as written. commons/html.py (unwrap_redirect) does the same on the server.
const GOOGLE_REDIRECT = /^https?:\/\/(www\.)?google\.[a-z]{2,3}(\.[a-z]{2})?\/url\?/i;

export function unwrapRedirect(href) {
  if (!href || !GOOGLE_REDIRECT.test(href)) return href;
  try {
    const params = new URL(href).searchParams;
    for (const key of ["q", "url"]) {
      const target = (params.get(key) || "").trim();
      if (/^https?:\/\/\S+$/i.test(target)) return target;
    }
  } catch (error) {
    // Not a URL after all: left as it is.
  }
  return href;
}

// Tables (webmails, spreadsheets) are not kept: one paragraph per row, cells separated by « — »,
// so that « Lundi | 9h-12h » does not become « Lundi9h-12h » (commons/html.py:
// tables_to_paragraphs on the server).
function tablesToParagraphs(doc) {
  for (const table of [...doc.querySelectorAll("table")].reverse()) {
    const paragraphs = [];
    for (const row of table.rows) {
      const paragraph = doc.createElement("p");
      for (const cell of row.cells) {
        for (const block of cell.querySelectorAll("p, div, ul, ol, li, h1, h2, h3, h4, h5, h6")) {
          block.after(doc.createElement("br"));
          block.replaceWith(...block.childNodes);
        }
        while (cell.lastChild && (cell.lastChild.nodeName === "BR" || !cell.lastChild.textContent.trim())) {
          cell.lastChild.remove();
        }
        if (!cell.textContent.trim()) continue;
        if (paragraph.childNodes.length) paragraph.append(" — ");
        paragraph.append(...cell.childNodes);
      }
      if (paragraph.childNodes.length) paragraphs.push(paragraph);
    }
    table.replaceWith(...paragraphs);
  }
}

// Blank lines at the start and the end of a pasted document (Word's <p>&nbsp;</p>).
function isBlank(node) {
  if (node.nodeType === Node.COMMENT_NODE) return true;
  if (node.nodeType === Node.TEXT_NODE) return !node.textContent.trim();
  if (node.nodeType !== Node.ELEMENT_NODE || node.querySelector("img, hr, table")) return false;
  return ["P", "DIV", "BR", "O:P", "SPAN"].includes(node.tagName) && !node.textContent.replace(/[\s\u00a0]/g, "");
}

function trimBlankEdges(container) {
  for (const edge of ["firstChild", "lastChild"]) {
    let node = container[edge];
    while (node) {
      if (isBlank(node)) {
        node.remove();
        node = container[edge];
      } else {
        if (node.nodeType === Node.ELEMENT_NODE && node.tagName === "DIV") trimBlankEdges(node);
        break;
      }
    }
  }
}

// Event-handler attributes (onerror, onload…) renamed in the pasted text itself, before any
// parser sees it. Parsing in an inert document (DOMParser, createHTMLDocument, <template>) runs
// and loads nothing, but Chromium still checks each handler attribute against the page's
// Content-Security-Policy as it is set and reports a violation (walk 12g): a pasted web page or
// HTML e-mail must not get that far. Quoted values are skipped (a quote counts after « = », as
// in the HTML tokenizer); a value that happens to hold " onx=" unquoted is only renamed, and the
// server sanitises whatever arrives anyway.
const TAG = /<[a-zA-Z](?:=\s*"[^"]*"|=\s*'[^']*'|[^>])*>?/g;
const HANDLER = /(=\s*"[^"]*"|=\s*'[^']*')|([\s\/])(on[a-z0-9_:.-]*)(?=\s*(?:=|\/|>|\s|$))/gi;

export function dropEventHandlers(html) {
  return html.replace(TAG, (tag) =>
    tag.replace(HANDLER, (match, quoted, before, name) => (quoted ? quoted : `${before}data-cde-${name}`)),
  );
}

// What the schema cannot hold and that a parser might fetch: gone before ProseMirror parses.
const DROPPED = "script, style, img, picture, source, video, audio, iframe, frame, object, embed, svg, math, link, meta, base, form, input, button, textarea, select";

export function cleanPastedHtml(html) {
  html = wordListsToHtml(dropEventHandlers(html));
  const doc = new DOMParser().parseFromString(html, "text/html");
  for (const node of doc.querySelectorAll(DROPPED)) node.remove();
  for (const node of doc.querySelectorAll("*")) {
    for (const { name } of [...node.attributes]) {
      if (name.startsWith("data-cde-on") || name === "srcset" || name === "src" || name === "srcdoc") node.removeAttribute(name);
    }
  }
  tablesToParagraphs(doc);
  for (const link of doc.querySelectorAll("a[href]")) link.setAttribute("href", unwrapRedirect(link.getAttribute("href")));
  trimBlankEdges(doc.body);
  return doc.body.innerHTML;
}

// Toolbar: visible French labels (they are the accessible names), one tab stop, arrow keys move
// between buttons (WAI-ARIA toolbar pattern), aria-pressed mirrors the formatting at the cursor.
const BUTTONS = [
  { label: "Gras", keys: "Ctrl+B", run: (c) => c.toggleBold(), active: (e) => e.isActive("bold") },
  {
    label: "Italique",
    keys: "Ctrl+I",
    run: (c) => c.toggleItalic(),
    active: (e) => e.isActive("italic"),
  },
  {
    label: "Intertitre",
    run: (c) => c.toggleHeading({ level: 2 }),
    active: (e) => e.isActive("heading", { level: 2 }),
  },
  {
    label: "Sous-titre",
    run: (c) => c.toggleHeading({ level: 3 }),
    active: (e) => e.isActive("heading", { level: 3 }),
  },
  {
    label: "Liste à puces",
    run: (c) => c.toggleBulletList(),
    active: (e) => e.isActive("bulletList"),
  },
  {
    label: "Liste numérotée",
    run: (c) => c.toggleOrderedList(),
    active: (e) => e.isActive("orderedList"),
  },
  {
    label: "Citation",
    run: (c) => c.toggleBlockquote(),
    active: (e) => e.isActive("blockquote"),
  },
  { label: "Lien", keys: "Ctrl+K", link: true, active: (e) => e.isActive("link") },
  // Named in full: a form's own "Annuler" or "Abandonner" must not be taken for these.
  // aria-disabled (not disabled) while there is nothing to undo or redo: still reached by the
  // arrow keys, so the toolbar keeps its shape.
  {
    label: "Annuler",
    name: "Annuler la dernière modification",
    keys: "Ctrl+Z",
    run: (c) => c.undo(),
    can: (e) => e.can().undo(),
  },
  {
    label: "Rétablir",
    name: "Rétablir la modification annulée",
    keys: "Ctrl+Y",
    run: (c) => c.redo(),
    can: (e) => e.can().redo(),
  },
];

function buildToolbar(editor, labelText) {
  const toolbar = el("div", {
    role: "toolbar",
    class: "cde-editor__toolbar",
    "aria-label": `Mise en forme : ${labelText}`,
  });
  const buttons = BUTTONS.map((spec, index) => {
    const button = el("button", {
      type: "button",
      class: "cde-editor__button",
      tabindex: index === 0 ? "0" : "-1",
    });
    button.textContent = spec.label;
    if (spec.name) button.setAttribute("aria-label", spec.name);
    if (spec.keys) button.title = `${spec.name || spec.label} (${spec.keys})`;
    if (spec.active) button.setAttribute("aria-pressed", "false");
    button.addEventListener("mousedown", (event) => event.preventDefault()); // keep the selection
    button.addEventListener("click", () => {
      if (button.getAttribute("aria-disabled") === "true") return;
      if (spec.link) openLinkDialog(editor);
      else spec.run(editor.chain().focus()).run();
    });
    toolbar.appendChild(button);
    return button;
  });
  toolbar.addEventListener("keydown", (event) => {
    const index = buttons.indexOf(document.activeElement);
    if (index < 0) return;
    let next = null;
    if (event.key === "ArrowRight") next = (index + 1) % buttons.length;
    else if (event.key === "ArrowLeft") next = (index - 1 + buttons.length) % buttons.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = buttons.length - 1;
    if (next === null) return;
    event.preventDefault();
    buttons[index].tabIndex = -1;
    buttons[next].tabIndex = 0;
    buttons[next].focus();
  });
  const refresh = () => {
    BUTTONS.forEach((spec, i) => {
      if (spec.active) buttons[i].setAttribute("aria-pressed", String(!!spec.active(editor)));
      if (spec.can) buttons[i].setAttribute("aria-disabled", String(!spec.can(editor)));
    });
  };
  editor.on("transaction", refresh);
  refresh();
  return toolbar;
}

// ProseMirror learns of a selection made with the keyboard from "selectionchange" events, which
// the browser queues: Shift+arrows then Ctrl+K at typing speed reach the shortcut before the
// last of them, and the link would land on part of the selected word. Read the DOM selection.
function currentRange(editor) {
  const { view } = editor;
  const selection = document.getSelection();
  if (selection && selection.anchorNode && view.dom.contains(selection.anchorNode) && view.dom.contains(selection.focusNode)) {
    try {
      const anchor = view.posAtDOM(selection.anchorNode, selection.anchorOffset);
      const head = view.posAtDOM(selection.focusNode, selection.focusOffset);
      return { from: Math.min(anchor, head), to: Math.max(anchor, head) };
    } catch (error) {
      // A node ProseMirror does not map (a widget): keep its own selection.
    }
  }
  const { from, to } = editor.state.selection;
  return { from, to };
}

// A small native <dialog> to type the address of a link (Escape closes it, focus returns). The
// link goes on the range selected when the dialog opened, whatever happens to the selection
// while the dialog has the focus. With nothing selected, the address itself is inserted as the
// link's text (as in a webmail). Afterwards the cursor is right after the link, so that what is
// typed next neither replaces the linked words nor joins the link.
function openLinkDialog(editor) {
  const range = currentRange(editor);
  editor.commands.setTextSelection(range);
  const onLink = editor.isActive("link");
  const id = `cde-lien-${++counter}`;
  const dialog = el("dialog", { class: "cde-editor__dialog", "aria-labelledby": `${id}-titre` });
  // novalidate: "service-public.fr" typed without https:// is completed below, not refused.
  const form = el("form", { method: "dialog", novalidate: "" });
  form.appendChild(el("p", { id: `${id}-titre`, class: "fr-text--bold fr-mb-1w" }, "Lien"));
  const group = el("div", { class: "fr-input-group" });
  group.appendChild(el("label", { class: "fr-label", for: id }, "Adresse du lien (https://…)"));
  const input = el("input", { class: "fr-input", type: "url", id, autocomplete: "url", spellcheck: "false" });
  input.value = editor.getAttributes("link").href || "";
  const error = el("p", { id: `${id}-erreur`, class: "fr-error-text", hidden: "" });
  group.append(input, error);
  form.appendChild(group);
  const actions = el("div", { class: "fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm" });
  const ok = el("button", { type: "submit", class: "fr-btn", value: "ok" }, "Valider");
  actions.append(ok);
  // Only offered on a link.
  if (onLink) {
    actions.append(
      el("button", { type: "submit", class: "fr-btn fr-btn--secondary", value: "remove" }, "Retirer le lien"),
    );
  }
  actions.append(el("button", { type: "submit", class: "fr-btn fr-btn--tertiary", value: "cancel" }, "Annuler"));
  form.appendChild(actions);
  dialog.appendChild(form);
  document.body.appendChild(dialog);
  // Everything is done synchronously from the submit (Enter, a button) or cancel (Escape) event,
  // and the editor gets the focus back in the same task: Tiptap's focus() waits for an animation
  // frame, and the dialog's "close" event is queued too, so keys typed right after Enter (at
  // typing speed, or on a slow laptop) went to the editor's element with a stale DOM selection
  // and landed elsewhere in the text (seen with « Site : » then Ctrl+K).
  function finish(action) {
    const typed = input.value.trim();
    let href = unwrapRedirect(typed);
    dialog.close();
    dialog.remove();
    if (action === "remove") {
      editor.chain().setTextSelection(range).extendMarkRange("link").unsetLink().run();
    } else if (action === "ok" && href) {
      if (!/^(https?:|mailto:|tel:|\/|#)/i.test(href)) href = `https://${href}`;
      const chain = editor.chain();
      if (range.from === range.to && !onLink) {
        const text = typed.replace(/^(mailto|tel):/i, "");
        chain.insertContentAt(range.from, { type: "text", text, marks: [{ type: "link", attrs: { href } }] });
      } else {
        chain.setTextSelection(range).extendMarkRange("link").setLink({ href });
      }
      chain.run();
      editor.chain().setTextSelection(editor.state.selection.to).unsetMark("link").run();
    }
    // ProseMirror's own focus() is synchronous and writes the selection into the DOM.
    editor.view.focus();
  }
  // javascript:, data:… would only become a broken "https://javascript:…" (the server drops
  // them anyway): said in French, the dialog stays open.
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    let action = event.submitter ? event.submitter.value : "ok";
    // An address emptied on a link removes it; with no link, nothing to make: said, kept open.
    if (action === "ok" && !input.value.trim()) {
      if (onLink) action = "remove";
      else {
        showError("Indiquez l'adresse du lien, ou choisissez « Annuler ».");
        return;
      }
    }
    const scheme = /^\s*([a-z][a-z0-9+.-]*):(?!\d)/i.exec(input.value);
    if (action === "ok" && scheme && !/^(https?|mailto|tel)$/i.test(scheme[1])) {
      showError(
        "Cette adresse n'est pas acceptée : indiquez une adresse web (https://…), électronique (mailto:…) ou un numéro de téléphone (tel:…).",
      );
      return;
    }
    finish(action);
  });
  function showError(text) {
    error.textContent = text;
    error.hidden = false;
    group.classList.add("fr-input-group--error");
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", error.id);
    input.focus();
  }
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    finish("cancel");
  });
  dialog.showModal();
  input.focus();
}

// Mentions: typing @ then letters offers the group's members (GET data-mentions-url?q=). The
// editor is the input of an ARIA listbox (aria-controls, aria-activedescendant), as in the
// search suggestions; a choice inserts "@Prénom Nom" as a link to the member.
function mentions(url, holder, status) {
  const listId = `cde-mentions-${++counter}`;
  const list = el("ul", { id: listId, role: "listbox", class: "cde-mentions", hidden: "" });
  list.setAttribute("aria-label", "Membres du groupe");
  // Shown, not only announced: "@Sop" with nobody to offer otherwise looks like nothing happened.
  const empty = el("p", { class: "cde-mentions cde-mentions__empty", hidden: "", "aria-hidden": "true" }, "Aucun membre ne correspond");
  holder.append(list, empty);
  let state = { open: false, items: [], active: -1, range: null, query: null };
  let timer = null;
  let controller = null;
  let editorRef = null;
  // The position right after the space that follows a mention just inserted: a comma or a full
  // stop typed there takes the space's place (« @Julien Caron, »). ; : ! ? keep it, as French
  // typography wants.
  let afterMention = null;

  function dom() {
    return editorRef.view.dom;
  }
  // The status is emptied with the list: its instructions would be wrong once it is closed.
  function close(said = "") {
    if (said || status.textContent) status.textContent = said;
    state = { open: false, items: [], active: -1, range: null, query: null };
    list.hidden = true;
    empty.hidden = true;
    list.innerHTML = "";
    dom().removeAttribute("aria-activedescendant");
  }
  function highlight(index) {
    state.active = index;
    [...list.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
    if (index >= 0) {
      dom().setAttribute("aria-activedescendant", `${listId}-${index}`);
      list.children[index]?.scrollIntoView({ block: "nearest" });
    }
  }
  // Next to the caret (the "@"), not at the top of the editor: in a long message the top is
  // off-screen, and on a phone it covered the toolbar (walk 12e). Below the line when it fits
  // in the visible viewport, else above it; never wider than the editor. CSSOM styles, which
  // the Content-Security-Policy allows (unlike style attributes in the HTML).
  function position(box) {
    if (!state.range) return;
    let caret;
    try {
      caret = editorRef.view.coordsAtPos(state.range.from);
    } catch (error) {
      return;
    }
    const frame = holder.getBoundingClientRect();
    const viewport = window.visualViewport;
    const viewTop = viewport ? viewport.offsetTop : 0;
    const viewBottom = viewTop + (viewport ? viewport.height : window.innerHeight);
    const width = Math.min(box.offsetWidth || 0, frame.width);
    const left = Math.max(0, Math.min(caret.left - frame.left, frame.width - width));
    const height = box.offsetHeight;
    const below = caret.bottom + 4;
    const top = below + height <= viewBottom || caret.top - height - 4 < viewTop ? below : caret.top - height - 4;
    box.style.left = `${Math.round(left)}px`;
    box.style.right = "auto";
    box.style.top = `${Math.round(top - frame.top)}px`;
  }
  function choose(index) {
    const member = state.items[index];
    if (!member || !state.range) return;
    editorRef
      .chain()
      .focus()
      .insertContentAt(state.range, [
        { type: "text", text: `@${member.name}`, marks: [{ type: "link", attrs: { href: member.url } }] },
        { type: "text", text: " " },
      ])
      .unsetMark("link")
      .run();
    afterMention = editorRef.state.selection.from;
    close(`@${member.name} inséré.`);
  }
  function render(members) {
    list.innerHTML = "";
    state.items = members;
    members.forEach((member, i) => {
      const li = el("li", { id: `${listId}-${i}`, role: "option", "aria-selected": "false" });
      li.appendChild(el("span", { class: "cde-mentions__name" }, member.name));
      if (member.detail) li.appendChild(el("span", { class: "cde-mentions__detail" }, member.detail));
      li.addEventListener("mousedown", (event) => {
        event.preventDefault();
        choose(i);
      });
      list.appendChild(li);
    });
    empty.hidden = members.length > 0;
    if (!empty.hidden) position(empty);
    if (members.length) {
      state.open = true;
      list.hidden = false;
      position(list);
      highlight(0);
      const plural = members.length > 1 ? "s" : "";
      status.textContent = `Suggestions ouvertes : ${members.length} membre${plural} proposé${plural}, flèches haut et bas pour choisir, Entrée pour insérer, Échap pour fermer.`;
    } else {
      state.open = false;
      list.hidden = true;
      dom().removeAttribute("aria-activedescendant");
      status.textContent = "Aucun membre ne correspond.";
    }
  }
  function lookup(editor) {
    const { selection } = editor.state;
    if (!selection.empty) return close();
    const { $from } = selection;
    const before = $from.parent.textBetween(Math.max(0, $from.parentOffset - 40), $from.parentOffset, null, "\ufffc");
    const match = /(?:^|\s)@([^\s@\ufffc]{0,30}(?: [^\s@\ufffc]{0,30})?)$/u.exec(before);
    if (!match || editor.isActive("link")) {
      if (state.open || state.query !== null) close();
      return;
    }
    const query = match[1];
    state.range = { from: $from.pos - query.length - 1, to: $from.pos };
    if (query === state.query) return;
    state.query = query;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (controller) controller.abort();
      controller = new AbortController();
      fetch(`${url}?q=${encodeURIComponent(query)}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: controller.signal,
      })
        .then((response) => (response.ok ? response.json() : { members: [] }))
        .then((data) => {
          if (state.query === query) render(data.members || []);
        })
        .catch(() => {});
    }, 150);
  }
  const extension = Extension.create({
    name: "cdeMentions",
    addProseMirrorPlugins() {
      return [
        new Plugin({
          props: {
            handleTextInput(view, from, to, text) {
              const position = afterMention;
              afterMention = null;
              if (position !== from || from !== to || !/^[,.)\]…]/.test(text)) return false;
              if (view.state.doc.textBetween(from - 1, from) !== " ") return false;
              view.dispatch(view.state.tr.insertText(text, from - 1, from));
              return true;
            },
            handleKeyDown(view, event) {
              if (!state.open) return false;
              const count = state.items.length;
              if (event.key === "ArrowDown") highlight((state.active + 1) % count);
              else if (event.key === "ArrowUp") highlight(state.active <= 0 ? count - 1 : state.active - 1);
              else if (event.key === "Enter" || event.key === "Tab") {
                // Only a visible list with a highlighted member takes Enter; otherwise it is a
                // new line, as the writer expects.
                if (list.hidden || state.active < 0 || !state.items[state.active]) return false;
                choose(state.active);
              }
              else if (event.key === "Escape") close("Suggestions fermées.");
              else return false;
              event.preventDefault();
              return true;
            },
          },
        }),
      ];
    },
  });
  return {
    extension,
    attach(editor) {
      editorRef = editor;
      const node = editor.view.dom;
      node.setAttribute("aria-autocomplete", "list");
      node.setAttribute("aria-controls", listId);
      editor.on("update", () => lookup(editor));
      editor.on("selectionUpdate", () => lookup(editor));
      editor.on("blur", () => setTimeout(() => state.open && close(), 150));
      // The page scrolled or the phone's keyboard opened: the list follows the caret.
      const follow = () => {
        if (state.open) position(list);
        else if (!empty.hidden) position(empty);
      };
      window.addEventListener("scroll", follow, { passive: true });
      window.addEventListener("resize", follow);
      window.visualViewport?.addEventListener("resize", follow);
    },
  };
}

function createEditor(textarea) {
  if (textarea.closest(".cde-editor")) return null;
  const wrapper = el("div", { class: "cde-editor" });
  textarea.before(wrapper);
  wrapper.appendChild(textarea);
  textarea.hidden = true;
  const label = document.querySelector(`label[for="${textarea.id}"]`);
  if (label && !label.id) label.id = `${textarea.id}-label`;
  // The label's hint and errors describe the editor too.
  const described = [textarea.getAttribute("aria-describedby")].filter(Boolean);
  const status = el("p", { class: "fr-sr-only", role: "status" });
  const mount = el("div", { class: "cde-editor__content" });
  const mention = textarea.dataset.mentionsUrl ? mentions(textarea.dataset.mentionsUrl, wrapper, status) : null;
  const editor = new Editor({
    element: mount,
    injectCSS: false,
    content: initialContent(textarea.value),
    extensions: [
      Document,
      Paragraph,
      Text,
      HardBreak,
      Bold,
      Italic,
      Heading.configure({ levels: [2, 3] }),
      BulletList,
      OrderedList,
      ListItem,
      Blockquote,
      // Not inclusive (Tiptap makes it so with autolink): what is typed right after a link,
      // "mairie" then ".", stays out of it. No paste rules: Tiptap's would replace a pasted
      // link's address by its text when the text looks like an address (« relais.fr » linking
      // to https://relais.fr/accueil became http://relais.fr); the server links bare
      // addresses when the message is published.
      Link.extend({ inclusive: () => false, addPasteRules: () => [] }).configure({
        openOnClick: false,
        autolink: true,
        defaultProtocol: "https",
        HTMLAttributes: { target: null, rel: null, class: null },
      }),
      History,
      Dropcursor,
      Gapcursor,
      // Ctrl+K opens the site's French link dialog: the bundle's Link binds it to its own
      // English menu, and this extension runs first.
      Extension.create({
        name: "cdeLinkShortcut",
        priority: 1000,
        addKeyboardShortcuts() {
          return {
            "Mod-k": () => {
              openLinkDialog(this.editor);
              return true;
            },
          };
        },
      }),
      ...(mention ? [mention.extension] : []),
    ].filter(Boolean),
    editorProps: {
      transformPastedHTML: cleanPastedHtml,
      attributes: {
        role: "textbox",
        "aria-multiline": "true",
        ...(label ? { "aria-labelledby": label.id } : {}),
        ...(described.length ? { "aria-describedby": described.join(" ") } : {}),
        ...(textarea.getAttribute("aria-invalid") ? { "aria-invalid": "true" } : {}),
        class: "cde-editor__area cde-post-body",
      },
    },
    onUpdate({ editor: current }) {
      const html = current.getHTML();
      textarea.value = /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
  });
  wrapper.append(buildToolbar(editor, label ? label.firstChild.textContent.trim() : "message"), mount, status);
  if (mention) mention.attach(editor);
  // The label (and an error summary's link) lead to the editor.
  if (label) label.addEventListener("click", () => editor.commands.focus());
  textarea.addEventListener("focus", () => editor.commands.focus());
  textarea.cdeEditor = editor;
  // The ready signal (also for tests): the editor takes input from here on.
  wrapper.dataset.ready = "";
  wrapper.dispatchEvent(new CustomEvent("cde-editor:ready", { bubbles: true, detail: { editor, textarea } }));
  return editor;
}

document.querySelectorAll("textarea[data-rich-text]").forEach(createEditor);
