"""Fault drill (issue #7): Redis restarted during a café-cité.

A private redis-server (loopback, free port, no persistence) carries the channel layer of the
test; it is killed (SIGKILL, as a crash or a restart would) and started again on the same port
while participants are connected over the real ASGI application.

What the drill checks:

- the websockets themselves survive the outage (they are served by the ASGI server, not by
  Redis); a message posted during the outage is stored (the database is the source of truth) and
  delivered at once to the sockets of the same server process, the poster's included, by the
  local fallback of cafes_cites/fanout.py: no silent loss for the poster;
- a socket that is the first of its room in its process cannot subscribe while Redis is down:
  its handshake is refused cleanly (the browser retries), and once Redis is back it connects and
  receives live messages (the relay is not left behind without a subscription);
- after the restart the relay's pub/sub subscription is re-established (redis-py re-subscribes
  on reconnection) and messages reach everyone again;
- a client that reconnects with `?after=<last id it saw>` gets exactly the messages it missed,
  the one posted during the outage included, in order, without duplicates.

- the sockets of *another* server process, which the local fallback cannot reach, get the
  message posted during the outage from their relay's gap fill as soon as the next message
  reaches that process, before it, in order, without duplicates (second test below, the other
  process being simulated by a second event loop).

Limit: a message published in the instant between Redis's return and the re-subscription
(channels_redis's reader retries every second) is not delivered live at once, but by the gap
fill of the next message. The tests wait for the re-subscription (PUBSUB NUMSUB) before posting
again.

What the browser shows (cafes_cites/static/cafes_cites/chat.js, not exercised here): the state
line (`role="status"`, `#chat-etat`, mirrored in `data-chat-state`) reads « Connexion au chat… »,
then « Connecté ». While only Redis is down the socket stays open and the state does not change.
When the socket closes (server restart, refused handshake), the composer is disabled and the
state reads « Déconnecté — nouvelle tentative dans N s » (exponential backoff 1 s → 30 s, with
jitter), then « Reconnexion… »; the client reconnects with `?after=<last id>`, announces
« N message(s) reçu(s) pendant la déconnexion. » in the `aria-live` region, skips ids already
shown, and re-sends the messages not yet acknowledged with their `client_id` (stored once).
A message typed while disconnected shows « Message en attente : il partira dès la
reconnexion. ».
"""

import asyncio
import shutil
import socket
import subprocess
import threading
import time

import pytest
import redis
from channels.db import database_sync_to_async

from cafes_cites.models import ChatMessage
from cafes_cites.services import room_group
from cafes_cites.session_auth import AUTH_GROUP
from tests.test_cafes_cites_chat import _live_session, _registered, connect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REDIS_SERVER = "/usr/bin/redis-server"
WAIT = 10  # seconds, upper bound of every wait-for-condition below


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server of the test's own, which can be killed and restarted on the same port."""

    def __init__(self):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        options = f"--port {self.port} --bind 127.0.0.1 --appendonly no --daemonize no".split()
        self.process = subprocess.Popen(
            [REDIS_SERVER, *options, "--save", ""],  # no persistence: a restart starts empty
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + WAIT
        try:
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(f"redis-server exited ({self.process.returncode})")
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.02)
        finally:
            client.close()

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
        if self.process is not None:
            self.process.wait(timeout=WAIT)

    async def subscribers(self, channel):
        client = redis.asyncio.Redis(port=self.port)
        try:
            return dict(await client.pubsub_numsub(channel)).get(channel.encode(), 0)
        finally:
            await client.aclose()


@pytest.fixture
def private_redis(settings, async_db_cleanup):
    if not shutil.which(REDIS_SERVER):
        pytest.skip("redis-server absent")
    server = PrivateRedis()
    prefix = f"faultdrill{server.port}"
    try:
        server.start()
        # Everything of the chat path that uses Redis reads these: the consumers' relays and
        # session watch (fanout.py) and services.publish call get_channel_layer(), whose cache
        # channels resets when CHANNEL_LAYERS changes. The cache is not on the chat path.
        settings.REDIS_URL = server.url
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "CONFIG": {"hosts": [server.url], "prefix": prefix},
            }
        }
        settings.CAFES_CITES_CHAT_RATE = (100, 10)
        settings.CAFES_CITES_PRESENCE_DEBOUNCE = 0
        server.group_channel = lambda group: f"{prefix}__group__{group}"
        yield server
    finally:
        server.kill()


async def _until(condition, what):
    deadline = time.monotonic() + WAIT
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Toujours pas au bout de {WAIT} s : {what}")
        await asyncio.sleep(0.05)


async def _subscribed_again(server, *groups):
    """Wait until this process's subscriptions exist on the restarted Redis."""
    for group in groups:
        channel = server.group_channel(group)

        async def subscribed(channel=channel):
            return await server.subscribers(channel) >= 1

        await _until(subscribed, f"abonnement à {channel} rétabli")


def _bodies(messages):
    return [message["body_html"] for message in messages]


