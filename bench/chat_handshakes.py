"""Reconnection storm on one chat server process: N sockets of a café-cité open at once.

What a killed process leaves to the survivors (bench/chat_load.py --kill-worker), without the
rest of the run: one uvicorn process (as chat_load.py starts them), one room with a few messages,
then N real Django sessions connect at the same instant with `?after=` (a resume) and the time
until each has its history frame is measured: p50, p99, last. The handshakes share the process's
database thread (authentication, room, history, presence), which is what this measures.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cde_chat_bench \\
    REDIS_URL=redis://127.0.0.1:6379/5 CHANNEL_LAYER_PREFIX=chatdev \\
      uv run python bench/chat_handshakes.py --clients 500 [--root /tmp/ancien-arbre]

`--root`: serve another tree of the project (e.g. `git archive <commit> | tar -x -C DIR`) to
compare versions with the same client; its database must match its migrations (use another
BENCH_DATABASE_URL).
"""

import argparse
import asyncio
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import chat_load  # the bench's server and client helpers


class HistorySocket(chat_load.BenchSocket):
    """Notes when its history frame arrives."""

    def __init__(self, request, arrivals):
        super().__init__(0, None, request)
        self.arrivals = arrivals

    def on_text(self, payload):
        if b'"type":"history"' in payload:
            self.arrivals.append(time.monotonic())


async def storm(url, cookies):
    loop = asyncio.get_running_loop()
    arrivals = []
    sockets = []

    async def open_socket(cookie):
        host, port, request = chat_load.handshake(url, cookie)
        for _ in range(3):
            try:
                _, protocol = await loop.create_connection(
                    lambda: HistorySocket(request, arrivals), host, port
                )
                sockets.append(protocol)
                return
            except OSError:
                await asyncio.sleep(0.2)

    # A first socket: the process's relay, session watch and heartbeat exist, as on a survivor.
    await open_socket(cookies[0])
    await asyncio.sleep(1)
    arrivals.clear()
    started = time.monotonic()
    await asyncio.gather(*(open_socket(cookie) for cookie in cookies[1:]))
    while len(arrivals) < len(cookies) - 1 and time.monotonic() - started < 120:
        await asyncio.sleep(0.05)
    for protocol in sockets:
        protocol.close()
    await asyncio.sleep(0.5)
    return sorted(arrival - started for arrival in arrivals)


def post_messages(session_id, count):
    """`count` messages, from as many authors (the rate limit is per person)."""
    from accounts.models import User
    from cafes_cites import services

    authors = User.objects.filter(email__startswith="bench").order_by("pk")[:count]
    for index, author in enumerate(authors):
        services.post_message(author, session_id, f"Message {index}", str(uuid.uuid4()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--messages", type=int, default=20, help="messages du salon")
    parser.add_argument("--root", type=Path, default=chat_load.ROOT, help="arbre servi")
    chat_load.add_service_arguments(parser)
    args = parser.parse_args()
    if not 2 <= args.clients <= chat_load.MAX_CLIENTS:
        raise SystemExit(f"Bornes : 2 à {chat_load.MAX_CLIENTS} clients.")
    args.conn_max_age = 60
    root = args.root.resolve()
    print(
        f"Rafale de connexions : {args.clients} sockets d'un coup sur 1 processus uvicorn "
        f"({root}), charge {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    chat_load.ensure_database(args)
    chat_load.ROOT = root  # setup_django(), django_env() and the server use this tree
    chat_load.setup_django(args)
    session_id, cookies = chat_load.prepare_room(args)
    post_messages(session_id, args.messages)
    port = chat_load.free_port()
    (root / "var").mkdir(exist_ok=True)
    with (root / "var" / "chat_handshakes_server.log").open("wb") as log:
        server = chat_load.start_server(args, "uvicorn", port, log)
        try:
            chat_load.wait_port(port, server)
            # A resume after the room's first half: each history carries the second half.
            url = (
                f"ws://{chat_load.HOST}:{port}/ws/cafes-cites/{session_id}/chat/"
                f"?after={args.messages // 2}"
            )
            times = asyncio.run(storm(url, cookies))
        finally:
            server.terminate()
            server.wait(timeout=10)
    if not times:
        raise SystemExit("Aucun historique reçu.")
    print(
        f"{len(times)}/{args.clients - 1} historiques reçus : p50 "
        f"{times[len(times) // 2]:.2f} s, p99 {times[int(len(times) * 0.99)]:.2f} s, "
        f"dernier {times[-1]:.2f} s, charge {os.getloadavg()[0]:.1f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
