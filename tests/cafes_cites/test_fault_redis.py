"""Fault drill (issue #7): Redis restarted during a café-cité.

A private redis-server (loopback, free port, no persistence) carries the channel layer of the
test; it is killed (SIGKILL, as a crash or a restart would) and started again on the same port
while participants are connected over the real ASGI application.

What the drill checks:

- the websockets themselves survive the outage (they are served by the ASGI server, not by
  Redis); each server process's layer monitor (cafes_cites/fanout.py) notices the outage and
  tells its sockets `{"type": "status", "live": "degraded"}`, before anything else of the
  outage; a socket that connects meanwhile reads `"live": "degraded"` in its state frame;
- a message posted during the outage is stored (the database is the source of truth) and
  delivered at once to the sockets of the same server process, the poster's included, by the
  local fallback of fanout.group_send: no silent loss for the poster;
- the sockets of *another* server process, which the local fallback cannot reach, get it
  during the outage too: while degraded, each process's relays read their rooms' new messages
  from the database at each probe (the other process being simulated by a second event loop);
- a socket that is the first of its room in its process (a page reloaded during the outage)
  is accepted all the same: `"live": "degraded"` in its state frame, its history from the
  database, then the other processes' messages and deletions from its process's polls of the
  database; once Redis is back, its relay subscribes (and so does the session watch), and
  messages reach it live again, each once;
- once Redis is back and the process's subscriptions are re-established (the monitor's probe
  comes back through them), the sockets are told `"live": "ok"`, the relays catch up from the
  database, and messages reach everyone again, each once, in order;
- a client that reconnects with `?after=<last id it saw>` gets exactly the messages it missed,
  the one posted during the outage included, in order, without duplicates.

What the browser shows (cafes_cites/static/cafes_cites/chat.js; tests/cafes_cites/test_chat_js.py
and the browser drill of tests/browser/test_cafes_cites.py): the state line (`role="status"`,
`#chat-etat`, mirrored in `data-chat-state`, `data-chat-live` on the chat section) reads
« Connecté »; while the layer is degraded it reads « Direct perturbé : vos messages sont
enregistrés, l'affichage peut avoir du retard. » (DSFR warning style), and « Connecté » again
when it is back, announced in the `aria-live` region (« Direct rétabli. »). The composer stays
enabled: posts are stored and come back as usual. When the socket closes (server restart,
refused handshake), the composer is disabled and the state reads « Déconnecté — nouvelle
tentative dans N s » (first attempt after 0.5 to 5 s, then exponential backoff up to 30 s, with
jitter), then « Reconnexion… »; the client reconnects with `?after=<last id without a gap>`,
announces « N message(s) reçu(s) pendant la déconnexion. », skips ids already shown, and
re-sends the messages not yet acknowledged with their `client_id` (stored once).
"""

import asyncio
import shutil
import socket
import threading
import time

import pytest
from channels.db import database_sync_to_async

from cafes_cites.models import ChatMessage
from cafes_cites.services import room_group
from cafes_cites.session_auth import AUTH_GROUP
from tests.cafes_cites.test_chat import _live_session, _login, _registered, connect
from tests.factories import make_anct_user
from tests.private_redis import REDIS_SERVER, WAIT, PrivateRedis

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


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
        settings.CAFES_CITES_LAYER_PROBE = 0.2
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


def _bodies(messages):
    return [message["body_html"] for message in messages]


async def _status(chat):
    return (await chat.receive("status", skip=("presence",)))["live"]


