"""Live chat of the cafés-cités over the real ASGI application and the Redis channel layer
(REDIS_URL): auth, origin, window, rate limit, sanitising, resume with after= (deletions
included), client_id deduplication, moderation, presence, session re-checks and the prompt
closing of sockets on logout, password change, deactivation and deletion."""

import datetime
import json
import uuid

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cafes_cites.models import ChatMessage, Registration, Session
from cde_site.asgi import application
from tests.factories import PASSWORD, UserFactory, make_anct_user

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TIMEOUT = 5


@pytest.fixture(autouse=True)
def _chat_settings(settings, async_db_cleanup):
    settings.CAFES_CITES_PRESENCE_DEBOUNCE = 0


def _live_session(**fields):
    start = timezone.now() - datetime.timedelta(minutes=5)
    return Session.objects.create(
        title="Café-cité en direct", start=start, end=start + datetime.timedelta(hours=1), **fields
    )


def _registered(session, **fields):
    user = UserFactory(**fields)
    Registration.objects.create(session=session, user=user, status="confirmed")
    return user


@database_sync_to_async
def _login(user):
    client = Client()
    client.force_login(user)
    return client


class Chat:
    """A connected test client: skips presence frames unless asked for them, and records the
    status frames (`live`: the channel layer's state, docs/chat-protocol.md) in `statuses`."""

    def __init__(self, communicator):
        self.communicator = communicator
        self.statuses = []

    async def _next(self):
        data = json.loads(await self.communicator.receive_from(timeout=TIMEOUT))
        if data["type"] == "status":
            self.statuses.append(data["live"])
        return data

    async def receive(self, kind=None, skip=("presence", "status")):
        while True:
            data = await self._next()
            if kind is not None and data["type"] == kind:
                return data
            if data["type"] in skip and kind not in skip:
                continue
            if kind is None or data["type"] == kind:
                return data
            raise AssertionError(f"Attendu {kind}, reçu {data}")

    async def send(self, **payload):
        await self.communicator.send_json_to(payload)

    async def post(self, body, client_id=None, **extra):
        client_id = client_id or str(uuid.uuid4())
        await self.send(type="message", body=body, client_id=client_id, **extra)
        return client_id

    async def nothing_more(self):
        # receive_nothing, not a receive timeout: a timeout would cancel the application.
        while not await self.communicator.receive_nothing(timeout=0.5):
            data = await self._next()
            if data["type"] not in ("presence", "status"):
                raise AssertionError(f"Message inattendu : {data}")
        return True

    async def close(self):
        await self.communicator.disconnect()


async def connect(
    user, session, after=None, origin=b"http://localhost", client=None, version=None, host=None
):
    """A chat socket of `user` (logged in for the occasion, or through `client`), speaking
    protocol 1 unless `version` is given."""
    headers = [(b"origin", origin), (b"host", host or b"localhost")]
    if user is not None:
        client = client or await _login(user)
        headers.append(
            (
                b"cookie",
                f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode(),
            )
        )
    query = [f"v={version}"] if version is not None else []
    query += [f"after={after}"] if after is not None else []
    path = session.chat_path + ("?" + "&".join(query) if query else "")
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    if not connected:
        await communicator.disconnect()
        return None
    chat = Chat(communicator)
    chat.state = await chat.receive("state")
    chat.history = await chat.receive("history")
    return chat


# --- Who may connect ------------------------------------------------------------------------


async def test_anonymous_and_foreign_origin_are_refused():
    session = await database_sync_to_async(_live_session)()
    user = await database_sync_to_async(_registered)(session)
    assert await connect(None, session) is None
    assert await connect(user, session, origin=b"https://evil.example") is None
    missing = Session(pk=999999)
    assert await connect(user, missing) is None
    chat = await connect(user, session)
    assert chat.state["open"] and chat.state["can_post"]
    await chat.close()


