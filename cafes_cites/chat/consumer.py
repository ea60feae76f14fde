"""The chat's websocket (protocol: docs/chat-protocol.md): checks, history, then the live log
through the process's hub (hub.py). Writes go to services.py, reads to queries.py."""

import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.db import close_old_connections, transaction

from cafes_cites import permissions
from cafes_cites.chat import hub as chat_hub
from cafes_cites.chat import queries, services
from cafes_cites.session_auth import session_still_valid

CLOSE_UNAUTHENTICATED = 4401
DEFAULT_PORTS = {"http": 80, "https": 443}

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


def _origin(scheme, netloc):
    """(scheme, host, port) with the scheme's default port made explicit."""
    parts = urlsplit(f"{scheme}://{netloc}")
    try:
        port = parts.port or DEFAULT_PORTS.get(scheme)
    except ValueError:
        return None
    return scheme, (parts.hostname or "").lower(), port


def same_origin(scope):
    """The page that opens the socket must come from this very site: same scheme, host and
    port as the socket's own address (ALLOWED_HOSTS is checked before, by the ASGI stack).
    Another port or scheme of the same host is another origin: it must not post with the
    user's cookie."""
    headers = dict(scope.get("headers", ()))
    origin = headers.get(b"origin", b"").decode("latin-1")
    host = headers.get(b"host", b"").decode("latin-1")
    if not origin or not host:
        return False
    scheme = "https" if scope.get("scheme", "ws") in ("wss", "https") else "http"
    parts = urlsplit(origin)
    if parts.scheme not in DEFAULT_PORTS or parts.path not in ("", "/"):
        return False
    mine = _origin(scheme, host)
    return mine is not None and _origin(parts.scheme, parts.netloc) == mine


class ChatConsumer(AsyncJsonWebsocketConsumer):
    # No per-socket channel: room events reach sockets through the hub. (So Channels makes no
    # new_channel/group_add call at connect, which would refuse the handshake while Redis is
    # down: get_channel_layer() returns None for this alias.)
    channel_layer_alias = "cafes_cites_no_per_socket_channel"

    async def connect(self):
        self.user = self.scope["user"]
        self.session_id = int(self.scope["url_route"]["kwargs"]["pk"])  # the café's session
        self.auth_session_key = getattr(self.scope.get("session"), "session_key", None)
        self.socket_id = f"ws-{uuid.uuid4().hex}"
        self.ready = self.expired = self.present = False
        self.pending = []
        self.history_seq = 0
        self.live = None
        self.hub = None
        query = parse_qs(self.scope.get("query_string", b"").decode())
        self.version = 2 if query.get("v") == ["2"] else 1
        after = _after(query)
        if not self.user.is_authenticated or not same_origin(self.scope):
            await self.close()
            return
        # Join before reading history: anything committed after the read arrives live (or,
        # while Redis is down, from the hub's tick: never refused).
        self.hub = await chat_hub.join(self)
        opened = await self._open(after)
        if opened is None:
            await self.hub.leave(self)
            self.hub = None
            await self.close()  # before accept: the handshake is refused (403)
            return
        state, history = opened
        self.live = state["live"] = self.hub.live
        await self.accept()
        await self.send(text_data=queries.encode(state))
        await self.send(text_data=queries.encode(history))
        self.ready = True
        for frames, seq in self.pending:
            if seq is None or seq > self.history_seq:
                await self.base_send(frames[self.version - 1])
        self.pending = []
        if self.live != self.hub.live:  # changed during the handshake
            self.live = self.hub.live
            await self.send_json({"type": "status", "live": self.live})
        self.hub.presence_changed(self.session_id)

    @database_sync_to_async
    def _open(self, after):
        """Everything a connection needs from the database, in one call and four queries (the
        room and the person, the history, its animateurs, the presence row)."""
        room = queries.chat_room_for(self.session_id, self.user)
        if room is None or not permissions.can_read_chat(self.user, room):
            return None
        self.history_seq = room.chat_seq or 0
        history = queries.history(self.session_id, self.version, after, self.history_seq)
        moderator = bool(room.chat_moderator)
        refusal = permissions.chat_post_refusal(
            self.user,
            room,
            muted=bool(room.chat_muted),
            registered=bool(room.chat_registered),
            moderator=moderator,
        )
        opens, closes = room.chat_window()
        services.join_presence(self.session_id, self.user, self.socket_id, self.hub.process_id)
        self.present = True
        state = {
            "type": "state",
            "version": self.version,
            "open": room.chat_is_open(),
            "opens_at": opens.isoformat(),
            "closes_at": closes.isoformat(),
            "can_post": refusal is None,
            "reason": refusal[1] if refusal else "",
            "moderator": moderator,
            # The people already there, and this one if they were not.
            "presence": (room.chat_presence or 0) + (not room.chat_present),
            "user": {"id": self.user.pk, "name": self.user.display_name},
        }
        return state, history

    async def disconnect(self, code):
        # Presence first: a hub that stops with its last socket still tells the new count.
        if self.present:
            self.present = False
            await database_sync_to_async(services.leave_presence)(self.socket_id)
            if self.hub is not None:
                self.hub.presence_changed(self.session_id)
        if self.hub is not None:
            await self.hub.leave(self)

    # --- From the client -----------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None:
            await self._error(
                "invalid", "Message mal formé : seuls les messages texte (JSON) sont acceptés."
            )
            return
        try:
            content = await self.decode_json(text_data)
        except ValueError:
            await self._error("invalid", "Message mal formé : JSON attendu.")
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "message":
            await self._post(content)  # re-checks the session in the same database call
            return
        if not await self._still_authenticated():
            return
        try:
            if kind == "delete":
                await database_sync_to_async(services.delete_message)(
                    self.user, self.session_id, _int(content.get("id"))
                )
            elif kind == "mute":
                await database_sync_to_async(services.mute_user)(
                    self.user, self.session_id, _int(content.get("user_id"))
                )
            elif kind == "ping":
                await self.send_json({"type": "pong"})
            else:
                await self._error("unknown_type", "Type de message inconnu.")
        except services.ChatError as error:
            await self.send_json(error.as_payload())

    def _checked_post(self, content):
        """The session check and the post share a transaction: the check's query also takes
        the author's row lock that post_message needs (one round trip less)."""
        with transaction.atomic():
            if not session_still_valid(self.user.pk, self.auth_session_key, lock=True):
                return None
            return services.post_message(
                self.user,
                self.session_id,
                content.get("body"),
                content.get("client_id"),
                content.get("question", False),
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

    async def _error(self, code, message):
        await self.send_json({"type": "error", "code": code, "message": message})

    async def _still_authenticated(self):
        valid = await database_sync_to_async(session_still_valid)(
            self.user.pk, self.auth_session_key
        )
        if not valid:
            await self.expire()
        return valid

    async def expire(self):
        """The Django session no longer authenticates this user: say so, then close (4401).
        Called by this socket's own checks and by the hub's."""
        if self.expired:
            return
        self.expired = True
        self.ready = False  # the hub stops writing to it
        try:
            await self._error(
                "session_expired", "Votre session a expiré : reconnectez-vous pour continuer."
            )
            await self.close(code=CLOSE_UNAUTHENTICATED)
        except Exception:  # noqa: S110 - the socket is already gone
            pass


def _after(query):
    try:
        return max(0, int(query["after"][0]))
    except (KeyError, ValueError, IndexError):
        return None


def _int(value):
    if isinstance(value, bool):
        value = None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise services.ChatError("invalid", "Identifiant manquant ou invalide.") from None