async def test_redis_restart_during_a_cafe_loses_no_message(private_redis):
    session = await database_sync_to_async(_live_session)()
    alice = await database_sync_to_async(_registered)(session, first_name="Alice")
    bob = await database_sync_to_async(_registered)(session, first_name="Bob")
    a, b = await connect(alice, session), await connect(bob, session)
    bob_tab = await connect(bob, session)  # a second tab of Bob's, which will drop
    assert a.state["live"] == "ok"
    await a.post("Avant")
    for chat in (a, b, bob_tab):
        assert (await chat.receive("message"))["id"] == 1
    await bob_tab.close()  # Bob's tab drops, having shown message 1

    private_redis.kill()
    await a.post("Pendant la coupure")
    for chat in (a, b):
        # Told first (by the failed publish or the monitor's probe, whichever comes first)...
        assert await _status(chat) == "degraded"
        # ...then the poster gets its echo (and so does everyone on this server process),
        # although the channel layer is unreachable...
        during = await chat.receive("message", skip=("presence",))
        assert during["id"] == 2 and during["body_html"] == "<p>Pendant la coupure</p>"
    # ...and the message is stored: reconnecting clients get it from the database.
    stored = await database_sync_to_async(lambda: list(ChatMessage.objects.values("room_id")))()
    assert [row["room_id"] for row in stored] == [1, 2]
    # Bob's tab comes back during the outage (the room's relay exists in this process): its
    # state says the live delivery is degraded.
    bob_tab = await connect(bob, session, after=1)
    assert bob_tab.state["live"] == "degraded"
    assert [m["id"] for m in bob_tab.history["messages"]] == [2]

    private_redis.start()  # same port: the layer's connections come back by themselves
    for chat in (a, b, bob_tab):
        assert await _status(chat) == "ok"  # the subscriptions are back
    await b.post("Après le redémarrage")
    for chat in (a, b, bob_tab):
        after = await chat.receive("message", skip=("presence",))
        assert after["id"] == 3 and after["body_html"] == "<p>Après le redémarrage</p>"
    await bob_tab.close()

    bob_tab = await connect(bob, session, after=1)
    assert bob_tab.state["live"] == "ok"
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
    assert a.statuses == b.statuses == ["degraded", "ok"]  # no flapping
    assert bob_tab.statuses == []
    fresh = await connect(alice, session)
    assert [m["id"] for m in fresh.history["messages"]] == [1, 2, 3, 4]
    for chat in (a, b, bob_tab, fresh):
        await chat.close()


async def test_first_socket_of_a_room_during_the_outage_is_served_degraded(private_redis):
    """While Redis is down, the first socket of a room in a process cannot subscribe: it is
    accepted anyway, in degraded mode (no refused handshake, no half-connected socket); what
    is posted reaches everyone of the process at once (local fallback); once Redis is back the
    relay subscribes and the sockets are told "ok", and messages arrive live, each once."""
    session = await database_sync_to_async(_live_session)()
    alice = await database_sync_to_async(_registered)(session)
    bob = await database_sync_to_async(_registered)(session)
    private_redis.kill()
    a = await connect(alice, session)
    assert a is not None and a.state["live"] == "degraded"
    assert a.history["messages"] == []
    await a.post("Pendant la coupure")
    assert (await a.receive("message"))["id"] == 1
    b = await connect(bob, session)
    assert b.state["live"] == "degraded"
    assert _bodies(b.history["messages"]) == ["<p>Pendant la coupure</p>"]

    private_redis.start()
    for chat in (a, b):
        assert await _status(chat) == "ok"
    group_channel = private_redis.group_channel(room_group(session.pk))

    async def subscribed():
        return await private_redis.subscribers(group_channel) >= 1

    await _until(subscribed, "le salon abonné au retour de Redis")
    await b.post("Bonjour après le redémarrage")
    for chat in (a, b):
        message = await chat.receive("message")
        assert message["id"] == 2 and message["body_html"] == "<p>Bonjour après le redémarrage</p>"
    for chat in (a, b):
        assert await chat.nothing_more()
        assert chat.statuses == ["ok"]  # "degraded" was in the state frame, not told again
        await chat.close()


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


async def test_other_process_reads_the_outage_message_from_the_database(private_redis):
    """Alice's socket is served by this loop (process A), Bob's by another loop (process B,
    see OtherProcess). During the outage both processes tell their sockets the live delivery
    is degraded; Alice posts: A's sockets get it through the local fallback, B's from the
    database (its relay reads the room at each probe while degraded). Once Redis is back, both
    are told "ok" and the next message reaches both live: each message once, in order."""
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
        assert await other.run(_status(b)) == "degraded"  # B's own probe failed
        await a.post("Pendant la coupure")
        assert await _status(a) == "degraded"
        assert (await a.receive("message", skip=("presence",)))["id"] == 2
        during = await other.run(b.receive("message", skip=("presence",)))
        assert during["id"] == 2 and during["body_html"] == "<p>Pendant la coupure</p>"
        # Encoded as a live message would be: same fields as a resumed history's.
        resumed = await connect(alice, session, after=1)
        assert resumed.history["messages"] == [during]

        private_redis.start()
        assert await _status(a) == "ok"
        assert await other.run(_status(b)) == "ok"
        await a.post("Après le redémarrage")
        assert (await a.receive("message"))["id"] == 3
        assert (await other.run(b.receive("message")))["id"] == 3
        await a.post("Encore")
        assert (await a.receive("message"))["id"] == 4
        assert (await other.run(b.receive("message")))["id"] == 4
        assert await a.nothing_more()
        assert await other.run(b.nothing_more())  # no duplicate
        assert a.statuses == b.statuses == ["degraded", "ok"]
        await resumed.close()
        await a.close()
        await other.run(b.close())
    finally:
        other.stop()