async def test_reading_does_not_require_registration_but_posting_does(settings):
    session = await database_sync_to_async(_live_session)()
    reader = await database_sync_to_async(UserFactory)()
    chat = await connect(reader, session)
    assert chat.state["can_post"] is False
    assert "Inscrivez-vous" in chat.state["reason"]
    await chat.post("Bonjour")
    error = await chat.receive("error")
    assert error["code"] == "not_registered" and "Inscrivez-vous" in error["message"]
    settings.CAFES_CITES_CHAT_REQUIRES_REGISTRATION = False
    await chat.post("Bonjour")
    assert (await chat.receive("message"))["body_html"] == "<p>Bonjour</p>"
    await chat.close()


def _https_login_with_host_cookies(user):
    """What a browser does against production: every request over HTTPS, the cookies under
    their __Host- names, CSRF enforced. Returns the logged-in client."""
    client = Client(enforce_csrf_checks=True)
    https = {"secure": True, "headers": {"origin": "https://testserver"}}
    assert client.get(reverse("account_login"), secure=True).status_code == 200
    csrf = client.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] and csrf["path"] == "/" and not csrf["domain"]
    credentials = {"login": user.email, "password": PASSWORD}
    assert client.post(reverse("account_login"), credentials, **https).status_code == 403
    credentials["csrfmiddlewaretoken"] = csrf.value
    assert client.post(reverse("account_login"), credentials, **https).status_code == 302
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["path"] == "/"
    assert not session["domain"] and "sessionid" not in client.cookies
    # A form posted with the (rotated) token of the __Host- cookie goes through.
    profile = {"first_name": "Camille", "last_name": "Hôte"}
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        reverse("accounts:profile"), {**profile, "csrfmiddlewaretoken": token}, **https
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.first_name == "Camille"
    return client


async def test_host_prefixed_cookies_from_login_to_chat_socket(settings):
    """Production's cookie names: login, a CSRF-protected POST, then the chat socket, whose
    session middleware reads the cookie named by SESSION_COOKIE_NAME."""
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    session = await database_sync_to_async(_live_session)()
    user = await database_sync_to_async(_registered)(session)
    client = await database_sync_to_async(_https_login_with_host_cookies)(user)
    chat = await connect(user, session, client=client)
    assert chat.state["can_post"]
    await chat.post("Bonjour")
    assert (await chat.receive("message"))["body_html"] == "<p>Bonjour</p>"
    await chat.close()
    # The same session under the development name is not read: an anonymous socket, refused.
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    communicator = WebsocketCommunicator(
        application,
        session.chat_path,
        headers=[
            (b"origin", b"http://localhost"),
            (b"host", b"localhost"),
            (b"cookie", f"sessionid={key}".encode()),
        ],
    )
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    assert not connected
    await communicator.disconnect()


@pytest.mark.parametrize(
    ("offset", "open_"),
    [
        (datetime.timedelta(minutes=20), False),  # more than 15 min before the start
        (datetime.timedelta(minutes=10), True),  # chat opens 15 min before
        (datetime.timedelta(minutes=-85), True),  # 25 min after the end
        (datetime.timedelta(minutes=-95), False),  # 35 min after the end: closed
    ],
)
async def test_window_opens_15_minutes_before_and_closes_30_minutes_after(offset, open_):
    def setup():
        start = timezone.now() + offset
        session = Session.objects.create(
            title="Séance", start=start, end=start + datetime.timedelta(hours=1)
        )
        return session, _registered(session)

    session, user = await database_sync_to_async(setup)()
    chat = await connect(user, session)
    assert chat.state["open"] is open_
    await chat.post("Bonjour")
    if open_:
        assert (await chat.receive("message"))["id"] == 1
    else:
        assert (await chat.receive("error"))["code"] == "closed"
        assert not await database_sync_to_async(ChatMessage.objects.exists)()
    await chat.close()


# --- Messages -------------------------------------------------------------------------------


