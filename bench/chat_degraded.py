"""Cost of the chat's degraded mode: Redis (the channel layer) down during cafés, many rooms.

While the channel layer is down, each server process polls the database every second for all
its rooms (cafes_cites/chat/hub.py, Hub.catch_up): new messages, deletions, presence. This
bench measures what that costs PostgreSQL and what it does to delivery:

  1. a private redis-server (loopback, free port, as tests/private_redis.py) carries the layer
     of `--servers` uvicorn processes (as bench/chat_load.py starts them);
  2. `--rooms` live café-cité sessions, `--clients` sockets spread over them and over the
     processes (every room has sockets in every process: what one process posts reaches the
     other's sockets through the layer, or through the polls when it is down);
  3. phases of `--duration` seconds: Redis up, idle; Redis up, `--rate` messages/s; Redis
     killed (SIGKILL), idle; Redis down, `--rate` messages/s; then Redis restarted on the same
     port, and the bench waits for every socket to be told `"live": "ok"` and for the last
     deliveries.

Per phase: PostgreSQL transactions per second on the bench database (pg_stat_database; a poll
runs in autocommit, so one query is one transaction), CPU of the server processes, delivery
latency (post → receipt) p50/p99/max, apart for the sockets of the poster's process (live, or
the local fallback) and of the other processes (the layer, or the polls). At the end: each
message received exactly once by every socket of its room, or the losses and duplicates.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cde_chat_bench_degraded \\
      uv run python bench/chat_degraded.py --rooms 100 --clients 1000 [--root /tmp/ancien-arbre]

`--root`: serve another tree of the project (`git archive <commit> | tar -x -C DIR`) with the
same bench, on a database matching its migrations (another BENCH_DATABASE_URL).
"""

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import chat_load  # the bench's server and client helpers

from tests.private_redis import REDIS_SERVER, PrivateRedis

WAIT = 60  # seconds, upper bound of the waits for sockets and statuses
# PostgreSQL 15 backends report their statistics when idle, at most once per second, and
# within 10 s (PGSTAT_IDLE_INTERVAL): a phase starts once the previous one's are all in.
SETTLE = 11