async def test_page_reloaded_during_the_outage_gets_the_other_processes_news(private_redis):
    """Alice and the animateur are connected through process B (another event loop, see
    OtherProcess) before the outage. Redis goes down; Bob reloads his page, which connects
    through process A, where the room has no socket yet: accepted, degraded, history from the
    database. A's polls of the database bring Bob what B's people post and the animateur's
    deletion; B's bring Alice what Bob posts. A second tab of Bob's opens meanwhile. Once Redis
    is back, A's relay and session watch subscribe, everyone is told "ok", and messages reach
    everyone live, each once."""
    session = await database_sync_to_async(_live_session)()
    alice = await database_sync_to_async(_registered)(session, first_name="Alice")
    bob = await database_sync_to_async(_registered)(session, first_name="Bob")
    animateur = await database_sync_to_async(make_anct_user)()
    other = OtherProcess()
    try:
        a = await other.run(connect(alice, session))
        moderator = await other.run(connect(animateur, session))
        await other.run(a.post("Avant la coupure"))
        for chat in (a, moderator):
            assert (await other.run(chat.receive("message")))["id"] == 1

        private_redis.kill()
        assert await other.run(_status(a)) == "degraded"
        b = await connect(bob, session)  # the first socket of the room in this process
        assert b is not None and b.state["live"] == "degraded"
        assert _bodies(b.history["messages"]) == ["<p>Avant la coupure</p>"]

        await other.run(a.post("Pendant la coupure"))
        during = await b.receive("message")  # from this process's poll of the database
        assert during["id"] == 2 and during["body_html"] == "<p>Pendant la coupure</p>"
        await b.post("Bob aussi")
        assert (await b.receive("message"))["id"] == 3  # local fallback
        for chat in (a, moderator):
            assert [(await other.run(chat.receive("message")))["id"] for _ in range(2)] == [2, 3]
        await other.run(moderator.send(type="delete", id=1))
        assert await b.receive("deleted") == {"type": "deleted", "id": 1}
        for chat in (a, moderator):
            assert await other.run(chat.receive("deleted")) == {"type": "deleted", "id": 1}
        bob_tab = await connect(bob, session)
        assert bob_tab.state["live"] == "degraded"
        assert [m["id"] for m in bob_tab.history["messages"]] == [2, 3]

        private_redis.start()
        for chat in (b, bob_tab):
            assert await _status(chat) == "ok"
        for chat in (a, moderator):
            assert await other.run(_status(chat)) == "ok"
        room = private_redis.group_channel(room_group(session.pk))
        watch = private_redis.group_channel(AUTH_GROUP)

        async def both_processes_subscribed():
            return (
                await private_redis.subscribers(room) >= 2
                and await private_redis.subscribers(watch) >= 2
            )

        await _until(both_processes_subscribed, "les deux processus abonnés au retour de Redis")
        await other.run(a.post("Après le redémarrage"))
        for chat in (b, bob_tab):
            assert (await chat.receive("message"))["id"] == 4
        for chat in (a, moderator):
            assert (await other.run(chat.receive("message")))["id"] == 4
        await b.post("Encore")
        for chat in (b, bob_tab):
            assert (await chat.receive("message"))["id"] == 5
        for chat in (a, moderator):
            assert (await other.run(chat.receive("message")))["id"] == 5
        for chat in (b, bob_tab):
            assert await chat.nothing_more()  # no duplicate, nothing told twice
            assert chat.statuses == ["ok"]
        for chat in (a, moderator):
            assert await other.run(chat.nothing_more())
            assert chat.statuses == ["degraded", "ok"]
        for chat in (b, bob_tab):
            await chat.close()
        for chat in (a, moderator):
            await other.run(chat.close())
    finally:
        other.stop()


async def test_page_and_socket_of_a_session_cached_in_redis_during_the_outage(
    private_redis, settings
):
    """Production keeps the sessions in the Redis cache, written through to the database
    (commons.sessions, docs/deployment.md): while Redis is down, reloading the café's page and
    opening its chat socket read the session from the database instead (with Django's own
    cached_db, both fail on the cache write that follows the database read)."""
    settings.SESSION_ENGINE = "commons.sessions"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": private_redis.url,
        }
    }
    session = await database_sync_to_async(_live_session)()
    alice = await database_sync_to_async(_registered)(session)
    client = await _login(alice)  # session stored in the database and in Redis
    private_redis.kill()

    def reload_page():
        response = client.get(session.get_absolute_url())
        return response.status_code, response.wsgi_request.user == alice, response.content

    status, authenticated, content = await database_sync_to_async(reload_page)()
    assert status == 200 and authenticated
    assert b"data-chat-url" in content
    chat = await connect(alice, session, client=client)
    assert chat is not None and chat.state["live"] == "degraded"
    assert chat.state["user"]["id"] == alice.pk
    await chat.close()


