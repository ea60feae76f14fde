"""The browser chat client (cafes_cites/static/cafes_cites/chat.js), run in Node with a minimal
fake DOM and WebSocket (issues #7 and #14).

- Resume point (protocol 2, issue #14): the server sends each socket its room's log in order
  and without gaps (messages, deletions, mutes: each with its number `seq`), so the client
  resumes after the last number it received, and the resumed history brings the deletions it
  missed (`events`). Issue #7's bug (a cut between two messages delivered out of order by two
  processes lost one for good) cannot come back: a socket's hub never skips a number.
- Live delivery status: a `status` event (or the `live` field of the state frame) switches the
  state line to « Direct perturbé… » (DSFR warning style) and back to « Connecté », announced.
- Reconnection delays: the first attempt is spread over 0.5 to 5 s (a killed server process's
  sockets must not all come back in the same second), then exponential up to 30 s.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

CHAT_JS = Path(__file__).resolve().parents[2] / "cafes_cites" / "static" / "cafes_cites" / "chat.js"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js absent")

PRELUDE = r"""
const fs = require("fs");
class El {
    constructor(tag) { this.tag = tag; this.children = []; this.attrs = {}; this.parentNode = null;
        this.textContent = ""; this.innerHTML = ""; this.scrollHeight = 0; this.scrollTop = 0;
        this.clientHeight = 0; this.disabled = false; this.checked = false; this.value = "";
        const classes = new Set();
        this.classes = classes;
        this.classList = { toggle: (c, on) => { if (on) { classes.add(c); } else { classes.delete(c); } },
            contains: (c) => classes.has(c) }; }
    setAttribute(k, v) { this.attrs[k] = String(v); }
    getAttribute(k) { return k in this.attrs ? this.attrs[k] : null; }
    addEventListener() {}
    appendChild(c) { return this.insertBefore(c, null); }
    insertBefore(c, next) {
        const i = next ? this.children.indexOf(next) : this.children.length;
        this.children.splice(i, 0, c); c.parentNode = this; return c; }
    removeChild(c) { this.children.splice(this.children.indexOf(c), 1); c.parentNode = null; }
    get childNodes() { return this.children; }
    get firstChild() { return this.children[0] || null; }
    contains(other) {
        for (let node = other; node; node = node.parentNode) { if (node === this) { return true; } }
        return false; }
    focus() { global.document.activeElement = this; }
}
const fixed = {};
const root = new El("section");
root.setAttribute("data-chat-url", "/ws/cafes-cites/1/chat/");
global.document = {
    querySelector: () => root,
    createElement: (tag) => new El(tag),
    getElementById(id) {
        if (id.startsWith("chat-message-")) {
            return fixed["chat-messages"].children.find((c) => c.id === id) || null;
        }
        return fixed[id] || (fixed[id] = new El("div"));
    },
};
document.getElementById("chat-messages");
const sockets = [];
class FakeSocket {
    constructor(url) { this.url = url; this.readyState = 1; this.listeners = {}; this.sent = [];
        sockets.push(this); }
    addEventListener(type, fn) { this.listeners[type] = fn; }
    send(text) { this.sent.push(JSON.parse(text)); }
    close() { this.readyState = 3; this.listeners.close({ code: 1006 }); }
    receive(data) {
        if (!this.opened) { this.opened = true; this.listeners.open({}); }  // open comes first
        this.listeners.message({ data: JSON.stringify(data) }); }
}
FakeSocket.OPEN = 1;
let timers = [];
const delays = [];
global.window = { WebSocket: FakeSocket, location: { protocol: "http:", host: "testserver" },
    crypto: { randomUUID: () => "uuid" } };
global.WebSocket = FakeSocket;
global.Event = class {};
global.setTimeout = (fn, delay) => { timers.push(fn); delays.push(delay); return timers.length; };
global.clearTimeout = () => {};
eval(fs.readFileSync(process.argv[2], "utf8"));

const message = (id, seq) => ({ type: "message", id, seq: seq || id, client_id: "c" + id,
    author: { id: 99, name: "Bob", organisation: "", animateur: false },
    body_html: "<p>m" + id + "</p>", question: false, created_at: "2026-11-22T10:00:00+00:00" });
const state = { type: "state", open: true, can_post: true, reason: "", moderator: false,
    presence: 1, user: { id: 7, name: "Alice" } };
const history = (ids, resumed, seq, events) => ({ type: "history", version: 2,
    messages: ids.map((id) => message(id)), resumed, truncated: false,
    seq: seq === undefined ? Math.max(0, ...ids) : seq, events: events || [] });
const reconnect = () => { sockets[sockets.length - 1].close(); const t = timers; timers = [];
    t.forEach((fn) => fn()); return sockets[sockets.length - 1]; };