async def test_message_is_persisted_sanitised_and_broadcast_to_the_room():
    session = await database_sync_to_async(_live_session)()
    alice = await database_sync_to_async(_registered)(session, first_name="Alice")
    bob = await database_sync_to_async(_registered)(session, first_name="Bob")
    a, b = await connect(alice, session), await connect(bob, session)
    client_id = await a.post('Salut <script>alert(1)</script> <b onclick="x()">gras</b>')
    for chat in (a, b):
        message = await chat.receive("message")
        assert message["id"] == 1 and message["client_id"] == client_id
        assert message["author"]["name"].startswith("Alice")
        assert "<script" not in message["body_html"] and "onclick" not in message["body_html"]
        assert "&lt;" not in message["body_html"] or "script" not in message["body_html"]
        assert datetime.datetime.fromisoformat(message["created_at"])
    stored = await database_sync_to_async(ChatMessage.objects.get)()
    assert stored.room_id == 1 and stored.body_html == message["body_html"]
    await b.post("Une question ?", question=True)
    assert (await a.receive("message"))["question"] is True
    assert (await b.receive("message"))["id"] == 2
    await a.close()
    await b.close()


async def test_bad_input_gets_french_errors_and_stores_nothing(settings):
    settings.CAFES_CITES_CHAT_MAX_LENGTH = 20
    session = await database_sync_to_async(_live_session)()
    user = await database_sync_to_async(_registered)(session)
    chat = await connect(user, session)
    await chat.post("x" * 21)
    assert await chat.receive("error") == {
        "type": "error",
        "code": "too_long",
        "message": "Le message dépasse 20 caractères.",
    }
    await chat.post("   ")
    assert (await chat.receive("error"))["code"] == "empty"
    await chat.send(type="message", body="Bonjour", client_id="pas-un-uuid")
    assert (await chat.receive("error"))["code"] == "invalid"
    await chat.communicator.send_to(text_data="{pas du json")
    assert (await chat.receive("error"))["message"] == "Message mal formé : JSON attendu."
    await chat.send(type="inconnu")
    assert (await chat.receive("error"))["code"] == "unknown_type"
    assert not await database_sync_to_async(ChatMessage.objects.exists)()
    await chat.close()


async def test_rate_limit_per_user(settings):
    settings.CAFES_CITES_CHAT_RATE = (3, 10)
    session = await database_sync_to_async(_live_session)()
    user = await database_sync_to_async(_registered)(session)
    chat = await connect(user, session)
    for index in range(3):
        await chat.post(f"Message {index}")
        assert (await chat.receive("message"))["id"] == index + 1
    await chat.post("Un de trop")
    error = await chat.receive("error")
    assert error["code"] == "rate_limited" and "trop de messages" in error["message"]
    assert await database_sync_to_async(ChatMessage.objects.count)() == 3
    await chat.close()


async def test_retried_client_id_is_stored_once():
    session = await database_sync_to_async(_live_session)()
    alice = await database_sync_to_async(_registered)(session)
    bob = await database_sync_to_async(_registered)(session)
    a, b = await connect(alice, session), await connect(bob, session)
    client_id = await a.post("Envoyé deux fois")
    first = await a.receive("message")
    await a.post("Envoyé deux fois", client_id=client_id)
    retry = await a.receive("message")  # acknowledged to the sender only
    assert retry == first
    assert (await b.receive("message"))["id"] == first["id"]
    assert await b.nothing_more()
    assert await database_sync_to_async(ChatMessage.objects.count)() == 1
    await a.close()
    await b.close()


async def test_resume_with_after_gets_exactly_the_missed_messages_in_order(settings):
    settings.CAFES_CITES_CHAT_RATE = (100, 10)
    session = await database_sync_to_async(_live_session)()
    alice = await database_sync_to_async(_registered)(session)
    bob = await database_sync_to_async(_registered)(session)
    a, b = await connect(alice, session), await connect(bob, session)
    for index in range(3):
        await b.post(f"Avant {index}")
        seen = await a.receive("message")
        await b.receive("message")
    assert seen["id"] == 3
    await a.close()
    for index in range(4):
        await b.post(f"Pendant {index}")
        await b.receive("message")
    a = await connect(alice, session, after=seen["id"])
    assert a.history["resumed"] is True
    replay = a.history["messages"]
    assert [m["id"] for m in replay] == [4, 5, 6, 7]
    assert [m["body_html"] for m in replay] == [f"<p>Pendant {i}</p>" for i in range(4)]
    await b.post("Après")
    live = await a.receive("message")
    assert live["id"] == 8
    assert await a.nothing_more()  # no duplicate of the replayed messages
    fresh = await connect(alice, session)
    assert [m["id"] for m in fresh.history["messages"]] == list(range(1, 9))
    for chat in (a, b, fresh):
        await chat.close()