def _blackhole():
    """(listener, filler, url): a Redis address that never answers, like a host that is down:
    a listening socket whose accept queue is full, so the kernel drops every new connection
    attempt (no refusal)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    filler = socket.create_connection(listener.getsockname())  # fills the queue, never accepted
    return listener, filler, f"redis://127.0.0.1:{listener.getsockname()[1]}/0"


def _redis_cache(url):
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            # What base.py sets from REDIS_CONNECT_TIMEOUT and REDIS_CACHE_TIMEOUT, shortened.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture
def unreachable_redis(settings, async_db_cleanup):
    """A Redis address that never answers, like a host that is down: a listening socket whose
    accept queue is full, so the kernel drops every new connection attempt (no refusal)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    filler = socket.create_connection(listener.getsockname())  # fills the queue, never accepted
    url = f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    settings.REDIS_URL = url
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            # What base.py sets from REDIS_CONNECT_TIMEOUT (2 s), shortened for the test.
            "CONFIG": {"hosts": [{"address": url, "socket_connect_timeout": 0.5}], "prefix": "x"},
        }
    }
    settings.CACHES = _redis_cache(url)
    settings.SESSION_ENGINE = "commons.sessions"
    settings.CAFES_CITES_LAYER_PROBE = 0.2
    yield url
    filler.close()
    listener.close()


async def test_an_unreachable_redis_host_degrades_instead_of_hanging(unreachable_redis):
    """A Redis host that is down answers nothing: without connect timeouts (base.py:
    REDIS_CONNECT_TIMEOUT for the channel layer and the cache), the page and the chat handshake
    would wait for the operating system's connect timeout (minutes). With them, both are served:
    the session from the database, the chat in degraded mode."""
    session = await database_sync_to_async(_live_session)()
    alice = await database_sync_to_async(_registered)(session)
    client = await asyncio.wait_for(_login(alice), 30)  # logging in deletes a cache key too

    def reload_page():
        response = client.get(session.get_absolute_url())
        return response.status_code, response.wsgi_request.user == alice

    # The guard only turns a hang into a failure; it measures nothing.
    assert await asyncio.wait_for(database_sync_to_async(reload_page)(), 30) == (200, True)
    chat = await asyncio.wait_for(connect(alice, session, client=client), 30)
    assert chat is not None and chat.state["live"] == "degraded"
    await chat.post("Redis injoignable")
    assert (await chat.receive("message"))["body_html"] == "<p>Redis injoignable</p>"
    await chat.close()


def test_a_logout_the_cache_missed_does_not_come_back_with_the_cache(private_redis, settings):
    """Logging out while the cache is unreachable deletes the session in the database; when
    the cache comes back *with its data* (a network cut rather than a restart), the session it
    still holds must not log the person back in: after a failure, cache hits are confirmed by
    the database (commons.sessions, SESSION_CACHE_DISTRUST_SECONDS)."""
    from django.test import Client

    from commons import sessions
    from tests.factories import UserFactory

    settings.SESSION_ENGINE = "commons.sessions"
    settings.CACHES = _redis_cache(private_redis.url)
    sessions._last_failure = None
    user = UserFactory()
    client = Client()
    client.force_login(user)
    assert client.get("/comptes/profil/").status_code == 200
    stale_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    listener, filler, url = _blackhole()
    try:
        settings.CACHES = _redis_cache(url)  # Redis unreachable, its data intact
        assert client.post("/comptes/logout/").status_code == 302  # no error page
    finally:
        filler.close()
        listener.close()
    settings.CACHES = _redis_cache(private_redis.url)  # back, still holding the session

    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = stale_cookie
    assert thief.get("/comptes/profil/").status_code == 302  # to the login page
    # Without the distrust window, the cache alone would have let the old session in.
    settings.SESSION_CACHE_DISTRUST_SECONDS = 0
    thief.cookies[settings.SESSION_COOKIE_NAME] = stale_cookie  # the 302 deleted it
    assert thief.get("/comptes/profil/").status_code == 200
    sessions._last_failure = None