async def test_redis_restart_during_a_cafe_loses_no_message(private_redis):
    session = await database_sync_to_async(_live_session)()
    alice = await database_sync_to_async(_registered)(session, first_name="Alice")
    bob = await database_sync_to_async(_registered)(session, first_name="Bob")
    a, b = await connect(alice, session), await connect(bob, session)
    bob_tab = await connect(bob, session)  # a second tab of Bob's, which will drop
    await a.post("Avant")
    for chat in (a, b, bob_tab):
        assert (await chat.receive("message"))["id"] == 1
    await bob_tab.close()  # Bob's tab drops, having shown message 1

    private_redis.kill()
    await a.post("Pendant la coupure")
    # The poster gets its echo (and so does everyone on this server process), although the
    # channel layer is unreachable...
    for chat in (a, b):
        during = await chat.receive("message")
        assert during["id"] == 2 and during["body_html"] == "<p>Pendant la coupure</p>"
    # ...and the message is stored: reconnecting clients get it from the database.
    stored = await database_sync_to_async(lambda: list(ChatMessage.objects.values("room_id")))()
    assert [row["room_id"] for row in stored] == [1, 2]

    private_redis.start()  # same port: the layer's connections come back by themselves
    await _subscribed_again(private_redis, room_group(session.pk), AUTH_GROUP)
    await b.post("Après le redémarrage")
    for chat in (a, b):
        after = await chat.receive("message")
        assert after["id"] == 3 and after["body_html"] == "<p>Après le redémarrage</p>"

    bob_tab = await connect(bob, session, after=1)
    assert bob_tab.history["resumed"] is True and bob_tab.history["truncated"] is False
    assert [m["id"] for m in bob_tab.history["messages"]] == [2, 3]
    assert _bodies(bob_tab.history["messages"]) == [
        "<p>Pendant la coupure</p>",
        "<p>Après le redémarrage</p>",
    ]
    await a.post("Encore")
    for chat in (a, b, bob_tab):
        assert (await chat.receive("message"))["id"] == 4
    for chat in (a, b, bob_tab):
        assert await chat.nothing_more()  # no duplicate, nothing lost in between
    fresh = await connect(alice, session)
    assert [m["id"] for m in fresh.history["messages"]] == [1, 2, 3, 4]
    for chat in (a, b, bob_tab, fresh):
        await chat.close()


async def test_first_socket_of_a_room_during_the_outage_is_refused_then_works(private_redis):
    """While Redis is down, the first socket of a room in a process cannot subscribe: the
    handshake is refused (the browser retries with backoff); once Redis is back, the next
    attempt subscribes afresh and receives live messages."""
    session = await database_sync_to_async(_live_session)()
    alice = await database_sync_to_async(_registered)(session)
    bob = await database_sync_to_async(_registered)(session)
    private_redis.kill()
    assert await connect(alice, session) is None
    assert await connect(alice, session) is None  # still refused, not half-connected

    private_redis.start()
    a = await connect(alice, session)
    b = await connect(bob, session)
    assert a is not None and b is not None
    await b.post("Bonjour après le redémarrage")
    for chat in (a, b):
        message = await chat.receive("message")
        assert message["id"] == 1 and message["body_html"] == "<p>Bonjour après le redémarrage</p>"
    await a.close()
    await b.close()


class OtherProcess:
    """A second server process, as far as the chat is concerned: an event loop of its own, in a
    thread. Relays, the session watch and channels_redis's connections are all per event loop,
    so sockets connected through this loop have their own relay and their own Redis
    subscription, which the local fallback of the test's loop (the poster's process) does not
    reach: exactly the situation of two server processes. Coroutines are run there by `run`."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            self.loop.run_forever()
        finally:
            # In this thread: channels_redis flushes the loop's layer on close, running the loop.
            self.loop.close()

    async def run(self, coroutine):
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self.loop))

    def stop(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=WAIT)


async def test_other_process_gets_the_outage_message_from_its_relay_gap_fill(private_redis):
    """Alice's socket is served by this loop (process A), Bob's by another loop (process B,
    see OtherProcess). During the outage Alice posts: A's sockets get it through the local
    fallback, B's cannot. Once Redis is back, the next message reaching B makes its relay see
    the gap (id 3 after 1): it loads message 2 from the database and delivers 2 then 3, in
    order, each once; A, which delivered 2 already, delivers only 3."""
    session = await database_sync_to_async(_live_session)()
    alice = await database_sync_to_async(_registered)(session, first_name="Alice")
    bob = await database_sync_to_async(_registered)(session, first_name="Bob")
    other = OtherProcess()
    try:
        a = await connect(alice, session)
        b = await other.run(connect(bob, session))
        group_channel = private_redis.group_channel(room_group(session.pk))

        async def both_subscribed():
            return await private_redis.subscribers(group_channel) >= 2

        await _until(both_subscribed, "deux processus abonnés au salon")
        await a.post("Avant")
        assert (await a.receive("message"))["id"] == 1
        assert (await other.run(b.receive("message")))["id"] == 1

        private_redis.kill()
        await a.post("Pendant la coupure")
        assert (await a.receive("message"))["id"] == 2
        assert await other.run(b.nothing_more())  # process B cannot be told live

        private_redis.start()
        await _until(both_subscribed, "abonnements des deux processus rétablis")
        await a.post("Après le redémarrage")
        assert (await a.receive("message"))["id"] == 3
        first, second = [await other.run(b.receive("message")) for _ in range(2)]
        assert [first["id"], second["id"]] == [2, 3]
        assert _bodies([first, second]) == [
            "<p>Pendant la coupure</p>",
            "<p>Après le redémarrage</p>",
        ]
        # Encoded as a live message would be: same fields as the resumed history's.
        resumed = await connect(alice, session, after=1)
        assert resumed.history["messages"][0] == first
        await a.post("Encore")
        assert (await a.receive("message"))["id"] == 4
        assert (await other.run(b.receive("message")))["id"] == 4
        assert await a.nothing_more()
        assert await other.run(b.nothing_more())  # no duplicate
        await resumed.close()
        await a.close()
        await other.run(b.close())
    finally:
        other.stop()