# --- Moderation, presence, auth re-checks ---------------------------------------------------


def _unpublished(patch):
    """Events stored but never published: what a process misses when the layer loses them."""
    from cafes_cites.chat import services

    patch.setattr(services, "publish", lambda group, event: None)


async def test_hub_fills_a_gap_from_the_log_in_order_once(settings, monkeypatch):
    """The hub of a process that missed events (never published here: lost by the layer, or
    published by another process while Redis was down) reads them from the room's log when
    the next one arrives, and delivers them first, in order: a message deleted meanwhile is
    left out and its deletion told. An event already delivered is ignored."""
    from cafes_cites.chat import hub, services

    settings.CAFES_CITES_CHAT_RATE = (100, 10)
    session = await database_sync_to_async(_live_session)()
    alice = await database_sync_to_async(_registered)(session)
    anct = await database_sync_to_async(make_anct_user)()
    chat = await connect(alice, session)
    await chat.post("Un")
    assert (await chat.receive("message"))["id"] == 1

    def post_unpublished(body):
        return services.post_message(alice, session.pk, body, str(uuid.uuid4())).payload

    with monkeypatch.context() as patch:
        _unpublished(patch)
        missed = [await database_sync_to_async(post_unpublished)(body) for body in "234"]
        await database_sync_to_async(services.delete_message)(anct, session.pk, 3)
    await chat.post("Cinq")
    received = [await chat.receive(skip=("presence",)) for _ in range(4)]
    assert [(frame["type"], frame["id"]) for frame in received] == [
        ("message", 2),
        ("message", 4),
        ("deleted", 3),
        ("message", 5),
    ]
    assert received[:2] == [missed[0], missed[2]]  # encoded as the live messages were
    # The layer brings message 4 late: already delivered.
    await hub.current().dispatch(
        {"type": "chat.event", "room": session.pk, "seq": 4, "text": json.dumps(missed[2])}
    )
    assert await chat.nothing_more()
    await chat.close()


async def test_tick_catches_up_every_room_in_one_query(settings, monkeypatch):
    """Each process's tick reads the counters of all its rooms in one query (and presence
    counts); a room whose log went further than what the layer brought (events lost, Redis
    down) is caught up from the log: messages in order, the deletion told, each once, whether
    the same event comes again from the next tick or from the layer. While the layer is fine
    a room is caught up only when it was already behind at the previous tick and got nothing since (its events may
    be on their way); while degraded, at once, presence counts included."""
    from cafes_cites.chat import hub, services
    from cafes_cites.models import ChatPresence, ChatProcess

    settings.CAFES_CITES_CHAT_RATE = (100, 10)
    settings.CAFES_CITES_LAYER_PROBE = 3600  # ticks run by the test, below
    session, other_session = [await database_sync_to_async(_live_session)() for _ in range(2)]
    alice = await database_sync_to_async(_registered)(session)
    bob = await database_sync_to_async(_registered)(session)
    anct = await database_sync_to_async(make_anct_user)()
    chat = await connect(alice, session)
    other = await connect(alice, other_session)  # a second room of the process, quiet
    assert chat.state["presence"] == 1
    await chat.post("Un")
    assert (await chat.receive("message"))["id"] == 1
    process_hub = hub.current()
    async with DatabaseThreadQueries() as queries:
        await process_hub.catch_up(force=True)
    assert len(queries.sql) == 1, "\n".join(queries.sql)  # nothing new in either room
    assert await chat.nothing_more()

    def news():
        for body in ("Deux", "Trois"):
            services.post_message(alice, session.pk, body, str(uuid.uuid4()))
        services.delete_message(anct, session.pk, 1)
        process = ChatProcess.objects.create(name="autre-processus", heartbeat_at=timezone.now())
        ChatPresence.objects.create(
            channel_name="ws-autre", session=session, user=bob, process=process
        )

    with monkeypatch.context() as patch:
        _unpublished(patch)
        await database_sync_to_async(news)()
    await process_hub.catch_up()  # first seen behind: may still be on its way
    assert await chat.nothing_more()
    async with DatabaseThreadQueries() as queries:
        await process_hub.catch_up()  # still behind a tick later: read from the log
    # The counters, the log after the cursor, the animateurs among its authors.
    assert len(queries.sql) == 3, "\n".join(queries.sql)
    told = [await chat.receive(skip=()) for _ in range(3)]
    assert [(frame["type"], frame.get("id")) for frame in told] == [
        ("message", 2),
        ("message", 3),
        ("deleted", 1),
    ]
    assert told[1]["body_html"] == "<p>Trois</p>"
    await process_hub.set_live("degraded")
    assert (await chat.receive("status", skip=()))["live"] == "degraded"
    await process_hub.catch_up()  # degraded: presence counts are read too
    assert (await chat.receive("presence", skip=()))["count"] == 2
    await process_hub.catch_up()
    await process_hub.dispatch(
        {"type": "chat.event", "room": session.pk, "seq": 4, "text": json.dumps(told[2])}
    )  # late, live
    assert await chat.nothing_more() and await other.nothing_more()
    for socket in (chat, other):
        await socket.close()


