"""Process-local fan-out of the chat rooms, and each process's watch over its sockets' sessions.

The channel layer does what it is good at: carrying one event per server process. In each
process:

- one relay per room subscribes to the room's group and hands the already-encoded text to every
  local socket of the room, straight to the server's send callable: one message dict per event,
  no per-recipient JSON encoding, channel, dispatch or middleware hop;
- one session watch subscribes to the process-wide `AUTH_GROUP`: a logout, a password change, a
  deactivated or deleted account closes that person's sockets at once; and every
  `CAFES_CITES_CHAT_AUTH_RECHECK` seconds all the process's sockets are re-checked (and their
  presence refreshed) in one database call, instead of one timer and two queries per socket.

A member (a chat consumer) provides: `ready`, `expired`, `pending`, `history_max`,
`raw_send`, `user`, `session_key`, `socket_id` and `async expire()`.
"""

import asyncio
import logging

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from cafes_cites.session_auth import AUTH_GROUP

logger = logging.getLogger(__name__)

# Keyed by event loop: each test (and each server process) has its own.
_relays = {}  # (loop, group) -> RoomRelay
_watches = {}  # loop -> SessionWatch
_tasks = set()  # fire-and-forget tasks, kept referenced until done


def spawn(coroutine):
    """Run `coroutine` in the background on the running loop, logging its failure."""
    task = asyncio.ensure_future(coroutine)
    _tasks.add(task)
    task.add_done_callback(_task_done)
    return task


def _task_done(task):
    _tasks.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.error("Chat background task failed", exc_info=task.exception())


class Subscription:
    """One channel of the layer, added to one group, and the task reading it."""

    def __init__(self, group, handler):
        self.group = group
        self.handler = handler
        self.layer = get_channel_layer()
        self.channel = None
        self.task = None
        self.ready = asyncio.Event()
        self.stopped = False

    async def start(self):
        try:
            self.channel = await self.layer.new_channel()
            await self.layer.group_add(self.group, self.channel)
            if self.stopped:  # stopped while subscribing: undo
                await self.layer.group_discard(self.group, self.channel)
                return
            self.task = asyncio.create_task(self._run())
        finally:
            self.ready.set()

    async def stop(self):
        self.stopped = True
        if self.task:
            self.task.cancel()
        if self.channel:
            try:
                await self.layer.group_discard(self.group, self.channel)
            except Exception:
                logger.exception("Subscription %s: group_discard failed", self.group)

    async def _run(self):
        while True:
            try:
                event = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("Subscription %s: receive failed", self.group)
                await asyncio.sleep(0.5)
                continue
            try:
                await self.handler(event)
            except Exception:
                logger.exception("Subscription %s: handling failed", self.group)


# --- Rooms ------------------------------------------------------------------------------------


class RoomRelay:
    def __init__(self, group):
        self.group = group
        self.members = {}  # insertion-ordered set of consumers
        self.subscription = Subscription(group, self.deliver)
        self.presence_pending = False

    async def deliver(self, event):
        text = event.get("text")
        if text is None:
            return
        message_id = event.get("id")
        frame = {"type": "websocket.send", "text": text}  # the same dict for every socket
        for member in list(self.members):
            if not member.ready:
                if not member.expired:
                    member.pending.append(event)  # sent after its history frame
            elif message_id is None or message_id > member.history_max:
                try:
                    await member.raw_send(frame)
                except Exception:  # noqa: S112 - a closing socket; its disconnect removes it
                    continue


async def join(group, member):
    key = (asyncio.get_running_loop(), group)
    relay = _relays.get(key)
    if relay is None:
        relay = _relays[key] = RoomRelay(group)
        relay.members[member] = None
        await relay.subscription.start()
    else:
        relay.members[member] = None
        await relay.subscription.ready.wait()
    return relay


async def leave(group, member):
    key = (asyncio.get_running_loop(), group)
    relay = _relays.get(key)
    if relay is None:
        return
    relay.members.pop(member, None)
    if not relay.members:
        del _relays[key]
        await relay.subscription.stop()


def claim_presence_broadcast(group):
    """True for the first caller of a debounce period in this process: at most one presence
    broadcast per room, per process and per period, whatever the number of sockets joining."""
    relay = _relays.get((asyncio.get_running_loop(), group))
    if relay is None:
        return True  # nobody left here: tell the other processes now
    if relay.presence_pending:
        return False
    relay.presence_pending = True
    return True


def release_presence_broadcast(group):
    relay = _relays.get((asyncio.get_running_loop(), group))
    if relay is not None:
        relay.presence_pending = False


# --- Session watch ------------------------------------------------------------------------------


def _check_sessions(pairs, socket_ids):
    from cafes_cites import services
    from cafes_cites.session_auth import valid_sessions

    valid = valid_sessions(pairs)
    if socket_ids:
        services.touch_presence_many(socket_ids)
    return valid


class SessionWatch:
    def __init__(self):
        self.members = {}  # consumer -> None
        self.by_user = {}  # user id -> {consumer: None}
        self.subscription = Subscription(AUTH_GROUP, self.on_event)
        self.periodic = None

    def add(self, member):
        self.members[member] = None
        self.by_user.setdefault(member.user.pk, {})[member] = None

    def remove(self, member):
        self.members.pop(member, None)
        sockets = self.by_user.get(member.user.pk)
        if sockets is not None:
            sockets.pop(member, None)
            if not sockets:
                del self.by_user[member.user.pk]

    async def on_event(self, event):
        targets = list(self.by_user.get(event.get("user_id"), ()))
        if not targets:
            return
        if event["type"] == "auth.logout":
            for member in targets:
                if member.session_key == event.get("session_key"):
                    await member.expire()
        else:
            await self.check(targets)

    async def check(self, members, touch=False):
        pairs = [(member.user.pk, member.session_key) for member in members]
        socket_ids = [member.socket_id for member in members] if touch else []
        valid = await database_sync_to_async(_check_sessions)(pairs, socket_ids)
        for member, pair in zip(members, pairs, strict=True):
            if pair not in valid:
                await member.expire()

    async def run_periodically(self):
        while True:
            await asyncio.sleep(settings.CAFES_CITES_CHAT_AUTH_RECHECK)
            members = [member for member in self.members if member.ready]
            if not members:
                continue
            try:
                await self.check(members, touch=True)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("Chat session re-check failed")


async def watch(member):
    loop = asyncio.get_running_loop()
    session_watch = _watches.get(loop)
    if session_watch is None:
        session_watch = _watches[loop] = SessionWatch()
        session_watch.add(member)
        session_watch.periodic = asyncio.create_task(session_watch.run_periodically())
        await session_watch.subscription.start()
    else:
        session_watch.add(member)
        await session_watch.subscription.ready.wait()


async def unwatch(member):
    loop = asyncio.get_running_loop()
    session_watch = _watches.get(loop)
    if session_watch is None:
        return
    session_watch.remove(member)
    if not session_watch.members:
        del _watches[loop]
        session_watch.periodic.cancel()
        await session_watch.subscription.stop()
