"""Load test of the café-cité live chat: N websocket clients in one room, paced message rates.

Runs, in the same run and on loopback only:
  1. the real server: `--servers` ASGI processes (cde_site.asgi under uvicorn, or Daphne) sharing
     the Redis channel layer and PostgreSQL, clients spread over them;
  2. a ceiling: a minimal broadcast server written with the `websockets` library (one process).
Each server is measured at every rate of `--rates` (same connections, one phase per rate). For
each phase: delivered messages/s, p50/p99 latency (send → receipt), lost and duplicated
deliveries, errors, and the CPU time of the servers (and of the bench clients) per 1,000
deliveries.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cde_cafes_bench \\
    REDIS_URL=redis://127.0.0.1:6379/2 uv run python bench/chat_load.py --clients 1000 --rates 5,20

The clients are a few processes (`--workers`), each a single asyncio loop holding its share of
the sockets through a minimal websocket client (one asyncio.Protocol per socket, frames parsed
by hand): the bench shares the machine's cores with the servers and must cost as little as
possible per received frame.

The database is created and migrated if needed; each run uses a new café-cité session.

Fault phase (`--kill-worker`, real server only, one paced phase at the first rate of `--rates`):
the clients of every client process are spread over all the server processes; `--kill-at`
seconds into the phase the last server process gets SIGKILL. Its clients reconnect like the
browser client (first attempt after 0.5 to 5 s as chat.js, `--ancien-delai` 0.5 to 1 s, then
exponential backoff with jitter, `?after=<first id not received>`), to the next server
process, and resend their unconfirmed messages with the same `client_id`; `--restart-worker`
starts the killed process again on its port. At the end, every client's received ids are
compared with the ids the database persisted during the run: each must be received exactly once.
Like chat.js, a client resumes before the first id it has not received (ids of a room are
consecutive), `--resume-after-highest` after the highest id (chat.js before issue #7);
`--cut-on-gap` also cuts each client's connection once, the moment a live id skips one.
The latency of the survivor's own clients (never disconnected) is reported apart.
`--abandon F`: that fraction of the killed process's clients do not come back (closed tabs);
the bench then follows the room's presence count in the database until it matches the clients
still connected, and reports when it did and what the clients were last told.
"""

import argparse
import asyncio
import base64
import json
import multiprocessing
import os
import random
import signal
import socket
import statistics
import struct
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # loopback only
MAX_CLIENTS = 5000
MAX_DURATION = 120
MARKER = b"bench:"


def django_env(args):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cde_site.settings.base",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key",
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        # Websocket server processes keep their database connection (see docs/benchmarks.md).
        "CONN_MAX_AGE": str(args.conn_max_age),
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'platform'}",
        "LOG_LEVEL": "WARNING",
    }


def setup_django(args):
    os.environ.update(django_env(args))
    sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
    import django

    django.setup()


def ensure_database(args):
    import psycopg

    name = args.database_url.rsplit("/", 1)[1]
    admin_url = args.database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def prepare_room(args):
    """Users, their Django sessions (Cookie headers), registrations and a live café-cité session."""
    import datetime

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session as DjangoSession
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from cafes_cites.models import ChatPresence, Registration, Session

    call_command("migrate", verbosity=0)
    print(f"Préparation de {args.clients} comptes et sessions…", flush=True)
    emails = [f"bench{i}@bench.invalid" for i in range(args.clients)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    User.objects.bulk_create(
        [
            User(email=email, first_name="Bench", last_name=email.split("@")[0], password="!")  # noqa: S106 - unusable password
            for email in emails
            if email not in existing
        ]
    )
    users = list(User.objects.filter(email__in=emails).order_by("pk"))
    start = timezone.now() - datetime.timedelta(minutes=5)
    session = Session.objects.create(
        title=f"Banc d'essai {uuid.uuid4().hex[:6]}",
        start=start,
        end=start + datetime.timedelta(hours=2),
    )
    Registration.objects.bulk_create(
        [Registration(session=session, user=user, status="confirmed") for user in users]
    )
    ChatPresence.objects.filter(user__in=users).delete()  # leftovers of an interrupted run
    backend = "accounts.backends.PlatformAuthenticationBackend"
    expire = timezone.now() + datetime.timedelta(days=1)
    rows, cookies = [], []
    for user in users:
        store = SessionStore()
        key = store._get_new_session_key()
        data = store.encode(
            {
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: backend,
                HASH_SESSION_KEY: user.get_session_auth_hash(),
            }
        )
        rows.append(DjangoSession(session_key=key, session_data=data, expire_date=expire))
        # The whole Cookie header: the name is the settings' (__Host-sessionid in production).
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={key}")
    DjangoSession.objects.bulk_create(rows, batch_size=500)
    return session.pk, cookies


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_port(port, process, timeout=300):  # a loaded machine imports Django slowly
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, port), timeout=0.5).close()
            return
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"Le serveur du port {port} s'est arrêté.") from None
            time.sleep(0.2)
    raise SystemExit(f"Le serveur du port {port} ne répond pas.")


