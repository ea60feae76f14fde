"""Live chat of a café-cité session (protocol: docs/chat-protocol.md).

Thin consumer: permissions in permissions.py, writes in services.py (through
database_sync_to_async), delivery through the process-local relay of fanout.py, session
re-checks by the process's session watch (fanout.py, session_auth.py).
"""

import asyncio
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.sessions import InstanceSessionWrapper
from django.conf import settings
from django.db import close_old_connections, transaction

from cafes_cites import fanout, heartbeat, permissions, services
from cafes_cites.session_auth import session_still_valid

CLOSE_UNAUTHENTICATED = 4401


# Posting runs in a few threads of its own, not in the single thread that Channels gives all
# the database calls of a process: a post makes several round trips and waits for the room's
# row lock, and the posts of different sockets overlap those waits instead of queueing behind
# each other (each socket still posts one message at a time, in order).
POST_THREADS = 4
_post_executor = ThreadPoolExecutor(POST_THREADS, thread_name_prefix="cafes-cites-post")


def _in_post_thread(function, *args):
    close_old_connections()  # as database_sync_to_async does: CONN_MAX_AGE, health checks
    try:
        return function(*args)
    finally:
        close_old_connections()


async def _post_in_pool(function, *args):
    return await sync_to_async(_in_post_thread, thread_sensitive=False, executor=_post_executor)(
        function, *args
    )


def _server_send(send):
    """The server's own send callable under channels' session middleware wrappers, which only
    act on HTTP responses: the relay writes a websocket frame with one call, not three."""
    while isinstance(getattr(send, "__self__", None), InstanceSessionWrapper):
        send = send.__self__.real_send
    return send


