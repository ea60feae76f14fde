/* Live chat of a café-cité session (protocol 2: docs/chat-protocol.md).
   Reconnects with exponential backoff and resumes with ?after=<last log number received>: the
   server sends a room's log to each socket in order and without gaps (messages, deletions,
   mutes), so the resume also brings the deletions and mutes missed meanwhile. Every message
   is keyed by its id, so nothing is shown twice. Shows when the
   server says its live delivery is degraded (channel layer down: messages are stored, the
   display may lag). No dependency, no inline script. */
(function () {
    "use strict";

    var root = document.querySelector("[data-chat-url]");
    if (!root || !window.WebSocket) {
        return;
    }
    var list = document.getElementById("chat-messages");
    var stateEl = document.getElementById("chat-etat");
    var presenceEl = document.getElementById("chat-presence");
    var announcer = document.getElementById("chat-annonces");
    var form = document.getElementById("chat-formulaire");
    var textarea = document.getElementById("chat-texte");
    var questionBox = document.getElementById("chat-question");
    var button = document.getElementById("chat-envoyer");
    var errorEl = document.getElementById("chat-erreur");

    var socket = null;
    var cursor = null; // last log number received (`seq`), the resume point
    var attempt = 0;
    var canPost = false;
    var moderator = false;
    var myId = null;
    var outbox = {}; // client_id -> payload, re-sent after a reconnection until acknowledged
    var timer = null;
    var stopped = false;
    var open = false; // the chat's window: posting allowed by time
    var live = "ok"; // the server's live delivery: "ok" or "degraded"

    function socketUrl() {
        var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
        var url = scheme + window.location.host + root.getAttribute("data-chat-url") + "?v=2";
        return cursor === null ? url : url + "&after=" + cursor;
    }

    function advance(seq) {
        if (typeof seq === "number" && (cursor === null || seq > cursor)) {
            cursor = seq;
        }
    }

    function uuid() {
        if (window.crypto && window.crypto.randomUUID) {
            return window.crypto.randomUUID();
        }
        return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
            return (c ^ (window.crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
        });
    }

    function setState(text, warning) {
        stateEl.textContent = text;
        root.setAttribute("data-chat-state", text);
        // DSFR warning colour and icon while the live delivery is degraded.
        ["fr-icon-warning-line", "fr-icon--sm", "cde-chat__etat--perturbe"].forEach(function (name) {
            stateEl.classList.toggle(name, Boolean(warning));
        });
    }

    function showConnected() {
        if (live === "degraded") {
            setState(
                open
                    ? "Direct perturbé : vos messages sont enregistrés, l'affichage peut avoir du retard."
                    : "Direct perturbé : l'affichage des messages peut avoir du retard.",
                true
            );
        } else {
            setState(open ? "Connecté" : "Connecté — chat en lecture seule");
        }
    }

    function setLive(value) {
        var was = live;
        live = value === "degraded" ? "degraded" : "ok";
        root.setAttribute("data-chat-live", live);
        showConnected();
        if (was === "degraded" && live === "ok") {
            announce("Direct rétabli : les messages arrivent de nouveau en temps réel.");
        }
    }

    // First attempt spread over 0.5 to 5 s: when a server process stops, all its sockets close
    // at once and must not all land on the other processes in the same second (issue #7,
    // docs/benchmarks.md). Then exponential: 2 to 4 s, 4 to 8 s… up to 15 to 30 s.
    function retryDelay(attempt) {
        if (attempt <= 1) {
            return 500 + Math.random() * 4500;
        }
        return Math.min(30000, 1000 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
    }

    function setComposer(enabled) {
        textarea.disabled = !enabled;
        questionBox.disabled = !enabled;
        button.disabled = !enabled;
    }

    function announce(text) {
        var item = document.createElement("p");
        item.textContent = text;
        announcer.appendChild(item);
        while (announcer.childNodes.length > 5) {
            announcer.removeChild(announcer.firstChild);
        }
    }

    function showError(text) {
        errorEl.textContent = text;
        errorEl.hidden = !text;
    }

    function timeLabel(iso) {
        // « 21 h 55 », as the server writes times (commons.french.format_time, |heure).
        var parts = new Intl.DateTimeFormat("fr-FR", {
            hour: "numeric",
            minute: "2-digit",
            hourCycle: "h23",
            timeZone: "Europe/Paris"
        }).formatToParts(new Date(iso));
        var hour = "", minute = "";
        parts.forEach(function (part) {
            if (part.type === "hour") {
                hour = String(Number(part.value));
            } else if (part.type === "minute") {
                minute = part.value;
            }
        });
        return hour + "\u00a0h\u00a0" + minute;
    }

    function render(message) {
        var item = document.createElement("li");
        item.className = "cde-chat__message" + (message.question ? " cde-chat__message--question" : "");
        item.id = "chat-message-" + message.id;
        item.setAttribute("data-id", message.id);
        var meta = document.createElement("p");
        meta.className = "cde-chat__meta";
        var author = document.createElement("strong");
        author.textContent = message.author.name;
        meta.appendChild(author);
        if (message.author.organisation) {
            var org = document.createElement("span");
            org.textContent = message.author.organisation;
            meta.appendChild(org);
        }
        if (message.author.animateur) {
            var badge = document.createElement("span");
            badge.className = "fr-badge fr-badge--sm fr-badge--blue-france";
            badge.textContent = "Animation";
            meta.appendChild(badge);
        }
        if (message.question) {
            var q = document.createElement("span");
            q.className = "fr-badge fr-badge--sm fr-badge--purple-glycine";
            q.textContent = "Question";
            meta.appendChild(q);
        }
        var time = document.createElement("time");
        time.setAttribute("datetime", message.created_at);
        time.textContent = timeLabel(message.created_at);
        meta.appendChild(time);
        item.appendChild(meta);
        var body = document.createElement("div");
        body.innerHTML = message.body_html; // sanitised by the server (commons.html)
        item.appendChild(body);
        if (moderator) {
            var actions = document.createElement("p");
            actions.className = "fr-mb-0";
            var del = document.createElement("button");
            del.type = "button";
            del.className = "fr-btn fr-btn--tertiary-no-outline fr-btn--sm";
            del.textContent = "Supprimer";
            del.setAttribute("aria-label", "Supprimer le message de " + message.author.name);
            del.addEventListener("click", function () {
                confirmAction(
                    {
                        title: "Supprimer ce message ?",
                        text: "Le message de " + message.author.name +
                            " disparaîtra du chat pour tous les participants.",
                        yes: "Supprimer",
                        payload: { type: "delete", id: message.id },
                    },
                    del
                );
            });
            actions.appendChild(del);
            if (message.author.id !== myId && !message.author.animateur) {
                var mute = document.createElement("button");
                mute.type = "button";
                mute.className = "fr-btn fr-btn--tertiary-no-outline fr-btn--sm";
                mute.textContent = "Rendre muet";
                mute.setAttribute("aria-label", "Rendre muet " + message.author.name);
                mute.addEventListener("click", function () {
                    confirmAction(
                        {
                            title: "Rendre muet ce participant ?",
                            text: message.author.name +
                                " ne pourra plus écrire dans le chat jusqu'à la fin de la séance. " +
                                "Ses messages déjà publiés restent visibles.",
                            yes: "Rendre muet",
                            payload: { type: "mute", user_id: message.author.id },
                        },
                        mute
                    );
                });
                actions.appendChild(mute);
            }
            item.appendChild(actions);
        }
        return item;
    }

    // Deleting a message and muting someone (for the rest of the session) are asked first, in
    // a modal dialog (focus kept inside, Escape cancels, focus back on the button that opened
    // it; once the message is gone, on the list: see removeMessage).
    var confirmDialog = null;
    var pending = null;
    var opener = null;

    function closeConfirmDialog() {
        confirmDialog.close();
        if (opener && document.body.contains(opener)) {
            opener.focus();
        }
    }

    function buildConfirmDialog() {
        var dialog = document.createElement("dialog");
        dialog.id = "chat-confirmer";
        dialog.className = "cde-chat__confirm";
        dialog.setAttribute("aria-labelledby", "chat-confirmer-titre");
        dialog.setAttribute("aria-describedby", "chat-confirmer-texte");
        var title = document.createElement("h2");
        title.id = "chat-confirmer-titre";
        title.className = "fr-h5";
        var text = document.createElement("p");
        text.id = "chat-confirmer-texte";
        var buttons = document.createElement("div");
        buttons.className = "fr-btns-group fr-btns-group--inline fr-btns-group--right";
        var yes = document.createElement("button");
        yes.type = "button";
        yes.className = "fr-btn";
        yes.addEventListener("click", function () {
            if (pending !== null) {
                send(pending);
            }
            pending = null;
            closeConfirmDialog();
        });
        var no = document.createElement("button");
        no.type = "button";
        no.className = "fr-btn fr-btn--secondary";
        no.textContent = "Annuler";
        no.addEventListener("click", function () {
            pending = null;
            closeConfirmDialog();
        });
        dialog.addEventListener("cancel", function () {
            pending = null;
        });
        buttons.appendChild(no);
        buttons.appendChild(yes);
        dialog.appendChild(title);
        dialog.appendChild(text);
        dialog.appendChild(buttons);
        root.appendChild(dialog);
        return dialog;
    }

    function confirmAction(question, button) {
        if (!confirmDialog) {
            confirmDialog = buildConfirmDialog();
        }
        pending = question.payload;
        opener = button;
        confirmDialog.querySelector("h2").textContent = question.title;
        confirmDialog.querySelector("p").textContent = question.text;
        confirmDialog.querySelector(".fr-btn:not(.fr-btn--secondary)").textContent = question.yes;
        if (typeof confirmDialog.showModal === "function") {
            confirmDialog.showModal();
            confirmDialog.querySelector(".fr-btn--secondary").focus();
        } else if (window.confirm(question.title + " " + question.text)) {
            send(question.payload);
        }
    }

    function addMessage(message, live) {
        delete outbox[message.client_id];
        advance(message.seq);
        if (document.getElementById("chat-message-" + message.id)) {
            return false; // already shown (a retry or a replay)
        }
        var item = render(message);
        // Insert in id order (a retried message may come back after newer ones).
        var next = null;
        var children = list.children;
        for (var i = children.length - 1; i >= 0; i--) {
            if (Number(children[i].getAttribute("data-id")) < message.id) {
                break;
            }
            next = children[i];
        }
        var atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
        list.insertBefore(item, next);
        if (atBottom) {
            list.scrollTop = list.scrollHeight;
        }
        if (live) {
            announce(
                (message.question ? "Question de " : "Message de ") + message.author.name + " : " +
                body(message)
            );
        }
        return true;
    }

    function body(message) {
        var div = document.createElement("div");
        div.innerHTML = message.body_html;
        return div.textContent;
    }

    function removeMessage(id) {
        var gone = document.getElementById("chat-message-" + id);
        if (gone) {
            // The moderator's focus was on its "Supprimer": to the list, not to the next
            // message's button (the deletion is announced in the live region).
            var hadFocus = gone.contains(document.activeElement);
            gone.parentNode.removeChild(gone);
            if (hadFocus) {
                list.focus();
            }
        }
        return Boolean(gone);
    }

    function send(payload) {
        if (socket && socket.readyState === WebSocket.OPEN) {
            socket.send(JSON.stringify(payload));
            return true;
        }
        return false;
    }

    function handle(data) {
        switch (data.type) {
            case "state":
                canPost = data.can_post;
                moderator = data.moderator;
                myId = data.user.id;
                setComposer(canPost);
                open = data.open;
                live = "ok";
                setLive(data.live); // absent from older servers: "ok"
                if (!canPost && data.reason) {
                    showError(data.reason);
                }
                presence(data.presence);
                break;
            case "history":
                var added = data.messages.filter(function (m) {
                    return addMessage(m, false);
                }).length;
                // Deleted by an animateur, or mutes, while this page was disconnected.
                var removed = 0;
                (data.events || []).forEach(function (event) {
                    if (event.type === "deleted") {
                        advance(event.seq);
                        removed += removeMessage(event.id) ? 1 : 0;
                    } else {
                        handle(event);
                    }
                });
                advance(data.seq);
                if (data.resumed && added) {
                    announce(added + " message(s) reçu(s) pendant la déconnexion.");
                }
                if (removed) {
                    announce(removed + " message(s) supprimé(s) par un animateur pendant la déconnexion.");
                }
                Object.keys(outbox).forEach(function (id) {
                    send(outbox[id]);
                });
                break;
            case "message":
                addMessage(data, data.author.id !== myId);
                break;
            case "deleted":
                advance(data.seq);
                if (removeMessage(data.id)) {
                    announce("Un message a été supprimé par un animateur.");
                }
                break;
            case "muted":
                advance(data.seq);
                if (data.user.id === myId) {
                    setComposer(false);
                    showError("Un animateur a suspendu votre participation au chat de cette séance.");
                }
                break;
            case "presence":
                presence(data.count);
                break;
            case "status":
                // The server's channel layer is down ("degraded") or back ("ok"); what was
                // posted meanwhile follows as usual messages.
                setLive(data.live);
                break;
            case "error":
                showError(data.message);
                if (data.code === "session_expired") {
                    stopped = true;
                }
                break;
        }
    }

    function presence(count) {
        // Outside the chat's window (read-only), the only person "connected" is the reader: a
        // count there read as people waiting in a closed chat (walk 1518e).
        presenceEl.textContent = open
            ? count + " participant" + (count > 1 ? "s" : "") + " connecté" + (count > 1 ? "s" : "")
            : "";
    }

    function connect() {
        clearTimeout(timer);
        setState(attempt ? "Reconnexion…" : "Connexion au chat…");
        socket = new WebSocket(socketUrl());
        socket.addEventListener("open", function () {
            attempt = 0;
        });
        socket.addEventListener("message", function (event) {
            handle(JSON.parse(event.data));
        });
        socket.addEventListener("close", function (event) {
            setComposer(false);
            if (stopped || event.code === 4401) {
                setState("Déconnecté : reconnectez-vous au site pour continuer.");
                return;
            }
            attempt += 1;
            var delay = retryDelay(attempt);
            setState("Déconnecté — nouvelle tentative dans " + Math.ceil(delay / 1000) + " s");
            timer = setTimeout(connect, delay);
        });
    }

    form.addEventListener("submit", function (event) {
        event.preventDefault();
        var text = textarea.value.trim();
        if (!text) {
            showError("Le message est vide.");
            textarea.focus();
            return;
        }
        var payload = { type: "message", body: text, client_id: uuid(), question: questionBox.checked };
        outbox[payload.client_id] = payload;
        showError("");
        if (!send(payload)) {
            showError("Message en attente : il partira dès la reconnexion.");
        }
        textarea.value = "";
        questionBox.checked = false;
        textarea.focus();
    });

    textarea.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && !event.shiftKey) {
            event.preventDefault();
            form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
        }
    });

    // Test and debugging hook: drop the socket to exercise the reconnection path.
    root.addEventListener("cde-chat-drop", function () {
        if (socket) {
            socket.close();
        }
    });

    connect();
})();