def start_server(args, kind, port, log):
    """One server process (`kind`: uvicorn or daphne) of the ROOT tree on `port`, its output
    in `log` (also bench/chat_degraded.py and bench/chat_handshakes.py)."""
    return subprocess.Popen(  # noqa: S603 - fixed command, loopback
        [*server_command(kind, port), "cde_site.asgi:application"],
        cwd=ROOT,
        env=django_env(args),
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def stop_servers(servers):
    """SIGTERM, then SIGKILL what is still there after 10 s (also bench/chat_degraded.py)."""
    for process in servers:
        if process.poll() is None:
            process.terminate()
    for process in servers:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def cpu_seconds(pid):
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_command(kind, port):
    if kind == "daphne":
        return [sys.executable, "-m", "daphne", "-b", HOST, "-p", str(port)]
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--host",
        HOST,
        "--port",
        str(port),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--ws",
        "websockets-sansio",
        # Compression would mean one deflate per recipient: the opposite of encoding once.
        "--ws-per-message-deflate",
        "false",
        "--lifespan",
        "off",
        "--no-access-log",
        "--log-level",
        "warning",
    ]


# --- Ceiling: a minimal broadcast server with the `websockets` library --------------------------


def ceiling_server(port):
    import websockets
    from websockets.asyncio.server import broadcast, serve

    clients = set()

    async def handler(websocket):
        clients.add(websocket)
        try:
            async for message in websocket:
                broadcast(clients, message)
        except websockets.ConnectionClosed:
            pass
        finally:
            clients.discard(websocket)

    async def main():
        async with serve(handler, HOST, port, max_queue=None, ping_interval=None, compression=None):
            await asyncio.Future()

    asyncio.run(main())


# --- Clients ----------------------------------------------------------------------------------


class Counters:
    """Receipts of the current phase for all the sockets of one worker process."""

    def __init__(self):
        self.tag = None
        self.counts = []  # per client: bytearray, one counter per sequence number
        self.latencies = []
        self.errors = 0

    def reset(self, tag, clients, total):
        self.tag = tag
        self.counts = [bytearray(total) for _ in range(clients)]
        self.latencies = []
        self.errors = 0


