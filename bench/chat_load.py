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
"""

import argparse
import asyncio
import base64
import json
import multiprocessing
import os
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
    """Users, their Django sessions (cookies), registrations and a live café-cité session."""
    import datetime

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
        cookies.append(key)
    DjangoSession.objects.bulk_create(rows, batch_size=500)
    return session.pk, cookies


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_port(port, process, timeout=90):
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
        f"Origin: http://{HOST}",
    ]
    if cookie:
        lines.append(f"Cookie: sessionid={cookie}")
    host, port = hostport.split(":")
    return host, int(port), ("\r\n".join(lines) + "\r\n\r\n").encode()


def client_worker(config, index, ready, commands, results):
    """One process holding a share of the clients; worker 0 also sends the paced messages."""
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(_client_worker(config, index, ready, commands, results))


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
    parser.add_argument("--skip-ceiling", action="store_true")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cde_cafes_bench"
        ),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/2")
    )
    args = parser.parse_args()
    rates = [float(value) for value in args.rates.split(",") if value.strip()]
    if not 1 <= args.clients <= MAX_CLIENTS or not 0 < args.duration <= MAX_DURATION:
        raise SystemExit(f"Bornes : 1 à {MAX_CLIENTS} clients, durée de 0 à {MAX_DURATION} s.")
    if not rates or any(not 0 < rate <= 200 for rate in rates):
        raise SystemExit("Débits : de 0 à 200 messages par seconde.")
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
        for _ in range(args.servers):
            port = free_port()
            servers.append(
                subprocess.Popen(  # noqa: S603 - fixed command, loopback
                    [*server_command(args.server, port), "cde_site.asgi:application"],
                    cwd=ROOT,
                    env=django_env(args),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
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
            run_clients(
                {
                    **base,
                    "urls": urls,
                    "cookies": cookies,
                    "mode": "django",
                    "server_pids": [p.pid for p in servers],
                },
                f"Serveur réel ({args.servers} × {args.server})",
            )
        finally:
            for process in servers:
                process.terminate()
            for process in servers:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
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
