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
`raw_send`, `user`, `session_key`, `socket_id`, `session_id` and `async expire()`.
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
        self.failed = False  # could not subscribe (channel layer unreachable): never receives

    async def start(self):
        try:
            self.channel = await self.layer.new_channel()
            await self.layer.group_add(self.group, self.channel)
            if self.stopped:  # stopped while subscribing: undo
                await self.layer.group_discard(self.group, self.channel)
                return
            self.task = asyncio.create_task(self._run())
        except BaseException:
            self.failed = True
            raise
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
    """The room's subscription in this process, and its local sockets.

    Gap fill: the relay remembers the last message id it delivered (`last_id`, the room's
    counter when it subscribed). A message event whose id is beyond `last_id + 1` means it
    missed some (posted through another process while Redis was down, or lost by the layer):
    it first loads them from the database and delivers them, in order and encoded as live
    messages, then the new one. An id already delivered is ignored. Events are handled one at
    a time (`lock`): the layer's reader and the local fallback of group_send may both call in.
    """

    def __init__(self, group, session_id=None):
        self.group = group
        self.session_id = session_id
        self.members = {}  # insertion-ordered set of consumers
        self.subscription = Subscription(group, self.deliver)
        self.presence_pending = False
        self.lock = asyncio.Lock()
        self.last_id = None  # unknown: no gap fill until a first message sets it
        self.initialised = asyncio.Event()  # last_id read (or given up): sockets may read history

    async def initialise(self):
        """Read the room's last id: history covers it for every socket that joins, and a fresh
        relay must not replay it. Called under `lock`, once subscribed (anything committed
        later arrives live, or through a gap fill)."""
        if self.session_id is None:
            return
        from cafes_cites import services

        try:
            self.last_id = await database_sync_to_async(services.room_last_id)(self.session_id)
        except Exception:
            logger.exception("Relay %s: could not read the last message id", self.group)

    async def deliver(self, event):
        if event.get("text") is None:
            return
        async with self.lock:
            message_id = event.get("id")
            if message_id is None:
                await self._send(event)
                return
            last = self.last_id
            if last is not None and message_id <= last:
                return  # already delivered (by the gap fill, or twice by the layer)
            if last is not None and message_id > last + 1 and self.session_id is not None:
                for missed in await self._missed(last, message_id):
                    await self._send(missed)
            self.last_id = message_id
            await self._send(event)

    async def _missed(self, after, before):
        from cafes_cites import services

        try:
            return await database_sync_to_async(services.gap_events)(self.session_id, after, before)
        except Exception:
            # Clients still get them by resuming with after=; the new message goes out anyway.
            logger.exception("Relay %s: gap fill %s..%s failed", self.group, after, before)
            return []

    async def _send(self, event):
        message_id = event.get("id")
        frame = {"type": "websocket.send", "text": event["text"]}  # the same for every socket
        for member in list(self.members):
            if not member.ready:
                if not member.expired:
                    member.pending.append(event)  # sent after its history frame
            elif message_id is None or message_id > member.history_max:
                try:
                    await member.raw_send(frame)
                except Exception:  # noqa: S112 - a closing socket; its disconnect removes it
                    continue


class LayerUnavailable(Exception):
    """The channel layer (Redis) could not be reached to subscribe."""


async def join(group, member):
    """Add `member` to the room's relay, subscribing the process to the room's group if it is
    the first. Raises when the subscription fails (Redis down): the caller refuses the socket.

    A relay whose subscription failed is forgotten at once, by its first member and by those
    that were waiting for it: otherwise it would stay registered without a subscription, and
    every later socket of the room would join it and never receive anything, even once Redis is
    back (issue #7 fault drill, tests/test_fault_redis.py)."""
    key = (asyncio.get_running_loop(), group)
    relay = _relays.get(key)
    if relay is None:
        relay = _relays[key] = RoomRelay(group, getattr(member, "session_id", None))
        relay.members[member] = None
        async with relay.lock:  # events wait for last_id
            try:
                try:
                    await relay.subscription.start()
                except Exception as error:
                    _forget_relay(key, relay, member)
                    raise LayerUnavailable(group) from error
                await relay.initialise()
            finally:
                relay.initialised.set()
    else:
        relay.members[member] = None
        await relay.subscription.ready.wait()
        if relay.subscription.failed:
            _forget_relay(key, relay, member)
            raise LayerUnavailable(group)
        # Its history must be read after last_id: the relay ignores the ids up to last_id.
        await relay.initialised.wait()
    return relay


def _forget_relay(key, relay, member):
    relay.members.pop(member, None)
    if _relays.get(key) is relay:
        del _relays[key]


async def leave(group, member):
    key = (asyncio.get_running_loop(), group)
    relay = _relays.get(key)
    if relay is None:
        return
    relay.members.pop(member, None)
    if not relay.members:
        del _relays[key]
        await relay.subscription.stop()


async def group_send(layer, group, event):
    """`layer.group_send`, falling back to this process's own subscribers of `group` when the
    layer cannot be reached (Redis down or restarting).

    The event was committed to the database before being published: without the fallback a
    message posted during an outage would reach nobody live, not even its poster, who would get
    neither echo nor error. With it, the sockets of this process get it at once; the sockets
    of other processes get it when they resume with `after=` (docs/chat-protocol.md, delivery
    guarantees), or from their relay's gap fill as soon as a later message reaches them
    (RoomRelay). The failure is still raised (and logged by `spawn`). Should Redis have
    published the event before failing to answer, the relay ignores the second copy."""
    try:
        await layer.group_send(group, event)
    except Exception:
        loop = asyncio.get_running_loop()
        if group == AUTH_GROUP:
            local = _watches.get(loop)
            handler = local.on_event if local is not None else None
        else:
            local = _relays.get((loop, group))
            handler = local.deliver if local is not None else None
        if handler is not None:
            await handler(event)
        raise


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
        try:
            await session_watch.subscription.start()
        except Exception as error:
            # As in join(): never keep a watch without a subscription.
            _forget_watch(loop, session_watch, member)
            raise LayerUnavailable(AUTH_GROUP) from error
    else:
        session_watch.add(member)
        await session_watch.subscription.ready.wait()
        if session_watch.subscription.failed:
            _forget_watch(loop, session_watch, member)
            raise LayerUnavailable(AUTH_GROUP)


def _forget_watch(loop, session_watch, member):
    session_watch.remove(member)
    if _watches.get(loop) is session_watch:
        del _watches[loop]
        session_watch.periodic.cancel()


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