async def test_animateur_deletes_and_mutes():
    session = await database_sync_to_async(_live_session)()
    user = await database_sync_to_async(_registered)(session)
    anct = await database_sync_to_async(make_anct_user)()
    participant, animateur = await connect(user, session), await connect(anct, session)
    assert animateur.state["moderator"] is True and participant.state["moderator"] is False
    await participant.post("Message hors sujet")
    message = await animateur.receive("message")
    await participant.receive("message")
    await participant.send(type="delete", id=message["id"])
    assert (await participant.receive("error"))["code"] == "forbidden"
    await animateur.send(type="delete", id=message["id"])
    for chat in (participant, animateur):
        assert await chat.receive("deleted") == {"type": "deleted", "id": message["id"]}
    reconnected = await connect(user, session)
    assert reconnected.history["messages"] == []
    await reconnected.close()
    await animateur.send(type="mute", user_id=user.pk)
    assert (await participant.receive("muted"))["user"]["id"] == user.pk
    await animateur.receive("muted")
    await participant.post("Encore moi")
    assert (await participant.receive("error"))["code"] == "muted"
    await animateur.send(type="mute", user_id=anct.pk)
    assert (await animateur.receive("error"))["code"] == "forbidden"
    await participant.close()
    await animateur.close()


async def test_presence_counts_connected_people():
    session = await database_sync_to_async(_live_session)()
    alice = await database_sync_to_async(_registered)(session)
    bob = await database_sync_to_async(_registered)(session)
    a = await connect(alice, session)
    assert a.state["presence"] == 1
    b = await connect(bob, session)
    assert b.state["presence"] == 2
    # a first sees its own arrival (1), then bob's (2).
    while (await a.receive("presence", skip=()))["count"] != 2:
        pass
    await b.close()
    while (await a.receive("presence", skip=()))["count"] != 1:
        pass
    await a.close()