class BenchSocket(asyncio.Protocol):
    """A minimal websocket client: handshake, unmasked server frames, masked client frames."""

    def __init__(self, slot, counters, request):
        self.slot = slot
        self.counters = counters
        self.request = request
        self.transport = None
        self.buffer = bytearray()
        self.handshaken = False
        self.opened = asyncio.get_running_loop().create_future()
        self.fragments = []

    def connection_made(self, transport):
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc):
        if not self.opened.done():
            self.opened.set_result(False)

    def data_received(self, data):
        buffer = self.buffer
        buffer += data
        if not self.handshaken:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            accepted = buffer.startswith(b"HTTP/1.1 101")
            del buffer[: end + 4]
            self.handshaken = True
            self.opened.set_result(accepted)
            if not accepted:
                self.transport.close()
                return
        position, size = 0, len(buffer)
        while size - position >= 2:
            first, second = buffer[position], buffer[position + 1]
            length, start = second & 0x7F, position + 2
            if length == 126:
                if size - position < 4:
                    break
                length, start = struct.unpack_from("!H", buffer, position + 2)[0], position + 4
            elif length == 127:
                if size - position < 10:
                    break
                length, start = struct.unpack_from("!Q", buffer, position + 2)[0], position + 10
            if size < start + length:
                break
            payload = bytes(buffer[start : start + length])
            position = start + length
            opcode = first & 0x0F
            if not first & 0x80:  # fragmented message
                self.fragments.append(payload)
                continue
            if opcode == 0 and self.fragments:
                payload, self.fragments = b"".join([*self.fragments, payload]), []
            if opcode in (0, 1):
                self.on_text(payload)
            elif opcode == 9:
                self.send_frame(0xA, payload)
            elif opcode == 8:
                self.transport.close()
        if position:
            del buffer[:position]

    def on_text(self, payload):
        counters = self.counters
        marker = payload.find(MARKER)
        if marker < 0:
            if b'"type":"error"' in payload:
                counters.errors += 1
            return
        now = time.time()
        tag, seq, stamp = payload[marker + 6 : marker + 80].split(b":", 2)
        if tag != counters.tag:
            return  # history replay or a late frame of a previous phase
        counters.latencies.append(now - float(stamp.split(b"<", 1)[0]))
        counts = counters.counts[self.slot]
        index = int(seq)
        if counts[index] < 255:
            counts[index] += 1

    def send_frame(self, opcode, payload):
        mask = os.urandom(4)
        length = len(payload)
        if length < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
        elif length < 65536:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
        repeated = (mask * (length // 4 + 1))[:length]
        masked = (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(
            length, "big"
        )
        self.transport.write(header + mask + masked)

    def send_text(self, text):
        if self.transport.is_closing():
            raise ConnectionError("closed")
        self.send_frame(0x1, text.encode())

    def close(self):
        if not self.transport.is_closing():
            self.send_frame(0x8, struct.pack("!H", 1000))
            self.transport.close()


def handshake(url, cookie):
    rest = url.split("://", 1)[1]
    hostport, path = rest.split("/", 1)
    lines = [
        f"GET /{path} HTTP/1.1",
        f"Host: {hostport}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}",
        "Sec-WebSocket-Version: 13",
        f"Origin: http://{hostport}",  # the page of the same site: scheme, host and port
    ]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    host, port = hostport.split(":")
    return host, int(port), ("\r\n".join(lines) + "\r\n\r\n").encode()


def client_worker(config, index, ready, commands, results):
    """One process holding a share of the clients; worker 0 also sends the paced messages."""
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    worker = _fault_worker if config.get("fault") else _client_worker
    asyncio.run(worker(config, index, ready, commands, results))


async def _client_worker(config, index, ready, commands, results):
    loop = asyncio.get_running_loop()
    urls, cookies, mode = config["urls"], config["cookies"], config["mode"]
    counters = Counters()
    sockets = []
    semaphore = asyncio.Semaphore(config["connect_concurrency"])

    async def open_client(slot, client):
        host, port, request = handshake(urls[client % len(urls)], cookies[client])
        async with semaphore:
            for attempt in range(5):
                try:
                    _, protocol = await loop.create_connection(
                        lambda: BenchSocket(slot, counters, request), host, port
                    )
                    if await asyncio.wait_for(protocol.opened, 60):
                        sockets.append(protocol)
                        return
                    protocol.transport.close()
                except (OSError, TimeoutError):
                    pass
                await asyncio.sleep(0.5 * (attempt + 1))

    started = time.monotonic()
    mine = range(index, len(cookies), config["workers"])
    await asyncio.gather(*(open_client(slot, client) for slot, client in enumerate(mine)))
    ready.put((len(sockets), time.monotonic() - started))
    for phase in config["phases"]:
        total = int(phase["rate"] * config["duration"])
        counters.reset(phase["tag"].encode(), len(mine), max(total, 1))
        await loop.run_in_executor(None, commands.get)
        await asyncio.sleep(1)  # let the connections' presence broadcasts settle
        sent = 0
        if index == 0:
            senders = sockets[:200]
            interval = 1 / phase["rate"]
            begin = time.monotonic()
            for seq in range(total):
                delay = begin + seq * interval - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                body = f"bench:{phase['tag']}:{seq}:{time.time():.6f}"
                if mode == "django":
                    payload = json.dumps(
                        {"type": "message", "body": body, "client_id": str(uuid.uuid4())}
                    )
                else:
                    payload = json.dumps({"type": "message", "body_html": f"<p>{body}</p>"})
                try:
                    senders[seq % len(senders)].send_text(payload)
                    sent += 1
                except ConnectionError:
                    counters.errors += 1
        else:
            await asyncio.sleep(config["duration"])
        await asyncio.sleep(config["drain"])
        received = duplicates = 0
        for counts in counters.counts:
            for value in counts:
                if value:
                    received += 1
                    duplicates += value - 1
        results.put(
            {
                "connected": len(sockets),
                "open": sum(not s.transport.is_closing() for s in sockets),
                "received": received,
                "duplicates": duplicates,
                "latencies": counters.latencies,
                "sent": sent,
                "errors": counters.errors,
            }
        )
    for protocol in sockets:
        protocol.close()
    await asyncio.sleep(0.5)


# --- Fault phase: clients that reconnect like the browser and count server ids -------------------


class FaultSocket(BenchSocket):
    """One connection of a FaultClient: JSON frames, ids of the run's messages."""

    def __init__(self, owner, request):
        super().__init__(owner.slot, owner.counters, request)
        self.owner = owner

    def connection_lost(self, exc):
        super().connection_lost(exc)
        self.owner.lost(self)

    def on_text(self, payload):
        data = json.loads(payload)
        kind = data.get("type")
        if kind == "message":
            self.owner.message(data, live=True)
        elif kind == "history":
            for message in data["messages"]:
                self.owner.message(message, live=False)
            self.owner.history(self, data)
        elif kind == "presence":
            self.owner.presence = data["count"]
        elif kind == "state":
            self.owner.presence = data["presence"]
        elif kind == "error":
            self.counters.errors += 1


class FaultClient:
    """A browser-like chat client: reconnects with backoff and `after=`, resends unconfirmed
    messages with their client_id, and counts the receipts of each room id."""

    def __init__(self, slot, client, cookie, urls, counters, loop):
        self.slot, self.client, self.cookie, self.urls = slot, client, cookie, urls
        self.counters, self.loop = counters, loop
        self.server = (client // counters.workers) % len(urls)  # spread every process's clients
        self.socket = None
        self.ids = {}  # room id -> receipts, messages of this run only
        self.last_id = None
        self.holes = set()  # ids skipped by a live message, not received yet
        self.unconfirmed = {}  # client_id -> payload
        self.stopping = False
        self.lost_at = None
        self.disconnects = 0
        self.reconnect_seconds = []
        self.resumed = 0  # reconnections with after= (history "resumed": true)
        self.without_after = 0
        self.resent = 0
        self.out_of_order = 0
        self.gap_cuts = 0
        self.attempts = 0
        self.reconnecting = None
        self.latencies = []  # (seq, seconds) of the live messages of the run
        self.presence = None  # last count the server told this client
        self.abandons = False  # with --abandon: does not come back after the fault

    @property
    def open(self):
        return self.socket is not None and self.socket.handshaken and not self.lost_at

    async def connect(self, timeout=60):
        url = self.urls[self.server]
        if self.last_id is not None:
            # As chat.js: from the first id not received (ids of a room are consecutive).
            holes = () if self.counters.resume_after_highest else self.holes
            url += f"?after={min([self.last_id, *(hole - 1 for hole in holes)])}"
        host, port, request = handshake(url, self.cookie)
        try:
            _, protocol = await self.loop.create_connection(
                lambda: FaultSocket(self, request), host, port
            )
            if await asyncio.wait_for(protocol.opened, timeout):
                self.socket = protocol
                return True
            protocol.transport.close()
        except (OSError, TimeoutError):
            pass
        return False

    def message(self, data, live):
        room_id = data["id"]
        gap = live and self.last_id is not None and room_id > self.last_id + 1
        if gap and room_id - self.last_id <= 1000:
            self.holes.update(range(self.last_id + 1, room_id))
        self.holes.discard(room_id)
        if live and self.last_id is not None and room_id < self.last_id:
            self.out_of_order += 1  # after= the highest id would skip this one if cut now
            self.counters.reorders.append(time.time())
        if self.last_id is None or room_id > self.last_id:
            self.last_id = room_id
        self.unconfirmed.pop(data.get("client_id"), None)
        body = data.get("body_html", "")
        marker = body.find("bench:")
        if marker < 0 or body[marker + 6 : marker + 6 + len(self.counters.text_tag)] != (
            self.counters.text_tag
        ):
            return
        if not live and room_id in self.ids:
            return  # a resume from the first hole replays ids already shown: chat.js skips them
        self.ids[room_id] = self.ids.get(room_id, 0) + 1
        if live:
            _, seq, stamp = body[marker + 6 :].split(":", 2)
            self.latencies.append((int(seq), time.time() - float(stamp.split("<")[0])))
        if gap and self.counters.cut_on_gap and not self.gap_cuts and self.socket:
            # --cut-on-gap: a network cut right after an id that skips one (ids are consecutive
            # in a room): the worst moment for a resume with after= the highest id.
            self.gap_cuts += 1
            self.socket.transport.abort()

    def history(self, protocol, data):
        self.holes.clear()  # the history is exact above after=: its gaps are deletions
        if self.lost_at is None:
            return  # first connection
        self.reconnect_seconds.append(time.monotonic() - self.lost_at)
        self.lost_at = None
        if data.get("resumed"):
            self.resumed += 1
        else:
            self.without_after += 1
        for seq, payload in self.unconfirmed.values():  # like chat.js: same client_id
            protocol.send_text(payload)
            self.counters.delayed.add(seq)
            self.resent += 1

    def lost(self, protocol):
        if protocol is not self.socket or self.stopping:
            return
        if self.abandons:
            self.stopping = True  # a closed tab: never back
            self.disconnects += 1
            self.lost_at = time.monotonic()
            return
        if self.lost_at is None:
            self.lost_at = time.monotonic()
            self.disconnects += 1
        if self.reconnecting is None or self.reconnecting.done():
            self.reconnecting = self.loop.create_task(self.reconnect())

    async def reconnect(self):
        attempt = 0
        while not self.stopping:
            attempt += 1
            self.attempts += 1
            await asyncio.sleep(retry_delay(attempt, self.counters.old_backoff))
            # The bench is the load balancer: the next server process, then the next one…
            self.server = (self.server + 1) % len(self.urls)
            if await self.connect():
                return

    def send(self, seq, text):
        client_id = str(uuid.uuid4())
        payload = json.dumps({"type": "message", "body": text, "client_id": client_id})
        self.unconfirmed[client_id] = (seq, payload)
        if not self.open:
            self.counters.delayed.add(seq)
            return False  # sent after the reconnection, as chat.js does
        try:
            self.socket.send_text(payload)
        except ConnectionError:
            return False
        return True


def retry_delay(attempt, old_backoff=False):
    """chat.js: the first attempt after 0.5 to 5 s, then min(30 s, 2^attempt s) × (0.5 to 1).
    `old_backoff` (--ancien-delai): chat.js before issue #7's reconnection spread, 0.5 to 1 s
    then min(30 s, 2^(attempt-1) s) × (0.5 to 1)."""
    if old_backoff:
        return min(30.0, 2 ** (attempt - 1)) * (0.5 + random.random() / 2)
    if attempt <= 1:
        return 0.5 + random.random() * 4.5
    return min(30.0, 2**attempt) * (0.5 + random.random() / 2)


async def _fault_worker(config, index, ready, commands, results):
    loop = asyncio.get_running_loop()
    urls, cookies = config["urls"], config["cookies"]
    phase = config["phases"][0]
    counters = Counters()
    counters.workers = config["workers"]
    counters.text_tag = phase["tag"]
    counters.delayed = set()  # seqs sent only after their sender reconnected
    counters.reorders = []  # when live messages arrived after a higher id
    counters.cut_on_gap = config["cut_on_gap"]
    counters.resume_after_highest = config["resume_after_highest"]
    counters.old_backoff = config["old_backoff"]
    semaphore = asyncio.Semaphore(config["connect_concurrency"])
    mine = range(index, len(cookies), config["workers"])
    clients = [
        FaultClient(slot, client, cookies[client], urls, counters, loop)
        for slot, client in enumerate(mine)
    ]

    async def first_connection(client):
        async with semaphore:
            for attempt in range(5):
                if await client.connect():
                    return
                await asyncio.sleep(0.5 * (attempt + 1))

    started = time.monotonic()
    await asyncio.gather(*(first_connection(client) for client in clients))
    connected = [client for client in clients if client.socket is not None]
    victim = len(urls) - 1  # the process the bench kills
    for client in connected:
        client.abandons = client.server == victim and random.random() < config["abandon"]
    ready.put((len(connected), time.monotonic() - started))
    await loop.run_in_executor(None, commands.get)
    await asyncio.sleep(1)  # let the connections' presence broadcasts settle
    total = int(phase["rate"] * config["duration"])
    sent = queued = 0
    if index == 0:
        senders = connected[:200]
        interval = 1 / phase["rate"]
        begin = time.monotonic()
        for seq in range(total):
            delay = begin + seq * interval - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            sender = senders[seq % len(senders)]
            if sender.send(seq, f"bench:{phase['tag']}:{seq}:{time.time():.6f}"):
                sent += 1
            else:
                queued += 1
    else:
        await asyncio.sleep(config["duration"])
    deadline = time.monotonic() + 120  # every client back (or given up on), then the drain
    while time.monotonic() < deadline and any(
        client.lost_at and not client.abandons for client in connected
    ):
        await asyncio.sleep(0.5)
    await asyncio.sleep(config["drain"])
    if config["abandon"]:
        # The run's coordinator follows the presence count; wait until it says so.
        remaining = [client for client in connected if not client.abandons]
        results.put({"open_clients": sum(client.open for client in remaining)})
        await loop.run_in_executor(None, commands.get)
    remaining = [client for client in connected if not client.abandons]
    results.put(
        {
            "connected": len(connected),
            "open": sum(client.open for client in connected),
            "sent": sent,
            "queued": queued,
            "unconfirmed": sum(len(client.unconfirmed) for client in remaining),
            "errors": counters.errors,
            "delayed": counters.delayed,
            "reorders": counters.reorders,
            "abandoned": sum(client.abandons for client in connected),
            "presence_seen": [client.presence for client in remaining if client.open],
            "clients": [
                {
                    "client": client.client,
                    "abandoned": client.abandons,
                    "latencies": client.latencies,
                    "ids": client.ids,
                    "disconnects": client.disconnects,
                    "reconnect_seconds": client.reconnect_seconds,
                    "resumed": client.resumed,
                    "without_after": client.without_after,
                    "resent": client.resent,
                    "out_of_order": client.out_of_order,
                    "gap_cuts": client.gap_cuts,
                    "attempts": client.attempts,
                    "still_lost": client.lost_at is not None,
                }
                for client in connected
            ],
        }
    )
    for client in clients:
        client.stopping = True
        if client.socket is not None:
            client.socket.close()
    await asyncio.sleep(0.5)


def run_fault(config, label, servers, respawn):
    """The fault phase: one paced phase, SIGKILL of the last server process in the middle."""
    from cafes_cites.models import ChatMessage

    ctx = multiprocessing.get_context("spawn")
    ready, results = ctx.Queue(), ctx.Queue()
    commands = [ctx.Queue() for _ in range(config["workers"])]
    workers = [
        ctx.Process(target=client_worker, args=(config, index, ready, commands[index], results))
        for index in range(config["workers"])
    ]
    for worker in workers:
        worker.start()
    opened = [ready.get(timeout=900) for _ in workers]
    connected = sum(count for count, _ in opened)
    print(
        f"  {connected} clients connectés en {max(s for _, s in opened):.1f} s, "
        f"répartis sur les {len(servers)} processus",
        flush=True,
    )
    phase = config["phases"][0]
    for queue in commands:
        queue.put(phase["tag"])
    time.sleep(1 + config["kill_at"])
    victim = servers[-1]
    os.kill(victim.pid, signal.SIGKILL)
    killed_at = time.time()
    victim.wait()
    print(
        f"  t+{config['kill_at']:g} s : processus {victim.pid} tué (SIGKILL)",
        flush=True,
    )
    if config["restart_after"] is not None:
        time.sleep(config["restart_after"])
        servers[-1] = respawn()
        print(
            f"  t+{config['kill_at'] + config['restart_after']:g} s : processus relancé "
            f"(pid {servers[-1].pid})",
            flush=True,
        )
    presence = None
    if config["abandon"]:
        presence = follow_presence(config, killed_at, results, commands, len(workers))
    outcome = [results.get(timeout=config["duration"] + config["drain"] + 600) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
        if worker.is_alive():
            worker.terminate()
    persisted = set(
        ChatMessage.objects.filter(
            session_id=config["session_id"], body__startswith=f"bench:{phase['tag']}:"
        ).values_list("room_id", flat=True)
    )
    # Clients that abandoned (closed tabs, --abandon) are out of the delivery check.
    clients = [item for part in outcome for item in part["clients"] if not item["abandoned"]]
    disconnected = [c for c in clients if c["disconnects"]]
    durations = sorted(s for c in clients for s in c["reconnect_seconds"])
    reconnected = [c for c in disconnected if c["reconnect_seconds"] and not c["still_lost"]]
    missing = duplicates = unknown = 0
    clients_missing = clients_duplicated = 0
    for c in clients:
        ids = c["ids"]
        lacking = len(persisted - ids.keys())
        extra = sum(count - 1 for count in ids.values() if count > 1)
        missing += lacking
        duplicates += extra
        unknown += len(ids.keys() - persisted)
        clients_missing += bool(lacking)
        clients_duplicated += bool(extra)
    delayed = set().union(*(part["delayed"] for part in outcome))
    latencies = sorted(value for c in clients for _, value in c["latencies"])
    prompt = sorted(value for c in clients for seq, value in c["latencies"] if seq not in delayed)
    # The survivor's own clients, which saw no fault: what the reconnection storm costs them.
    survivors = sorted(
        value
        for c in clients
        if not c["disconnects"]
        for seq, value in c["latencies"]
        if seq not in delayed
    )
    expected = len(persisted) * len(clients)
    sent = sum(part["sent"] for part in outcome)
    print(
        f"{label}, panne @ {phase['rate']:g} msg/s : {len(clients)} clients, "
        f"{len(disconnected)} déconnectés par la panne, {len(reconnected)} reconnectés "
        f"(p50 {percentile(durations, 0.5) / 1000:.2f} s, "
        f"p99 {percentile(durations, 0.99) / 1000:.2f} s, "
        f"max {(durations[-1] if durations else 0):.2f} s, "
        f"{sum(c['attempts'] for c in clients)} tentatives), "
        f"{sum(c['resumed'] for c in clients)} reprises avec after=, "
        f"{sum(c['without_after'] for c in clients)} sans after=, "
        f"{sum(part['open'] for part in outcome)} encore ouverts à la fin",
        flush=True,
    )
    print(
        f"  messages : {sent} envoyés en direct, "
        f"{sum(part['queued'] for part in outcome)} mis en attente (expéditeur déconnecté), "
        f"{sum(c['resent'] for c in clients)} renvoyés après reconnexion, "
        f"{sum(part['unconfirmed'] for part in outcome)} jamais confirmés ; "
        f"{len(persisted)} enregistrés en base (ids {min(persisted, default=0)} à "
        f"{max(persisted, default=0)})",
        flush=True,
    )
    print(
        f"  remises (base = référence) : {expected - missing}/{expected} reçues, "
        f"manquantes {missing} ({clients_missing} clients), doublons {duplicates} "
        f"({clients_duplicated} clients), ids inconnus de la base {unknown}, "
        f"erreurs {sum(part['errors'] for part in outcome)}, "
        f"{sum(c['out_of_order'] for c in clients)} réceptions en direct hors d'ordre "
        f"({sum(bool(c['out_of_order']) for c in clients)} clients, "
        f"{sum(at < killed_at for part in outcome for at in part['reorders'])} avant la panne), "
        f"{sum(c['gap_cuts'] for c in clients)} coupures provoquées sur un trou d'id",
        flush=True,
    )
    print(
        f"  latence en direct (envoi → réception) : p50 {percentile(latencies, 0.5):.0f} ms, "
        f"p99 {percentile(latencies, 0.99):.0f} ms ; hors messages renvoyés après "
        f"reconnexion ({len(delayed)}) : p50 {percentile(prompt, 0.5):.0f} ms, "
        f"p99 {percentile(prompt, 0.99):.0f} ms, max {(prompt[-1] * 1000 if prompt else 0):.0f} ms",
        flush=True,
    )
    print(
        f"  latence des clients jamais déconnectés ({sum(not c['disconnects'] for c in clients)}"
        f", hors messages renvoyés) : p50 {percentile(survivors, 0.5):.0f} ms, "
        f"p99 {percentile(survivors, 0.99):.0f} ms, "
        f"max {(survivors[-1] * 1000 if survivors else 0):.0f} ms",
        flush=True,
    )
    if presence is not None:
        seen = [count for part in outcome for count in part["presence_seen"]]
        abandoned = sum(part["abandoned"] for part in outcome)
        print(
            f"  présence : {abandoned} clients du processus tué ne reviennent pas ; compte en "
            f"base {presence['first']} juste après la panne, exact ({presence['expected']}) "
            + (
                f"{presence['exact_after']:.1f} s après la panne"
                if presence["exact_after"] is not None
                else f"jamais (dernier : {presence['last']})"
            )
            + f" ; dernier compte reçu par les clients : de {min(seen, default=0)} à "
            f"{max(seen, default=0)}",
            flush=True,
        )
    ok = not missing and not duplicates and not unknown
    if presence is not None:
        ok = ok and presence["exact_after"] is not None
    print(
        "  verdict : "
        + (
            "chaque message enregistré reçu exactement une fois par chaque client"
            if ok
            else "PERTES OU DOUBLONS"
        ),
        flush=True,
    )
    return ok


def follow_presence(config, killed_at, results, commands, workers):
    """--abandon: sample the room's presence count (services.presence_count, as the servers
    compute it) every second from the kill on, until it has matched the clients still
    connected for a heartbeat (the survivor then deletes the dead rows and broadcasts the
    count); then let the workers report. Returns when the count became exact for good."""
    import queue

    from django.conf import settings

    from cafes_cites import services

    ready, samples = [], []
    deadline = time.time() + 180
    expected = None
    while time.time() < deadline:
        while len(ready) < workers:
            try:
                ready.append(results.get(timeout=0.1))
            except queue.Empty:
                break
        samples.append((time.time() - killed_at, services.presence_count(config["session_id"])))
        if len(ready) == workers:
            expected = sum(item["open_clients"] for item in ready)
        since = _exact_since(samples, expected)
        if (
            since is not None
            and samples[-1][0] - since > settings.CAFES_CITES_PRESENCE_HEARTBEAT + 3
        ):
            break
        time.sleep(1)
    for command in commands:
        command.put("report")
    return {
        "first": samples[0][1],
        "expected": expected,
        "exact_after": _exact_since(samples, expected),
        "last": samples[-1][1],
    }


def _exact_since(samples, expected):
    """Seconds after the kill from which every sample equals `expected` (None: not yet)."""
    since = None
    for at, count in reversed(samples):
        if expected is None or count != expected:
            break
        since = at
    return since


def percentile(values, fraction):
    return values[min(len(values) - 1, int(len(values) * fraction))] * 1000 if values else 0.0


def run_clients(config, label):
    ctx = multiprocessing.get_context("spawn")
    ready, results = ctx.Queue(), ctx.Queue()
    commands = [ctx.Queue() for _ in range(config["workers"])]
    workers = [
        ctx.Process(target=client_worker, args=(config, index, ready, commands[index], results))
        for index in range(config["workers"])
    ]
    for worker in workers:
        worker.start()
    opened = [ready.get(timeout=900) for _ in workers]
    connected = sum(count for count, _ in opened)
    connect_time = max(seconds for _, seconds in opened)
    print(f"  {connected} clients connectés en {connect_time:.1f} s", flush=True)
    outcomes = []
    for phase in config["phases"]:
        pids = config["server_pids"]
        cpu_before = sum(cpu_seconds(pid) for pid in pids)
        client_before = sum(cpu_seconds(worker.pid) for worker in workers)
        load_before = os.getloadavg()[0]
        started = time.monotonic()
        for queue in commands:
            queue.put(phase["tag"])
        outcome = [results.get(timeout=config["duration"] + config["drain"] + 300) for _ in workers]
        elapsed = time.monotonic() - started - 1 - config["drain"]
        cpu = sum(cpu_seconds(pid) for pid in pids) - cpu_before
        client_cpu = sum(cpu_seconds(worker.pid) for worker in workers) - client_before
        latencies = sorted(value for item in outcome for value in item["latencies"])
        sent = sum(item["sent"] for item in outcome)
        received = sum(item["received"] for item in outcome)
        expected = sent * connected
        result = {
            "rate_target": phase["rate"],
            "connected": connected,
            "connect_time": connect_time,
            "still_open": sum(item["open"] for item in outcome),
            "sent": sent,
            "received": received,
            "expected": expected,
            "lost": expected - received,
            "duplicates": sum(item["duplicates"] for item in outcome),
            "errors": sum(item["errors"] for item in outcome),
            "rate": received / max(elapsed, 0.001),
            "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
            "p99": percentile(latencies, 0.99),
            "max": latencies[-1] * 1000 if latencies else float("nan"),
            "cpu_per_1000": cpu / max(received, 1) * 1000,
            "server_cores": cpu / max(elapsed + config["drain"] + 1, 0.001),
            "client_cpu_per_1000": client_cpu / max(received, 1) * 1000,
            "load": max(load_before, os.getloadavg()[0]),
        }
        report(label, result)
        outcomes.append(result)
    for worker in workers:
        worker.join(timeout=30)
        if worker.is_alive():
            worker.terminate()
    return outcomes


def report(label, result):
    lost_pct = 100 * result["lost"] / max(result["expected"], 1)
    print(
        f"{label} @ {result['rate_target']:g} msg/s : {result['connected']} clients "
        f"(connectés en {result['connect_time']:.1f} s, {result['still_open']} encore ouverts), "
        f"{result['sent']} messages envoyés, {result['received']}/{result['expected']} remises "
        f"({result['rate']:.0f} remises/s), p50 {result['p50']:.0f} ms, "
        f"p99 {result['p99']:.0f} ms, max {result['max']:.0f} ms, "
        f"perdues {result['lost']} ({lost_pct:.2f} %), doublons {result['duplicates']}, "
        f"erreurs {result['errors']}, CPU serveurs {result['cpu_per_1000']:.3f} s / 1000 remises "
        f"({result['server_cores']:.2f} cœur), CPU clients "
        f"{result['client_cpu_per_1000']:.3f} s / 1000 remises, charge {result['load']:.1f}",
        flush=True,
    )


def add_service_arguments(parser):
    """The database and Redis of the bench (also bench/chat_handshakes.py)."""
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cde_cafes_bench"
        ),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/2")
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument(
        "--rates", default="5,20", help="messages par seconde, une phase par valeur (ex. 5,20)"
    )
    parser.add_argument("--duration", type=float, default=20.0, help="secondes d'envoi par phase")
    parser.add_argument("--drain", type=float, default=5.0, help="secondes d'attente finale")
    parser.add_argument("--servers", type=int, default=2, help="processus serveurs ASGI")
    parser.add_argument("--server", choices=["uvicorn", "daphne"], default="uvicorn")
    parser.add_argument("--workers", type=int, default=2, help="processus clients")
    parser.add_argument("--connect-concurrency", type=int, default=20, help="par processus client")
    parser.add_argument("--conn-max-age", type=int, default=60, help="CONN_MAX_AGE des serveurs")
    parser.add_argument("--skip-django", action="store_true")
    parser.add_argument(
        "--kill-worker",
        action="store_true",
        help="phase de panne : SIGKILL du dernier processus serveur en cours de phase "
        "(un seul débit, le premier de --rates ; pas de plafond)",
    )
    parser.add_argument("--kill-at", type=float, default=None, help="secondes (défaut : 1/3)")
    parser.add_argument(
        "--resume-after-highest",
        action="store_true",
        help="avec --kill-worker : reprendre après le plus grand id reçu (chat.js avant le "
        "ticket 7) au lieu du premier id manquant",
    )
    parser.add_argument(
        "--cut-on-gap",
        action="store_true",
        help="avec --kill-worker : chaque client coupe aussi sa connexion (une fois) dès qu'il "
        "reçoit un id qui en saute un, puis reprend avec after=",
    )
    parser.add_argument(
        "--ancien-delai",
        action="store_true",
        help="avec --kill-worker : reconnexion comme chat.js avant l'étalement du ticket 7 "
        "(première tentative après 0,5 à 1 s au lieu de 0,5 à 5 s)",
    )
    parser.add_argument(
        "--abandon",
        type=float,
        default=0.0,
        metavar="FRACTION",
        help="avec --kill-worker : part des clients du processus tué qui ne reviennent pas ; le "
        "banc suit alors le compteur de présence jusqu'à ce qu'il soit exact",
    )
    parser.add_argument(
        "--restart-worker",
        type=float,
        default=None,
        metavar="SECONDES",
        help="relancer le processus tué après ce délai",
    )
    parser.add_argument("--skip-ceiling", action="store_true")
    add_service_arguments(parser)
    args = parser.parse_args()
    rates = [float(value) for value in args.rates.split(",") if value.strip()]
    if not 1 <= args.clients <= MAX_CLIENTS or not 0 < args.duration <= MAX_DURATION:
        raise SystemExit(f"Bornes : 1 à {MAX_CLIENTS} clients, durée de 0 à {MAX_DURATION} s.")
    if not rates or any(not 0 < rate <= 200 for rate in rates):
        raise SystemExit("Débits : de 0 à 200 messages par seconde.")
    if args.kill_worker:
        if args.skip_django or args.servers < 2:
            raise SystemExit("--kill-worker : serveur réel, au moins 2 processus.")
        rates, args.skip_ceiling = rates[:1], True
        kill_at = args.duration / 3 if args.kill_at is None else args.kill_at
        if not 0 < kill_at < args.duration:
            raise SystemExit("--kill-at : pendant la phase d'envoi.")
    if not 0 <= args.abandon <= 1:
        raise SystemExit("--abandon : une part entre 0 et 1.")
    run = uuid.uuid4().hex[:6]
    base = {
        "duration": args.duration,
        "drain": args.drain,
        "workers": args.workers,
        "connect_concurrency": args.connect_concurrency,
        "phases": [{"rate": rate, "tag": f"{run}{i}"} for i, rate in enumerate(rates)],
    }
    print(
        f"Banc chat : {args.clients} clients, {args.rates} messages/s pendant "
        f"{args.duration:g} s par phase, {os.cpu_count()} cœurs, charge {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    if not args.skip_django:
        ensure_database(args)
        setup_django(args)
        session_id, cookies = prepare_room(args)
        servers, ports = [], []
        (ROOT / "var").mkdir(exist_ok=True)
        log = (ROOT / "var" / "chat_load_servers.log").open("wb")

        def respawn():
            process = start_server(args, args.server, ports[-1], log)
            wait_port(ports[-1], process)
            return process

        for _ in range(args.servers):
            port = free_port()
            servers.append(start_server(args, args.server, port, log))
            ports.append(port)
        try:
            for port, process in zip(ports, servers, strict=True):
                wait_port(port, process)
            urls = [f"ws://{HOST}:{port}/ws/cafes-cites/{session_id}/chat/" for port in ports]
            print(
                f"Serveur réel : {args.servers} × {args.server} (pids "
                f"{' '.join(str(p.pid) for p in servers)}) + channels-redis + PostgreSQL",
                flush=True,
            )
            config = {
                **base,
                "urls": urls,
                "cookies": cookies,
                "mode": "django",
                "server_pids": [p.pid for p in servers],
            }
            label = f"Serveur réel ({args.servers} × {args.server})"
            if args.kill_worker:
                config.update(
                    fault=True,
                    session_id=session_id,
                    kill_at=kill_at,
                    restart_after=args.restart_worker,
                    cut_on_gap=args.cut_on_gap,
                    resume_after_highest=args.resume_after_highest,
                    old_backoff=args.ancien_delai,
                    abandon=args.abandon,
                )
                run_fault(config, label, servers, respawn)
            else:
                run_clients(config, label)
        finally:
            stop_servers(servers)
    if not args.skip_ceiling:
        port = free_port()
        ctx = multiprocessing.get_context("spawn")
        server = ctx.Process(target=ceiling_server, args=(port,))
        server.start()
        try:
            time.sleep(1)
            print("Plafond : serveur de diffusion minimal `websockets` (1 processus)", flush=True)
            run_clients(
                {
                    **base,
                    "urls": [f"ws://{HOST}:{port}/"],
                    "cookies": [None] * args.clients,
                    "mode": "ceiling",
                    "server_pids": [server.pid],
                },
                "Plafond (websockets)",
            )
        finally:
            server.terminate()
            server.join(timeout=10)


if __name__ == "__main__":
    main()