def prepare_rooms(args):
    """`--rooms` sessions, the bench user of client i registered in room i % rooms (the first
    room has them all). Returns (session ids, cookies, in the clients' order)."""
    import datetime

    from django.utils import timezone

    from cafes_cites.models import Registration, Session

    first, cookies = chat_load.prepare_room(args)
    # prepare_room's cookies follow its users by id.
    users = list(
        Registration.objects.filter(session_id=first)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    start = timezone.now() - datetime.timedelta(minutes=5)
    sessions = [first]
    for index in range(args.rooms - 1):
        session = Session.objects.create(
            title=f"Banc d'essai {uuid.uuid4().hex[:6]} ({index + 2})",
            start=start,
            end=start + datetime.timedelta(hours=2),
        )
        Registration.objects.bulk_create(
            Registration(session=session, user_id=user, status="confirmed")
            for user in users[index + 1 :: args.rooms]
        )
        sessions.append(session.pk)
    return sessions, cookies


def database_counters(args):
    """Transactions committed or rolled back on the bench database, so far."""
    import psycopg

    name = args.database_url.rsplit("/", 1)[1]
    with psycopg.connect(args.database_url, autocommit=True) as connection:
        connection.execute("SELECT pg_stat_clear_snapshot()")
        row = connection.execute(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s", [name]
        ).fetchone()
    return row[0]


class Stats:
    def __init__(self):
        self.tag = None
        self.sent = {}  # seq -> (room, server index)
        self.received = {}  # (client index, seq) -> count
        self.latencies = {"local": [], "other": []}


class Client(chat_load.BenchSocket):
    """A chat socket: notes its history, its live status, and the bench's messages it gets."""

    def __init__(self, index, room, server, request, stats):
        super().__init__(0, None, request)
        self.index, self.room, self.server, self.stats = index, room, server, stats
        self.history = asyncio.get_running_loop().create_future()
        self.live = "ok"

    def on_text(self, payload):
        if payload.startswith(b'{"type":"status"'):
            self.live = json.loads(payload)["live"]
        elif payload.startswith(b'{"type":"history"'):
            if not self.history.done():
                self.history.set_result(True)
        elif payload.startswith(b'{"type":"message"'):
            marker = payload.find(chat_load.MARKER)
            if marker < 0:
                return
            now = time.time()
            tag, seq, stamp = payload[marker + 6 : marker + 80].split(b":", 2)
            stats = self.stats
            if tag.decode() != stats.tag:
                return
            seq = int(seq)
            key = (self.index, seq)
            stats.received[key] = stats.received.get(key, 0) + 1
            _, server = stats.sent[seq]
            where = "local" if server == self.server else "other"
            stats.latencies[where].append(now - float(stamp.split(b"<", 1)[0]))


async def open_clients(urls, sessions, cookies, stats):
    loop = asyncio.get_running_loop()
    semaphore = asyncio.Semaphore(20)
    clients = []

    async def open_one(index, cookie):
        room = index % len(sessions)
        server = (index // len(sessions)) % len(urls)
        url = urls[server].format(session=sessions[room])
        host, port, request = chat_load.handshake(url, cookie)
        async with semaphore:
            _, client = await loop.create_connection(
                lambda: Client(index, room, server, request, stats), host, port
            )
            if not await client.opened:
                raise SystemExit(f"Connexion refusée : {url}")
            await asyncio.wait_for(client.history, WAIT)
        clients.append(client)

    await asyncio.gather(*(open_one(index, cookie) for index, cookie in enumerate(cookies)))
    return sorted(clients, key=lambda client: client.index)


async def all_told(clients, live, what):
    """Wait until every socket was told `live`; print how long it took."""
    started = time.monotonic()
    while not all(client.live == live for client in clients):
        if time.monotonic() - started > WAIT:
            raise SystemExit(f"Toujours pas au bout de {WAIT} s : {what}")
        await asyncio.sleep(0.05)
    print(f"{what} en {time.monotonic() - started:.1f} s", flush=True)


async def phase(args, label, clients, servers, stats, rate):
    """`--duration` seconds, posting `rate` messages/s (0: idle) from clients taken in turn
    (one message per person per ten seconds at most: the rate limit is 5 per 10 s)."""
    tag = uuid.uuid4().hex[:6]
    stats.tag, stats.sent, stats.received = tag, {}, {}
    stats.latencies = {"local": [], "other": []}
    cpu = sum(chat_load.cpu_seconds(server.pid) for server in servers)
    transactions = database_counters(args)
    started = time.monotonic()
    seq = 0
    while time.monotonic() - started < args.duration:
        if rate:
            poster = clients[(seq * 7919) % len(clients)]  # spread over rooms and processes
            stats.sent[seq] = (poster.room, poster.server)
            body = f"bench:{tag}:{seq}:{time.time():.6f}"
            poster.send_text(
                json.dumps({"type": "message", "body": body, "client_id": str(uuid.uuid4())})
            )
            seq += 1
            await asyncio.sleep(max(0.0, started + seq / rate - time.monotonic()))
        else:
            await asyncio.sleep(0.2)
    elapsed = time.monotonic() - started
    # Minus the first reading's own two (the second's are not counted yet).
    transactions = database_counters(args) - transactions - 2
    cpu = sum(chat_load.cpu_seconds(server.pid) for server in servers) - cpu
    return {
        "label": label,
        "elapsed": elapsed,
        "tps": transactions / elapsed,
        "cpu": cpu / elapsed,
        "sent": dict(stats.sent),
        "stats": stats,
    }


def delivery(result, clients):
    """(expected, received once, lost, duplicated) deliveries of the phase's messages."""
    stats = result["stats"]
    expected = once = lost = duplicated = 0
    for seq, (room, _) in result["sent"].items():
        for client in clients:
            if client.room != room:
                continue
            expected += 1
            count = stats.received.get((client.index, seq), 0)
            once += count == 1
            lost += count == 0
            duplicated += count > 1
    return expected, once, lost, duplicated


def latency(values):
    if not values:
        return "—"
    values = sorted(values)
    p50, p99 = chat_load.percentile(values, 0.5), chat_load.percentile(values, 0.99)  # ms
    return f"{p50:.0f} / {p99:.0f} / {values[-1] * 1000:.0f} ms"


def report(result, clients):
    line = (
        f"{result['label']} : {result['tps']:.1f} transactions/s sur PostgreSQL, "
        f"serveurs {result['cpu'] * 100:.0f} % d'un cœur"
    )
    if result["sent"]:
        stats = result["stats"]
        expected, once, lost, duplicated = delivery(result, clients)
        line += (
            f", {len(result['sent'])} messages ; latence p50 / p99 / max : processus de "
            f"l'expéditeur {latency(stats.latencies['local'])}, autres processus "
            f"{latency(stats.latencies['other'])} ; remises {once}/{expected} une fois, "
            f"{lost} perdues, {duplicated} en double"
        )
    print(line, flush=True)


async def run(args, urls, sessions, cookies, servers, redis):
    stats = Stats()
    clients = await open_clients(urls, sessions, cookies, stats)
    print(f"{len(clients)} sockets connectés, charge {os.getloadavg()[0]:.1f}", flush=True)
    await asyncio.sleep(SETTLE)  # the connections' statistics reach pg_stat_database
    results = []
    results.append(await phase(args, "Redis en service, sans message", clients, servers, stats, 0))
    report(results[-1], clients)
    results.append(
        await phase(args, "Redis en service, envois", clients, servers, stats, args.rate)
    )
    await asyncio.sleep(2)  # last deliveries
    report(results[-1], clients)

    redis.kill()
    await all_told(clients, "degraded", "Redis arrêté : tous les sockets avertis")
    await asyncio.sleep(SETTLE)  # the last phase's statistics: not counted as the outage's
    results.append(await phase(args, "Redis arrêté, sans message", clients, servers, stats, 0))
    report(results[-1], clients)
    outage = await phase(args, "Redis arrêté, envois", clients, servers, stats, args.rate)
    await asyncio.sleep(2)  # the last polls
    during = dict(stats.received)
    redis.start()
    await all_told(clients, "ok", "Redis redémarré : tous les sockets rétablis")
    await asyncio.sleep(3)  # the catch-up
    report(outage, clients)
    caught_up = sum(stats.received.values()) - sum(during.values())
    print(f"  dont {caught_up} remises après le retour de Redis (rattrapage)", flush=True)
    for client in clients:
        client.close()
    await asyncio.sleep(0.5)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rooms", type=int, default=100)
    parser.add_argument("--clients", type=int, default=1000, help="sockets, tous salons")
    parser.add_argument("--servers", type=int, default=2, help="processus uvicorn")
    parser.add_argument("--duration", type=float, default=30.0, help="secondes par phase")
    parser.add_argument("--rate", type=float, default=10.0, help="messages par seconde")
    parser.add_argument("--root", type=Path, default=chat_load.ROOT, help="arbre servi")
    chat_load.add_service_arguments(parser)
    args = parser.parse_args()
    if not 1 <= args.rooms <= args.clients <= chat_load.MAX_CLIENTS:
        raise SystemExit(f"Bornes : 1 salon au moins, {chat_load.MAX_CLIENTS} sockets au plus.")
    if args.clients < args.rooms * args.servers:
        raise SystemExit("Il faut au moins un socket par salon et par processus serveur.")
    if args.rate * 10 / 5 > args.clients:
        raise SystemExit("Débit trop élevé pour la limite de 5 messages par 10 s et par personne.")
    if not os.path.exists(REDIS_SERVER):
        raise SystemExit(f"{REDIS_SERVER} absent.")
    args.conn_max_age = 60
    root = args.root.resolve()
    redis = PrivateRedis()
    redis.start()
    os.environ["CHANNEL_LAYER_PREFIX"] = f"benchdegraded{redis.port}"
    args.redis_url = redis.url
    print(
        f"Banc du mode perturbé : {args.rooms} salons, {args.clients} sockets, "
        f"{args.servers} processus ({root}), {args.rate:g} messages/s, phases de "
        f"{args.duration:g} s, {os.cpu_count()} cœurs, charge {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    servers = []
    try:
        chat_load.ensure_database(args)
        chat_load.ROOT = root  # setup_django(), django_env() and the servers use this tree
        chat_load.setup_django(args)
        sessions, cookies = prepare_rooms(args)
        (root / "var").mkdir(exist_ok=True)
        ports = [chat_load.free_port() for _ in range(args.servers)]
        with (root / "var" / "chat_degraded_servers.log").open("wb") as log:
            for port in ports:
                servers.append(chat_load.start_server(args, "uvicorn", port, log))
            for port, server in zip(ports, servers, strict=True):
                chat_load.wait_port(port, server)
            urls = [
                f"ws://{chat_load.HOST}:{port}/ws/cafes-cites/{{session}}/chat/" for port in ports
            ]
            asyncio.run(run(args, urls, sessions, cookies, servers, redis))
    finally:
        chat_load.stop_servers(servers)
        redis.kill()
    print(f"Charge en fin de banc : {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
