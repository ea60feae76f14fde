"""The resume point of the browser chat client (cafes_cites/static/cafes_cites/chat.js), run in
Node with a minimal fake DOM and WebSocket (issue #7).

Bug found by `bench/chat_load.py --kill-worker --cut-on-gap`: with several server processes a
client may receive id 12 before id 11; the client resumed with `after=<highest id>` (12), so a
cut between the two lost message 11 for good. Ids of a room are consecutive: the client now
resumes from the first id it has not received.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

CHAT_JS = Path(__file__).resolve().parents[1] / "cafes_cites" / "static" / "cafes_cites" / "chat.js"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js absent")

HARNESS = r"""
const fs = require("fs");
class El {
    constructor(tag) { this.tag = tag; this.children = []; this.attrs = {}; this.parentNode = null;
        this.textContent = ""; this.innerHTML = ""; this.scrollHeight = 0; this.scrollTop = 0;
        this.clientHeight = 0; this.disabled = false; this.checked = false; this.value = ""; }
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
    receive(data) { this.listeners.message({ data: JSON.stringify(data) }); }
}
FakeSocket.OPEN = 1;
let timers = [];
global.window = { WebSocket: FakeSocket, location: { protocol: "http:", host: "testserver" },
    crypto: { randomUUID: () => "uuid" } };
global.WebSocket = FakeSocket;
global.Event = class {};
global.setTimeout = (fn) => { timers.push(fn); return timers.length; };
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


def test_resume_starts_at_the_first_id_not_received(tmp_path):
    harness = tmp_path / "harness.js"
    harness.write_text(HARNESS)
    result = subprocess.run(
        [NODE, str(harness), str(CHAT_JS)], capture_output=True, text=True, timeout=30, check=True
    )
    out = json.loads(result.stdout)
    assert out["first"] == "ws://testserver/ws/cafes-cites/1/chat/"
    # Not after=4: message 3 would never come back.
    assert out["resume_with_hole"].endswith("?after=2")
    assert out["shown_after_resume"] == [1, 2, 3, 4]
    assert out["announced"][-1] == "1 message(s) reçu(s) pendant la déconnexion."
    assert out["resume_filled"].endswith("?after=6")
    # A history is exact above `after`: its gaps are deletions, not delays.
    assert out["resume_after_history"].endswith("?after=8")
