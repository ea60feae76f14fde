"""Load test of the café-cité live chat: N websocket clients in one room, a paced message rate.

Runs, in the same run and on loopback only:
  1. the real server: `--servers` Daphne processes (cde_site.asgi) sharing the Redis channel
     layer and PostgreSQL, clients spread over them;
  2. a ceiling: a minimal broadcast server written with the `websockets` library (one process).
For each, prints delivered messages/s, p50/p99 latency (send → receipt), lost and duplicated
deliveries, and the servers' CPU time per 1,000 deliveries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cde_cafes_bench \\
    REDIS_URL=redis://127.0.0.1:6379/2 .venv/bin/python bench/chat_load.py --clients 1000 --rate 5

The database is created and migrated if needed; each run uses a new café-cité session.
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # loopback only
MAX_CLIENTS = 5000
MAX_DURATION = 120


def django_env(args):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cde_site.settings.base",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key",
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
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
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from cafes_cites.models import Registration, Session

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
    cookies = []
    backend = "accounts.backends.PlatformAuthenticationBackend"
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        cookies.append(store.session_key)
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
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
        async with serve(handler, HOST, port, max_queue=None, ping_interval=None):
            await asyncio.Future()

    asyncio.run(main())


# --- Clients ----------------------------------------------------------------------------------


def client_worker(config, index, ready, go, results):
    """One process holding a share of the clients; worker 0 also sends the paced messages."""
    asyncio.run(_client_worker(config, index, ready, go, results))


async def _client_worker(config, index, ready, go, results):
    from websockets.asyncio.client import connect

    urls, cookies, mode = config["urls"], config["cookies"], config["mode"]
    latencies, seen = [], {}
    sent_at = {}
    connections = []
    errors = 0

    async def reader(websocket, client):
        nonlocal errors
        mine = seen.setdefault(client, set())
        try:
            async for frame in websocket:
                marker = frame.find("bench:")
                if marker < 0:
                    if '"type":"error"' in frame:
                        errors += 1
                    continue
                now = time.time()
                _, _, seq, stamp = frame[marker:].split("<", 1)[0].split('"', 1)[0].split(":")[:4]
                latencies.append(now - float(stamp))
                mine.add(int(seq)) if int(seq) not in mine else mine.add(-int(seq) - 1)
        except Exception:  # noqa: S110 - closed at the end of the run
            pass

    # Paced connections: Daphne drops a handshake the application has not accepted in 5 s.
    semaphore = asyncio.Semaphore(10)

    async def open_client(client, url, cookie):
        async with semaphore:
            headers = {"Origin": f"http://{HOST}"}
            if cookie:
                headers["Cookie"] = f"sessionid={cookie}"
            for _ in range(5):
                try:
                    websocket = await connect(
                        url,
                        additional_headers=headers,
                        max_queue=None,
                        ping_interval=None,
                        open_timeout=60,
                    )
                    break
                except Exception:
                    await asyncio.sleep(1)
            else:
                return None
            connections.append((client, websocket, asyncio.create_task(reader(websocket, client))))
            return websocket

    mine = range(index, len(cookies), config["workers"])
    await asyncio.gather(*(open_client(c, urls[c % len(urls)], cookies[c]) for c in mine))
    ready.put(len(connections))
    while go.empty():
        await asyncio.sleep(0.05)
    await asyncio.sleep(1)  # let the presence broadcasts of the connections settle
    sent = 0
    if index == 0:
        senders = [ws for _, ws, _ in connections][:200]
        interval = 1 / config["rate"]
        started = time.monotonic()
        total = int(config["rate"] * config["duration"])
        for seq in range(total):
            delay = started + seq * interval - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            body = f"bench:{config['run']}:{seq}:{time.time():.6f}"
            websocket = senders[seq % len(senders)]
            if mode == "django":
                payload = json.dumps(
                    {"type": "message", "body": body, "client_id": str(uuid.uuid4())}
                )
            else:
                payload = json.dumps({"type": "message", "body_html": f"<p>{body}</p>", "id": seq})
            try:
                await websocket.send(payload)
                sent_at[seq] = time.time()
                sent += 1
            except Exception:
                errors += 1
    else:
        await asyncio.sleep(config["duration"])
    await asyncio.sleep(config["drain"])
    for _, websocket, task in connections:
        await websocket.close()
        task.cancel()
    received = sum(len([s for s in values if s >= 0]) for values in seen.values())
    duplicates = sum(len([s for s in values if s < 0]) for values in seen.values())
    results.put(
        {
            "connected": len(connections),
            "received": received,
            "duplicates": duplicates,
            "latencies": latencies,
            "sent": sent,
            "errors": errors,
        }
    )


def run_clients(config):
    ctx = multiprocessing.get_context("spawn")
    ready, go, results = ctx.Queue(), ctx.Queue(), ctx.Queue()
    workers = [
        ctx.Process(target=client_worker, args=(config, index, ready, go, results))
        for index in range(config["workers"])
    ]
    for worker in workers:
        worker.start()
    connected = sum(ready.get(timeout=600) for _ in workers)
    print(f"  {connected} clients connectés", flush=True)
    cpu_before = sum(cpu_seconds(pid) for pid in config["server_pids"])
    started = time.monotonic()
    go.put(True)
    outcome = [results.get(timeout=config["duration"] + config["drain"] + 120) for _ in workers]
    elapsed = time.monotonic() - started - 1 - config["drain"]
    cpu = sum(cpu_seconds(pid) for pid in config["server_pids"]) - cpu_before
    for worker in workers:
        worker.join(timeout=30)
    latencies = sorted(value for item in outcome for value in item["latencies"])
    sent = sum(item["sent"] for item in outcome)
    received = sum(item["received"] for item in outcome)
    expected = sent * connected
    return {
        "connected": connected,
        "sent": sent,
        "received": received,
        "expected": expected,
        "lost": expected - received,
        "duplicates": sum(item["duplicates"] for item in outcome),
        "errors": sum(item["errors"] for item in outcome),
        "rate": received / max(elapsed, 0.001),
        "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else float("nan"),
        "cpu_per_1000": cpu / max(received, 1) * 1000,
    }


def report(label, result):
    lost_pct = 100 * result["lost"] / max(result["expected"], 1)
    print(
        f"{label}: {result['connected']} clients, {result['sent']} messages envoyés, "
        f"{result['received']}/{result['expected']} remises ({result['rate']:.0f} remises/s), "
        f"p50 {result['p50']:.0f} ms, p99 {result['p99']:.0f} ms, "
        f"perdues {result['lost']} ({lost_pct:.2f} %), doublons {result['duplicates']}, "
        f"erreurs {result['errors']}, CPU serveur {result['cpu_per_1000']:.3f} s / 1000 remises",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=5.0, help="messages par seconde")
    parser.add_argument("--duration", type=float, default=20.0, help="secondes d'envoi")
    parser.add_argument("--drain", type=float, default=5.0, help="secondes d'attente finale")
    parser.add_argument("--servers", type=int, default=2, help="processus Daphne")
    parser.add_argument("--workers", type=int, default=2, help="processus clients")
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
    if not 1 <= args.clients <= MAX_CLIENTS or not 0 < args.duration <= MAX_DURATION:
        raise SystemExit(f"Bornes : 1 à {MAX_CLIENTS} clients, durée de 0 à {MAX_DURATION} s.")
    run = uuid.uuid4().hex[:6]
    base = {
        "rate": args.rate,
        "duration": args.duration,
        "drain": args.drain,
        "workers": args.workers,
        "run": run,
    }
    print(
        f"Banc chat : {args.clients} clients, {args.rate:g} messages/s pendant {args.duration:g} s "
        f"({args.rate * args.clients:.0f} remises/s attendues)",
        flush=True,
    )
    if not args.skip_django:
        ensure_database(args)
        setup_django(args)
        session_id, cookies = prepare_room(args)
        servers, ports = [], []
        log = (ROOT / "var" / "chat_load_servers.log").open("wb")
        for _ in range(args.servers):
            port = free_port()
            servers.append(
                subprocess.Popen(  # noqa: S603 - fixed command, loopback
                    [
                        sys.executable,
                        "-m",
                        "daphne",
                        "-b",
                        HOST,
                        "-p",
                        str(port),
                        "cde_site.asgi:application",
                    ],
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
            print(f"Serveur réel : {args.servers} × Daphne + channels-redis", flush=True)
            result = run_clients(
                {
                    **base,
                    "urls": urls,
                    "cookies": cookies,
                    "mode": "django",
                    "server_pids": [p.pid for p in servers],
                }
            )
            report("Serveur réel (Daphne, Channels, Redis)", result)
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
            result = run_clients(
                {
                    **base,
                    "urls": [f"ws://{HOST}:{port}/"],
                    "cookies": [None] * args.clients,
                    "mode": "ceiling",
                    "server_pids": [server.pid],
                }
            )
            report("Plafond (websockets)", result)
        finally:
            server.terminate()
            server.join(timeout=10)


if __name__ == "__main__":
    main()