class ChatConsumer(AsyncJsonWebsocketConsumer):
    # No per-socket channel: room events reach sockets through the relay of fanout.py. (So
    # Channels makes no new_channel/group_add call of its own at connect, which would fail and
    # refuse the handshake while Redis is down: get_channel_layer() returns None for this alias.)
    channel_layer_alias = "cafes_cites_no_per_socket_channel"

    async def connect(self):
        self.user = self.scope["user"]
        self.session_id = int(self.scope["url_route"]["kwargs"]["pk"])
        self.group = services.room_group(self.session_id)
        self.socket_id = f"ws-{uuid.uuid4().hex}"
        self.session_key = getattr(self.scope.get("session"), "session_key", None)
        self.raw_send = _server_send(self.base_send)
        self.ready = False
        self.pending = []
        self.history_max = 0
        self.joined = False
        self.watched = False
        self.expired = False
        self.present = False  # has a presence row (from _open) to remove on disconnect
        self.process_id = None  # this process's ChatProcess row (heartbeat.py)
        if not self.user.is_authenticated:
            await self.close()
            return
        # Join before reading history: anything committed after the read arrives live (or,
        # while Redis is down, from the process's polls of the database: never refused).
        self.joined = True
        await fanout.join(self.group, self)
        self.process_id = await heartbeat.join(self)
        opened = await self._open(self._after_param())
        if opened is None:
            await self._leave()
            await heartbeat.leave(self)
            await self.close()  # before accept: the handshake is refused (403)
            return
        state, history = opened
        state["live"] = fanout.live_status()  # read now: a later change arrives as a status
        # Statuses queued until now are older than the one the state frame carries.
        self.pending = [event for event in self.pending if event.get("status") is None]
        self.present = True
        await self.accept()
        await self.send(text_data=services.encode(state))
        await self.send(text_data=services.encode(history))
        self.ready = True
        for event in self.pending:
            if event.get("id") is None or event["id"] > self.history_max:
                await self.send(text_data=event["text"])
        self.pending = []
        self.watched = True
        await fanout.watch(self)
        await self._schedule_presence()

    def _after_param(self):
        query = parse_qs(self.scope.get("query_string", b"").decode())
        try:
            return max(0, int(query["after"][0]))
        except (KeyError, ValueError, IndexError):
            return None

    @database_sync_to_async
    def _open(self, after):
        """Everything a connection needs from the database, in one call (one connection) and
        four queries at most (five with after=), cheap to compile: a reconnection storm queues
        them all on the process's database thread (docs/benchmarks.md)."""
        if not self.user.is_authenticated:
            return None
        session = services.chat_room_for(self.session_id, self.user)
        if session is None or not permissions.can_read_chat(self.user, session):
            return None
        messages, self.history_max, truncated = services.chat_history(
            self.session_id, after, last_id=session.chat_last_id
        )
        moderator = bool(session.chat_moderator)
        refusal = permissions.chat_post_refusal(
            self.user,
            session,
            muted=bool(session.chat_muted),
            registered=bool(session.chat_registered),
            moderator=moderator,
        )
        opens, closes = session.chat_window()
        services.join_presence(self.session_id, self.user, self.socket_id, self.process_id)
        state = {
            "type": "state",
            "open": session.chat_is_open(),
            "opens_at": opens.isoformat(),
            "closes_at": closes.isoformat(),
            "can_post": refusal is None,
            "reason": refusal[1] if refusal else "",
            "moderator": moderator,
            # The people already there, and this one if they were not.
            "presence": (session.chat_presence or 0) + (not session.chat_present),
            "user": {"id": self.user.pk, "name": self.user.display_name},
        }
        history = {
            "type": "history",
            "messages": messages,
            "resumed": after is not None,
            "truncated": truncated,
            # Messages the client may still show, deleted while it was away.
            "deleted": services.deleted_ids(self.session_id, after) if after else [],
        }
        return state, history

    async def disconnect(self, code):
        if getattr(self, "watched", False):
            self.watched = False
            await fanout.unwatch(self)
        if getattr(self, "joined", False):
            await self._leave()
        if getattr(self, "present", False):
            self.present = False
            await database_sync_to_async(services.leave_presence)(self.socket_id)
            await self._schedule_presence()
        # Also when connect was interrupted between joining the heartbeat and recording
        # process_id: leave() ignores a socket it does not know.
        await heartbeat.leave(self)

    async def _leave(self):
        self.joined = False
        await fanout.leave(self.group, self)

    # --- From the client -----------------------------------------------------------------------

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "message":
            await self._post(content)  # re-checks the session in the same database call
            return
        if not await self._still_authenticated():
            return
        handler = {
            "delete": self._delete,
            "mute": self._mute,
            "ping": self._ping,
        }.get(kind)
        if handler is None:
            await self._error("unknown_type", "Type de message inconnu.")
            return
        try:
            await handler(content)
        except services.ChatError as error:
            await self.send_json(error.as_payload())

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            await super().receive(text_data=text_data, bytes_data=bytes_data, **kwargs)
        except json.JSONDecodeError:
            await self._error("invalid", "Message mal formé : JSON attendu.")

    def _checked_post(self, content):
        """The session check and the post share a transaction: the check's query also takes
        the author's row lock that post_message needs (one round trip less)."""
        with transaction.atomic():
            if not session_still_valid(self.user.pk, self.session_key, lock=True):
                return None
            return services.post_message(
                self.user,
                self.session_id,
                content.get("body"),
                content.get("client_id"),
                bool(content.get("question")),
            )

    async def _post(self, content):
        try:
            result = await _post_in_pool(self._checked_post, content)
        except services.ChatError as error:
            await self.send_json(error.as_payload())
            return
        if result is None:
            await self.expire()
            return
        if not result.created:
            # A retry: the sender may have missed the broadcast; the others already have it.
            await self.send_json(result.payload)

    async def _delete(self, content):
        await database_sync_to_async(services.delete_message)(
            self.user, self.session_id, _int(content.get("id"))
        )

    async def _mute(self, content):
        await database_sync_to_async(services.mute_user)(
            self.user, self.session_id, _int(content.get("user_id"))
        )

    async def _ping(self, content):
        await self.send_json({"type": "pong"})

    async def _error(self, code, message):
        await self.send_json({"type": "error", "code": code, "message": message})

    # --- Session re-check and presence -----------------------------------------------------------

    async def _still_authenticated(self):
        valid = await database_sync_to_async(session_still_valid)(self.user.pk, self.session_key)
        if not valid:
            await self.expire()
        return valid

    async def expire(self):
        """The session no longer authenticates this user: say so, then close (4401). Called by
        this socket's own checks and by the process's session watch (fanout.py)."""
        if self.expired:
            return
        self.expired = True
        self.ready = False  # the relay stops writing to it
        try:
            await self._error(
                "session_expired", "Votre session a expiré : reconnectez-vous pour continuer."
            )
            await self.close(code=CLOSE_UNAUTHENTICATED)
        except Exception:  # noqa: S110 - the socket is already gone
            pass

    async def _schedule_presence(self):
        """At most one presence broadcast per room, per process and per debounce period,
        whatever the number of sockets joining: a thousand connections must not mean a
        thousand broadcasts."""
        delay = settings.CAFES_CITES_PRESENCE_DEBOUNCE
        if not delay:
            await heartbeat.broadcast_presence(self.session_id)
            return
        if not fanout.claim_presence_broadcast(self.group):
            return
        group, session_id = self.group, self.session_id

        async def later():
            await asyncio.sleep(delay)
            fanout.release_presence_broadcast(group)
            await heartbeat.broadcast_presence(session_id)

        fanout.spawn(later())


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise services.ChatError("invalid", "Identifiant manquant ou invalide.") from None
