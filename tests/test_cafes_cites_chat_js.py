"""The browser chat client (cafes_cites/static/cafes_cites/chat.js), run in Node with a minimal
fake DOM and WebSocket (issue #7).

- Resume point. Bug found by `bench/chat_load.py --kill-worker --cut-on-gap`: with several
  server processes a client may receive id 12 before id 11; the client resumed with
  `after=<highest id>` (12), so a cut between the two lost message 11 for good. Ids of a room
  are consecutive: the client now resumes from the first id it has not received.
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

CHAT_JS = Path(__file__).resolve().parents[1] / "cafes_cites" / "static" / "cafes_cites" / "chat.js"
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

const message = (id) => ({ type: "message", id, client_id: "c" + id,
    author: { id: 99, name: "Bob", organisation: "", animateur: false },
    body_html: "<p>m" + id + "</p>", question: false, created_at: "2026-11-22T10:00:00+00:00" });
const state = { type: "state", open: true, can_post: true, reason: "", moderator: false,
    presence: 1, user: { id: 7, name: "Alice" } };
const history = (ids, resumed) => ({ type: "history", messages: ids.map(message),
    resumed, truncated: false, deleted: [] });
const reconnect = () => { sockets[sockets.length - 1].close(); const t = timers; timers = [];
    t.forEach((fn) => fn()); return sockets[sockets.length - 1]; };
const shown = () => fixed["chat-messages"].children.map((c) => Number(c.getAttribute("data-id")));
const out = {};
"""

RESUME = r"""
let socket = sockets[0];
out.first = socket.url;
socket.receive(state);
socket.receive(history([1, 2], false));
socket.receive(message(4));                  // 3 is still on its way from another process
socket = reconnect();                        // cut before 3 arrives
out.resume_with_hole = socket.url;
socket.receive(state);
socket.receive(history([3, 4], true));       // 4 again: already shown, skipped
out.shown_after_resume = shown();
out.announced = fixed["chat-annonces"].children.map((c) => c.textContent);
socket.receive(message(6));
socket.receive(message(5));                  // out of order, then filled
socket = reconnect();
out.resume_filled = socket.url;
socket.receive(state);
socket.receive(history([8], true));          // 7 deleted during the cut: absent
socket = reconnect();
out.resume_after_history = socket.url;
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


def test_resume_starts_at_the_first_id_not_received(tmp_path):
    out = _run(tmp_path, RESUME)
    assert out["first"] == "ws://testserver/ws/cafes-cites/1/chat/"
    # Not after=4: message 3 would never come back.
    assert out["resume_with_hole"].endswith("?after=2")
    assert out["shown_after_resume"] == [1, 2, 3, 4]
    assert out["announced"][-1] == "1 message(s) reçu(s) pendant la déconnexion."
    assert out["resume_filled"].endswith("?after=6")
    # A history is exact above `after`: its gaps are deletions, not delays.
    assert out["resume_after_history"].endswith("?after=8")


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