const shown = () => fixed["chat-messages"].children.map((c) => Number(c.getAttribute("data-id")));
const out = {};
"""

RESUME = r"""
let socket = sockets[0];
out.first = socket.url;
socket.receive(state);
socket.receive(history([1, 2], false, 3));   // 3 was a mute: the log is at 3
socket.receive(message(3, 4));
socket = reconnect();
out.resume = socket.url;
socket.receive(state);
// Away: message 2 deleted (5), message 4 posted (6).
socket.receive(history([4], true, 6, [{ type: "deleted", id: 2, seq: 5 }]));
out.shown_after_resume = shown();
out.announced = fixed["chat-annonces"].children.map((c) => c.textContent);
socket.receive({ type: "deleted", id: 1, seq: 7 });
socket.receive(message(3, 4));               // a retry's acknowledgement: shown once
out.shown_live = shown();
socket = reconnect();
out.resume_after_deletion = socket.url;
process.stdout.write(JSON.stringify(out));
"""


STATUS = r"""
const line = () => ({ text: fixed["chat-etat"].textContent, live: root.getAttribute("data-chat-live"),
    warning: fixed["chat-etat"].classList.contains("fr-icon-warning-line") });
let socket = sockets[0];
socket.receive(state);                        // an older server: no "live" field
socket.receive(history([1], false));
out.connected = line();
socket.receive({ type: "status", live: "degraded" });
out.degraded = line();
out.composer_enabled = !fixed["chat-texte"].disabled;
socket.receive(message(2));                   // delivered meanwhile (from the database)
socket.receive({ type: "status", live: "ok" });
out.back = line();
out.announced = fixed["chat-annonces"].children.map((c) => c.textContent);
socket = reconnect();                         // reconnects while the layer is down again
socket.receive({ ...state, open: false, can_post: false, live: "degraded" });
socket.receive(history([], true));
out.read_only_degraded = line();
out.shown = shown();
process.stdout.write(JSON.stringify(out));
"""

DELAYS = r"""
let socket = sockets[0];
socket.receive(state);
socket.receive(history([], false));
Math.random = () => 0;
socket = reconnect();                         // a first attempt, at its earliest...
Math.random = () => 0.9999;
socket.close();                               // ...fails at once: a second, at its latest
const t = timers; timers = []; t.forEach((fn) => fn());
socket = sockets[sockets.length - 1];
socket.receive(state);                        // connected: the count starts again
socket.receive(history([], true));
socket = reconnect();
out.delays = delays;
process.stdout.write(JSON.stringify(out));
"""


def _run(tmp_path, scenario):
    harness = tmp_path / "harness.js"
    harness.write_text(PRELUDE + scenario)
    result = subprocess.run(
        [NODE, str(harness), str(CHAT_JS)], capture_output=True, text=True, timeout=30, check=True
    )
    return json.loads(result.stdout)


def test_resume_after_the_last_log_number_brings_missed_deletions(tmp_path):
    out = _run(tmp_path, RESUME)
    assert out["first"] == "ws://testserver/ws/cafes-cites/1/chat/?v=2"
    assert out["resume"].endswith("?v=2&after=4")
    assert out["shown_after_resume"] == [1, 3, 4]  # message 2, deleted while away, is gone
    assert out["announced"][-2:] == [
        "1 message(s) reçu(s) pendant la déconnexion.",
        "1 message(s) supprimé(s) par un animateur pendant la déconnexion.",
    ]
    assert out["shown_live"] == [3, 4]
    assert out["resume_after_deletion"].endswith("?v=2&after=7")


def test_live_status_is_shown_and_announced(tmp_path):
    out = _run(tmp_path, STATUS)
    assert out["connected"] == {"text": "Connecté", "live": "ok", "warning": False}
    assert out["degraded"] == {
        "text": "Direct perturbé : vos messages sont enregistrés, l'affichage peut avoir du "
        "retard.",
        "live": "degraded",
        "warning": True,
    }
    assert out["composer_enabled"] is True  # posts are stored: keep writing
    assert out["back"] == {"text": "Connecté", "live": "ok", "warning": False}
    assert out["announced"][-1] == (
        "Direct rétabli : les messages arrivent de nouveau en temps réel."
    )
    assert out["read_only_degraded"] == {
        "text": "Direct perturbé : l'affichage des messages peut avoir du retard.",
        "live": "degraded",
        "warning": True,
    }
    assert out["shown"] == [1, 2]


def test_first_reconnection_is_spread_over_half_a_second_to_five(tmp_path):
    out = _run(tmp_path, DELAYS)
    first, second, after_success = out["delays"]
    assert first == 500  # Math.random() = 0
    assert 3999 < second <= 4000  # second attempt: 2 to 4 s
    assert 4999 < after_success <= 5000  # once connected, a new cut starts again at 0.5 to 5 s