async def test_presence_leaves_out_and_cleans_up_a_dead_process(settings):
    """The presence rows of a killed server process (simulated: a process row whose heartbeat
    stopped long ago, with its sockets' rows) do not count; the next heartbeat of a live
    process deletes them and broadcasts the new count. A process that others found dead (its
    rows deleted while it was frozen) writes its rows again at its next heartbeat."""
    from cafes_cites.chat import hub
    from cafes_cites.models import ChatPresence, ChatProcess

    settings.CAFES_CITES_PRESENCE_HEARTBEAT = 3600  # heartbeats run by the test, below
    session = await database_sync_to_async(_live_session)()
    alice, carol, dan, eve = [await database_sync_to_async(_registered)(session) for _ in range(4)]

    def other_processes():
        dead = ChatProcess.objects.create(
            name="tué", heartbeat_at=timezone.now() - datetime.timedelta(days=1)
        )
        live = ChatProcess.objects.create(name="vivant", heartbeat_at=timezone.now())
        for process, user in ((dead, carol), (dead, dan), (live, eve)):
            ChatPresence.objects.create(
                process=process, session=session, user=user, channel_name=f"ws-{user.pk}"
            )
        return dead.pk, live.pk

    _dead, live = await database_sync_to_async(other_processes)()
    chat = await connect(alice, session)
    assert chat.state["presence"] == 2  # Alice and Eve: Carol and Dan's process is dead

    await hub.current().beat()
    assert (await chat.receive("presence", skip=()))["count"] == 2  # the changed room is told

    def rows():
        return sorted(ChatPresence.objects.values_list("process_id", "user_id")), set(
            ChatProcess.objects.values_list("pk", flat=True)
        )

    mine = hub.current().process_id
    assert await database_sync_to_async(rows)() == (
        sorted([(live, eve.pk), (mine, alice.pk)]),
        {live, mine},
    )

    # Declared dead by another process (frozen): its rows go...
    await database_sync_to_async(ChatProcess.objects.filter(pk=mine).delete)()
    # ...and come back with its next heartbeat.
    await hub.current().beat()
    assert (await chat.receive("presence", skip=()))["count"] == 2
    assert await database_sync_to_async(rows)() == (
        sorted([(live, eve.pk), (mine, alice.pk)]),
        {live, mine},
    )
    await chat.close()
    # The last socket of the process gone, the process goes too (Eve's stays).
    assert await database_sync_to_async(rows)() == ([(live, eve.pk)], {live})


async def test_logged_out_user_loses_the_connection_on_next_message():
    session = await database_sync_to_async(_live_session)()
    user = await database_sync_to_async(_registered)(session)
    chat = await connect(user, session)

    def logout():
        from django.contrib.sessions.models import Session as DjangoSession

        DjangoSession.objects.all().delete()

    await database_sync_to_async(logout)()
    await chat.post("Toujours là ?")
    assert (await chat.receive("error"))["code"] == "session_expired"
    assert (await chat.communicator.receive_output(timeout=TIMEOUT))["type"] == "websocket.close"
    assert not await database_sync_to_async(ChatMessage.objects.exists)()
    await chat.close()


async def test_deactivated_user_is_disconnected_by_the_periodic_check(settings):
    settings.CAFES_CITES_CHAT_AUTH_RECHECK = 0.2
    session = await database_sync_to_async(_live_session)()
    user = await database_sync_to_async(_registered)(session)
    chat = await connect(user, session)

    def deactivate():
        user.is_active = False
        user.save()

    await database_sync_to_async(deactivate)()
    assert (await chat.receive("error"))["code"] == "session_expired"
    assert (await chat.communicator.receive_output(timeout=TIMEOUT))["type"] == "websocket.close"
    await chat.close()


async def _closed_for_expired_session(chat):
    assert (await chat.receive("error"))["code"] == "session_expired"
    closing = await chat.communicator.receive_output(timeout=TIMEOUT)
    assert closing == {"type": "websocket.close", "code": 4401}


async def test_logout_closes_the_sockets_of_that_session_at_once(settings):
    settings.CAFES_CITES_CHAT_AUTH_RECHECK = 3600  # only the logout signal can explain a close
    session = await database_sync_to_async(_live_session)()
    user = await database_sync_to_async(_registered)(session)
    laptop, phone = await _login(user), await _login(user)
    on_laptop = await connect(user, session, client=laptop)
    on_phone = await connect(user, session, client=phone)
    await database_sync_to_async(laptop.logout)()
    await _closed_for_expired_session(on_laptop)
    # The other browser's session is still valid: its socket stays open and may post.
    assert await on_phone.nothing_more()
    await on_phone.post("Toujours là")
    assert (await on_phone.receive("message"))["body_html"] == "<p>Toujours là</p>"
    await on_laptop.close()
    await on_phone.close()


