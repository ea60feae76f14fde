"""Live chat of a café-cité session (protocol: docs/chat-protocol.md).

Thin consumer: permissions in permissions.py, writes in services.py (through
database_sync_to_async), delivery through the process-local relay of fanout.py.
"""

import asyncio
import contextlib
import json
import uuid
from importlib import import_module
from types import SimpleNamespace
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth import get_user
from django.core.cache import cache

from cafes_cites import fanout, permissions, services
from cafes_cites.models import Session

CLOSE_UNAUTHENTICATED = 4401


def _session_still_valid(user_id, session_key):
    """Reload the Django session: a logout, a password change or a deactivated (or demo with
    DEBUG off) account all end here."""
    if not session_key:
        return False
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    user = get_user(SimpleNamespace(session=store))
    return user.is_authenticated and user.pk == user_id


class ChatConsumer(AsyncJsonWebsocketConsumer):
    # No per-socket channel: room events reach sockets through the relay of fanout.py.
    channel_layer_alias = "cafes_cites_no_per_socket_channel"

    async def connect(self):
        self.user = self.scope["user"]
        self.session_id = int(self.scope["url_route"]["kwargs"]["pk"])
        self.group = services.room_group(self.session_id)
        self.socket_id = f"ws-{uuid.uuid4().hex}"
        self.ready = False
        self.pending = []
        self.history_max = 0
        self.joined = False
        self.recheck_task = None
        if not self.user.is_authenticated:
            await self.close()
            return
        # Join before reading history: anything committed after the read arrives live.
        await fanout.join(self.group, self)
        self.joined = True
        opened = await self._open(self._after_param())
        if opened is None:
            await self._leave()
            await self.close()  # before accept: the handshake is refused (403)
            return
        state, history = opened
        await self.accept()
        await self.send_json(state)
        await self.send_json(history)
        self.ready = True
        for event in self.pending:
            await self.relay(event)
        self.pending = []
        await self._schedule_presence()
        self.recheck_task = asyncio.create_task(self._recheck_periodically())

    def _after_param(self):
        query = parse_qs(self.scope.get("query_string", b"").decode())
        try:
            return max(0, int(query["after"][0]))
        except (KeyError, ValueError, IndexError):
            return None

    @database_sync_to_async
    def _open(self, after):
        """Everything a connection needs from the database, in one call (one connection):
        a reconnection storm must not queue several round trips per socket."""
        if not self.user.is_authenticated:
            return None
        session = Session.objects.filter(pk=self.session_id).first()
        if session is None or not permissions.can_read_chat(self.user, session):
            return None
        refusal = permissions.chat_post_refusal(self.user, session)
        opens, closes = session.chat_window()
        messages, self.history_max, truncated = services.chat_history(self.session_id, after)
        services.join_presence(self.session_id, self.user, self.socket_id)
        state = {
            "type": "state",
            "open": session.chat_is_open(),
            "opens_at": opens.isoformat(),
            "closes_at": closes.isoformat(),
            "can_post": refusal is None,
            "reason": refusal[1] if refusal else "",
            "moderator": permissions.can_moderate_chat(self.user, session),
            "presence": services.presence_count(self.session_id),
            "user": {"id": self.user.pk, "name": self.user.display_name},
        }
        history = {
            "type": "history",
            "messages": messages,
            "resumed": after is not None,
            "truncated": truncated,
        }
        return state, history

    async def disconnect(self, code):
        if getattr(self, "recheck_task", None):
            self.recheck_task.cancel()
        if getattr(self, "joined", False) and self.ready:
            await self._leave()
            await database_sync_to_async(services.leave_presence)(self.socket_id)
            await self._schedule_presence()
        elif getattr(self, "joined", False):
            await self._leave()

    async def _leave(self):
        self.joined = False
        await fanout.leave(self.group, self)

    # --- Delivery from the relay ---------------------------------------------------------------

    async def relay(self, event):
        if not self.ready:
            self.pending.append(event)
            return
        message_id = event.get("id")
        if message_id is not None and message_id <= self.history_max:
            return  # already in the history frame
        await self.send(text_data=event["text"])

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
        if not _session_still_valid(self.user.pk, self._session_key()):
            return None
        return services.post_message(
            self.user,
            self.session_id,
            content.get("body"),
            content.get("client_id"),
            bool(content.get("question")),
        )

    def _session_key(self):
        return getattr(self.scope.get("session"), "session_key", None)

    async def _post(self, content):
        try:
            result = await database_sync_to_async(self._checked_post)(content)
        except services.ChatError as error:
            await self.send_json(error.as_payload())
            return
        if result is None:
            await self._expire()
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
        valid = await database_sync_to_async(_session_still_valid)(
            self.user.pk, self._session_key()
        )
        if not valid:
            await self._expire()
        return valid

    async def _expire(self):
        await self._error(
            "session_expired", "Votre session a expiré : reconnectez-vous pour continuer."
        )
        await self.close(code=CLOSE_UNAUTHENTICATED)

    async def _recheck_periodically(self):
        while True:
            await asyncio.sleep(settings.CAFES_CITES_CHAT_AUTH_RECHECK)
            if not await self._still_authenticated():
                return
            await database_sync_to_async(services.touch_presence)(self.socket_id)

    async def _schedule_presence(self):
        """At most one presence broadcast per room and per debounce period, whatever the number
        of sockets joining: a thousand connections must not mean a thousand broadcasts."""
        delay = settings.CAFES_CITES_PRESENCE_DEBOUNCE
        if delay:
            key = f"cafes_cites:presence:{self.session_id}"
            if not await database_sync_to_async(cache.add)(key, 1, delay):
                return
            asyncio.get_running_loop().call_later(
                delay, lambda: asyncio.ensure_future(_broadcast_presence(self.session_id))
            )
        else:
            await _broadcast_presence(self.session_id)


async def _broadcast_presence(session_id):
    def count_and_broadcast():
        from django.db import transaction

        with transaction.atomic():
            services.broadcast_on_commit(
                session_id, {"type": "presence", "count": services.presence_count(session_id)}
            )

    with contextlib.suppress(Exception):
        await database_sync_to_async(count_and_broadcast)()


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise services.ChatError("invalid", "Identifiant manquant ou invalide.") from None