async def test_password_change_closes_every_socket_of_the_user_at_once(settings):
    settings.CAFES_CITES_CHAT_AUTH_RECHECK = 3600
    session = await database_sync_to_async(_live_session)()
    user = await database_sync_to_async(_registered)(session)
    other = await database_sync_to_async(_registered)(session)
    first, second = await connect(user, session), await connect(user, session)
    bystander = await connect(other, session)

    def change_password():
        user.set_password("un-nouveau-mot-de-passe")
        user.save()

    await database_sync_to_async(change_password)()
    await _closed_for_expired_session(first)
    await _closed_for_expired_session(second)
    assert await bystander.nothing_more()
    for chat in (first, second, bystander):
        await chat.close()

    def present():
        from cafes_cites.models import ChatPresence

        return ChatPresence.objects.filter(session=session).count()

    assert await database_sync_to_async(present)() == 0  # expired sockets left the room too


@pytest.mark.parametrize("change", ["deactivate", "delete"])
async def test_deactivated_or_deleted_user_is_disconnected_at_once(settings, change):
    settings.CAFES_CITES_CHAT_AUTH_RECHECK = 3600
    session = await database_sync_to_async(_live_session)()
    user = await database_sync_to_async(_registered)(session)
    chat = await connect(user, session)

    def apply():
        if change == "delete":
            user.delete()
        else:
            user.is_active = False
            user.save()

    await database_sync_to_async(apply)()
    await _closed_for_expired_session(chat)
    await chat.close()


async def test_periodic_recheck_catches_a_session_removed_behind_django_back(settings):
    """No signal when sessions are purged straight from the table: the process's batched
    re-check (one database call for all its sockets) closes the socket."""
    settings.CAFES_CITES_CHAT_AUTH_RECHECK = 0.2
    session = await database_sync_to_async(_live_session)()
    user = await database_sync_to_async(_registered)(session)
    other = await database_sync_to_async(_registered)(session)
    keeper = await _login(other)
    chat, still = await connect(user, session), await connect(other, session, client=keeper)

    def purge():
        from django.contrib.sessions.models import Session as DjangoSession

        DjangoSession.objects.exclude(
            session_key=keeper.cookies[settings.SESSION_COOKIE_NAME].value
        ).delete()

    await database_sync_to_async(purge)()
    await _closed_for_expired_session(chat)
    assert await still.nothing_more()
    await chat.close()
    await still.close()


def test_session_validity_of_many_sockets_in_two_queries(django_assert_num_queries):
    from django.contrib.sessions.models import Session as DjangoSession

    from cafes_cites.session_auth import session_still_valid, valid_sessions

    users = [UserFactory() for _ in range(4)]
    keys = []
    for user in users:
        client = Client()
        client.force_login(user)
        keys.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    logged_out, changed_password, deactivated, valid = zip(users, keys, strict=True)
    DjangoSession.objects.filter(session_key=logged_out[1]).delete()
    changed_password[0].set_password("autre-mot-de-passe")
    changed_password[0].save()
    deactivated[0].is_active = False
    deactivated[0].save()
    pairs = [(user.pk, key) for user, key in zip(users, keys, strict=True)]
    pairs.append((users[0].pk, keys[3]))  # someone else's session
    with django_assert_num_queries(2):
        assert valid_sessions(pairs) == {(valid[0].pk, valid[1])}
    with django_assert_num_queries(1):
        assert session_still_valid(valid[0].pk, valid[1])
    assert not session_still_valid(deactivated[0].pk, deactivated[1])
    assert not session_still_valid(valid[0].pk, "")


async def test_resume_tells_about_messages_deleted_while_away(settings):
    settings.CAFES_CITES_CHAT_RATE = (100, 10)
    session = await database_sync_to_async(_live_session)()
    alice = await database_sync_to_async(_registered)(session)
    bob = await database_sync_to_async(_registered)(session)
    anct = await database_sync_to_async(make_anct_user)()
    a, b, animateur = (
        await connect(alice, session),
        await connect(bob, session),
        await connect(anct, session),
    )
    for index in range(3):
        await b.post(f"Message {index + 1}")
        seen = await a.receive("message")
    assert seen["id"] == 3
    await a.close()  # alice goes offline, having shown messages 1 to 3
    await animateur.send(type="delete", id=2)
    await animateur.receive("deleted", skip=("presence", "message"))
    await b.post("Message 4")
    while (await b.receive("message", skip=("presence", "deleted")))["id"] != 4:
        pass
    a = await connect(alice, session, after=3)
    assert [m["id"] for m in a.history["messages"]] == [4]
    assert a.history["deleted"] == [2]  # still displayed by alice: to remove
    earlier = await connect(alice, session, after=1)
    assert [m["id"] for m in earlier.history["messages"]] == [3, 4]
    assert earlier.history["deleted"] == []  # message 2 is simply not replayed
    fresh = await connect(alice, session)
    assert [m["id"] for m in fresh.history["messages"]] == [1, 3, 4]
    assert fresh.history["deleted"] == []
    for chat in (a, b, animateur, earlier, fresh):
        await chat.close()


async def test_history_marks_animateurs_in_one_query(settings):
    settings.CAFES_CITES_CHAT_REQUIRES_REGISTRATION = False
    session = await database_sync_to_async(_live_session)()

    def people():
        from django.contrib.auth.models import Permission

        granted = UserFactory()
        granted.user_permissions.add(
            Permission.objects.get(codename="moderate_chat", content_type__app_label="cafes_cites")
        )
        return make_anct_user(), granted, UserFactory()

    anct, granted, participant = await database_sync_to_async(people)()
    for user in (anct, granted, participant):
        chat = await connect(user, session)
        await chat.post("Bonjour")
        await chat.receive("message")
        await chat.close()
    reader = await connect(participant, session)
    flags = {m["author"]["id"]: m["author"]["animateur"] for m in reader.history["messages"]}
    assert flags == {anct.pk: True, granted.pk: True, participant.pk: False}
    await reader.close()

    def history_and_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from cafes_cites.chat.queries import history

        with CaptureQueriesContext(connection) as queries:
            messages = history(session.pk, 2, None, 3)["messages"]
        return {m["author"]["id"]: m["author"]["animateur"] for m in messages}, len(queries)

    # The messages, then the animateurs among their authors: two queries.
    assert await database_sync_to_async(history_and_queries)() == (flags, 2)


class DatabaseThreadQueries:
    """The queries of the chat's database thread (database_sync_to_async: Channels'
    authentication and the consumer's), captured there."""

    def __init__(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.context = CaptureQueriesContext(connection)

    async def __aenter__(self):
        await database_sync_to_async(self.context.__enter__)()
        return self

    async def __aexit__(self, *exc):
        def stop():
            self.context.__exit__(*exc)
            # Read here: `connection` is the calling thread's.
            return [query["sql"] for query in self.context.captured_queries]

        self.sql = await database_sync_to_async(stop)()


async def test_connecting_costs_a_handful_of_queries(settings):
    """A handshake is what a reconnection storm multiplies (a killed process's sockets all
    come back to the survivors at once, docs/benchmarks.md): Channels' authentication (session,
    user), then one query for the room and the person (may they post, are they an animateur,
    how many people are there), one for the history and one for the animateurs among its
    authors, one to join the presence, one more for the deletions missed with after= in
    protocol 1 (12 queries before issue #7). The first socket of a process also registers the
    process and reads the room's counter; the presence broadcast comes later (debounced)."""
    settings.CAFES_CITES_CHAT_RATE = (100, 10)
    settings.CAFES_CITES_PRESENCE_DEBOUNCE = 3600
    settings.CAFES_CITES_LAYER_PROBE = 3600  # no tick in the measure
    session = await database_sync_to_async(_live_session)()
    anct = await database_sync_to_async(make_anct_user)()
    alice = await database_sync_to_async(_registered)(session)
    first = await connect(anct, session)
    for body in ("Un", "Deux"):
        await first.post(body)
        await first.receive("message")
    for after, expected in ((None, 6), (1, 7)):
        client = await _login(alice)
        async with DatabaseThreadQueries() as queries:
            chat = await connect(alice, session, after=after, client=client)
        assert chat.state["can_post"] and not chat.state["moderator"]
        assert chat.state["presence"] == 2
        assert len(chat.history["messages"]) == (2 if after is None else 1)
        assert chat.history["messages"][-1]["author"]["animateur"] is True
        assert len(queries.sql) == expected, "\n".join(queries.sql)
        await chat.close()
    await first.close()
