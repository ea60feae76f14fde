"""Process-local fan-out of the chat rooms, and each process's watch over its sockets' sessions.

The channel layer does what it is good at: carrying one event per server process. In each
process:

- one relay per room subscribes to the room's group and hands the already-encoded text to every
  local socket of the room, straight to the server's send callable: one message dict per event,
  no per-recipient JSON encoding, channel, dispatch or middleware hop;
- one session watch subscribes to the process-wide `AUTH_GROUP`: a logout, a password change, a
  deactivated or deleted account closes that person's sockets at once; and every
  `CAFES_CITES_CHAT_AUTH_RECHECK` seconds all the process's sockets are re-checked in one
  database call, instead of one timer and two queries per socket;
- one layer monitor checks, every `CAFES_CITES_LAYER_PROBE` seconds, that the channel layer
  still carries the process's events (an echo through its own group). When it does not (Redis
  down or restarting), the sockets are told (`{"type": "status", "live": "degraded"}`) and the
  process reads all its rooms' news from the database at each probe, in one poll (new
  messages, deletions, presence counts); when the echo comes back, the subscriptions that
  could not be made meanwhile are made, the sockets are told again (`"live": "ok"`) and a last
  poll catches up.

Nothing here refuses a socket when Redis is down: a room first joined in the process during
the outage gets a relay without a subscription, fed by the polls until the layer is back.

A member (a chat consumer) provides: `ready`, `expired`, `pending`, `history_max`,
`raw_send`, `user`, `session_key`, `socket_id`, `session_id` and `async expire()`.
"""

import asyncio
import datetime
import logging
import time
import uuid

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils import timezone

from cafes_cites.session_auth import AUTH_GROUP, valid_sessions

logger = logging.getLogger(__name__)

# Keyed by event loop: each test (and each server process) has its own.
_relays = {}  # (loop, group) -> RoomRelay
_watches = {}  # loop -> SessionWatch
_monitors = {}  # loop -> LayerMonitor
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


def _raise_swallowed_cancellation():
    """channels_redis 4.3's pub/sub subscription can return normally although the task was
    cancelled meanwhile (its cancellation request is then lost): a consumer cancelled in its
    handshake (server shutdown, end of a test) would go on, and its task never end."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


class Subscription:
    """One channel of the layer, added to one group, and the task reading it.

    `start` may be called again after a failure (channel layer unreachable): the layer's
    monitor does so for every failed subscription once Redis answers again."""

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
        self.failed = False
        try:
            if self.channel is None:
                self.channel = await self.layer.new_channel()
            await self.layer.group_add(self.group, self.channel)
            _raise_swallowed_cancellation()
            if self.stopped:  # stopped while subscribing: undo
                await self.layer.group_discard(self.group, self.channel)
                return
            if self.task is None:
                self.task = asyncio.create_task(self._run())
        except BaseException:
            self.failed = True
            raise
        finally:
            self.ready.set()

    async def retry(self):
        """Subscribe again if the last attempt failed; True when subscribed (or stopped)."""
        if not self.failed or self.stopped:
            return True
        try:
            await self.start()
        except Exception:
            return False
        return True

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
    a time (`lock`): the layer's reader, the local fallback of group_send and the monitor's
    polls may all call in.

    The same event may come twice, live and from a poll of the database (the layer failing or
    coming back around it): message ids are compared with `last_id`, deletions with `deleted`
    (every id whose deletion was told), presence counts with `presence` (the last told).
    """

    def __init__(self, group, session_id=None):
        self.group = group
        self.session_id = session_id
        self.members = {}  # insertion-ordered set of consumers
        self.subscription = Subscription(group, self.deliver)
        self.presence_pending = False
        self.lock = asyncio.Lock()
        self.last_id = None  # unknown: no gap fill until a first message sets it
        self.deleted = set()
        self.presence = None
        self.setup = None  # task: subscribe, read last_id; sockets read their history after it

    async def initialise(self):
        """Read the room's last id: history covers it for every socket that joins, and a fresh
        relay must not replay it. Called under `lock`, once subscribed (anything committed
        later arrives live, or through a gap fill or a poll)."""
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
                if self._told(event):
                    await self._send(event)
                return
            last = self.last_id
            if last is not None and message_id <= last:
                return  # already delivered (by the gap fill or a poll, or twice by the layer)
            if last is not None and message_id > last + 1 and self.session_id is not None:
                for missed in await self._missed(last, message_id):
                    await self._send(missed)
            self.last_id = message_id
            await self._send(event)

    def _told(self, event):
        """False for a deletion already told; records deletions and presence counts."""
        deleted = event.get("deleted")
        if deleted is not None:
            if deleted in self.deleted:
                return False
            self.deleted.add(deleted)
        if event.get("presence") is not None:
            self.presence = event["presence"]
        return True

    async def _missed(self, after, before):
        from cafes_cites import services

        try:
            return await database_sync_to_async(services.gap_events)(self.session_id, after, before)
        except Exception:
            # Clients still get them by resuming with after=; the new message goes out anyway.
            logger.exception("Relay %s: gap fill %s..%s failed", self.group, after, before)
            return []

    async def apply(self, news):
        """Deliver what a poll of the database found (services.RoomNews), once: the messages
        after the last one delivered, in order, then the deletions not told yet, then the
        presence count if it changed."""
        from cafes_cites import services

        async with self.lock:
            for event in news.messages:
                if self.last_id is None or event["id"] > self.last_id:
                    await self._send(event)
                    self.last_id = event["id"]
            for room_id in news.deleted:
                if room_id not in self.deleted:
                    self.deleted.add(room_id)
                    payload = {"type": "deleted", "id": room_id}
                    await self._send({"text": services.encode(payload), "id": None})
            if news.presence != self.presence:
                await self._send(services.presence_event(news.presence))
                self.presence = news.presence

    async def tell(self, event):
        """Send an event of this process (a status) in order with the room's messages."""
        async with self.lock:
            await self._send(event)

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


async def join(group, member):
    """Add `member` to the room's relay, subscribing the process to the room's group if it is
    the first. Never refuses: when the subscription fails (Redis down), the relay stays without
    one, the monitor is told the layer is down (the relay is then fed by its polls of the
    database) and subscribes it again once Redis answers (LayerMonitor.on_echo). Returns once
    the relay knows the room's last id: the member's history must be read after it."""
    loop = asyncio.get_running_loop()
    key = (loop, group)
    relay = _relays.get(key)
    if relay is None:
        relay = _relays[key] = RoomRelay(group, getattr(member, "session_id", None))
        relay.setup = spawn(_set_up(key, relay))
    relay.members[member] = None
    # Shielded: a socket closed during its handshake must not cancel the others' wait, nor
    # leave them a relay half set up.
    await asyncio.shield(relay.setup)
    return relay


async def _set_up(key, relay):
    subscribed = True
    async with relay.lock:  # events wait for last_id
        try:
            await relay.subscription.start()
        except Exception:
            logger.warning("Relay %s: cannot subscribe, fed from the database", relay.group)
            subscribed = False
        if _relays.get(key) is not relay:
            return  # its sockets all left meanwhile
        monitor = _start_monitor(key[0])
        await relay.initialise()
    if not subscribed:
        # Outside the relay's lock (degrade tells every room), and before the room's sockets
        # read the live status for their state frame.
        await monitor.degrade()


async def leave(group, member):
    key = (asyncio.get_running_loop(), group)
    relay = _relays.get(key)
    if relay is None or member not in relay.members:
        return
    relay.members.pop(member, None)
    if not relay.members:
        del _relays[key]
        if not _rooms(key[0]):
            _stop_monitor(key[0])
        await relay.subscription.stop()


def _rooms(loop):
    return [relay for (relay_loop, _), relay in list(_relays.items()) if relay_loop is loop]


async def group_send(layer, group, event):
    """`layer.group_send`, falling back to this process's own subscribers of `group` when the
    layer cannot be reached (Redis down or restarting).

    The event was committed to the database before being published: without the fallback a
    message posted during an outage would reach nobody live, not even its poster, who would get
    neither echo nor error. With it, the sockets of this process get it at once; the sockets
    of other processes get it from their process's next poll of the database (LayerMonitor),
    or when they resume with `after=` (docs/chat-protocol.md, delivery guarantees). The failure
    is logged in one line, not raised: during an outage every post would log a traceback.
    Should Redis have published the event before failing to answer, the relay ignores the
    second copy."""
    try:
        await layer.group_send(group, event)
    except Exception as error:
        logger.warning("Chat event for %s delivered in this process only: %r", group, error)
        loop = asyncio.get_running_loop()
        monitor = _monitors.get(loop)
        if monitor is not None:
            await monitor.degrade()  # before the local delivery: sockets learn why first
        if group == AUTH_GROUP:
            local = _watches.get(loop)
            handler = local.on_event if local is not None else None
        else:
            local = _relays.get((loop, group))
            handler = local.deliver if local is not None else None
        if handler is not None:
            await handler(event)


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


# --- Layer monitor ------------------------------------------------------------------------------

PROBE = "cafes_cites.probe"


class LayerMonitor:
    """Is the channel layer carrying this process's events? Every `CAFES_CITES_LAYER_PROBE`
    seconds the monitor publishes a probe to a group only this process subscribes to, and
    waits for its echo: the path of every room event (publish, then the pub/sub subscription).

    Degraded as soon as a publish fails (the probe's, or a room's in `group_send`), a
    subscription cannot be made (a room first joined during the outage, the session watch), or
    no echo came for `CAFES_CITES_LAYER_SILENCE` seconds (a silent subscription; generous, so a
    busy process is not taken for a broken layer). Live again at the first echo, once the
    subscriptions that failed meanwhile are made: the echo shows the subscription connection is
    back (channels_redis re-subscribes all of a connection's channels in one command, the
    rooms' with the probe's), but not the subscriptions it never had.

    While degraded, every probe period the monitor polls the database for all the process's
    rooms at once (services.poll_rooms): new messages, deletions, presence counts. The display
    is late, nothing is missing. Deletions are read by their time (`deleted_at`), from a little
    before the previous poll (`DELETION_MARGIN`: the time between a deletion's timestamp and its
    commit, and the clocks of the servers): the relays drop those they already told."""

    DELETION_MARGIN = datetime.timedelta(seconds=10)

    def __init__(self, loop):
        self.loop = loop
        self.live = True
        self.probe = None
        self.group = f"cafes_cites_probe_{uuid.uuid4().hex}"
        self.echoed = asyncio.Event()
        self.last_echo = time.monotonic()
        self.task = None
        # One transition at a time, told to every room before the next: otherwise a recovery
        # still telling "ok" to the rooms could end after a new degradation.
        self.transition = asyncio.Lock()
        self.polling = asyncio.Lock()  # one poll at a time (the loop's, the recovery's)
        self.deleted_since = timezone.now()

    @property
    def status(self):
        return "ok" if self.live else "degraded"

    async def run(self):
        while True:
            started = time.monotonic()
            period = settings.CAFES_CITES_LAYER_PROBE
            try:
                await self.probe_once(period)
                if not self.live:
                    await self.poll()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("Channel layer monitor failed")
            await asyncio.sleep(max(0.0, period - (time.monotonic() - started)))

    async def probe_once(self, period):
        self.echoed.clear()
        if self.probe is None:
            self.probe = Subscription(self.group, self.on_echo)
        try:
            # Publish first: while Redis is down, no subscription attempt (each would leave a
            # channel behind in channels_redis) until it answers again.
            await self.probe.layer.group_send(self.group, {"type": PROBE})
            if self.probe.failed or not self.probe.ready.is_set():
                await self.probe.start()
                await self.probe.layer.group_send(self.group, {"type": PROBE})
        except Exception:
            await self.degrade()
            return
        try:
            await asyncio.wait_for(self.echoed.wait(), period)
        except TimeoutError:
            if time.monotonic() - self.last_echo > settings.CAFES_CITES_LAYER_SILENCE:
                await self.degrade()

    async def on_echo(self, event):
        self.last_echo = time.monotonic()
        self.echoed.set()
        if self.live:
            return
        async with self.transition:
            if self.live:
                return
            if not await self._resubscribe():
                return  # Redis answers, but not yet to everything: the next echo retries
            self.live = True
            logger.warning("Channel layer reachable again: live chat delivery resumed")
            status = _status_event("ok")
            for relay in _rooms(self.loop):
                await relay.tell(status)
            # What was committed since the last poll: from now on it arrives live.
            await self.poll()

    async def _resubscribe(self):
        """Make the subscriptions that failed during the outage; True when all are made."""
        subscribed = True
        for relay in _rooms(self.loop):
            subscribed = await relay.subscription.retry() and subscribed
        session_watch = _watches.get(self.loop)
        if session_watch is not None and session_watch.subscription.failed:
            if await session_watch.subscription.retry():
                # Logouts published meanwhile reached no other process: check them all now.
                spawn(session_watch.check_all())
            else:
                subscribed = False
        return subscribed

    async def degrade(self):
        if not self.live:
            return
        async with self.transition:
            if not self.live:
                return
            self.live = False
            self.deleted_since = timezone.now()
            logger.warning("Channel layer unreachable: live chat degraded, rooms read the database")
            status = _status_event("degraded")
            for relay in _rooms(self.loop):
                await relay.tell(status)

    async def poll(self):
        """Read the news of all the process's rooms from the database, in one call, and hand
        each relay its own."""
        from cafes_cites import services

        async with self.polling:
            relays = {}
            for relay in _rooms(self.loop):
                if relay.session_id is None:
                    continue
                if relay.last_id is None:
                    async with relay.lock:
                        await relay.initialise()  # could not be read when it subscribed
                if relay.last_id is not None:
                    relays[relay.session_id] = relay
            if not relays:
                return
            started = timezone.now()
            try:
                news = await database_sync_to_async(services.poll_rooms)(
                    {session_id: relay.last_id for session_id, relay in relays.items()},
                    self.deleted_since - self.DELETION_MARGIN,
                )
            except Exception:
                logger.exception("Chat rooms poll failed")
                return
            self.deleted_since = started
            for session_id, room in news.items():
                await relays[session_id].apply(room)

    async def stop(self):
        if self.task is not None:
            self.task.cancel()
        if self.probe is not None:
            await self.probe.stop()


def _status_event(live):
    from cafes_cites import services

    # `status`: consumers drop the statuses queued before they read the live status.
    return {"text": services.encode({"type": "status", "live": live}), "id": None, "status": live}


def _start_monitor(loop):
    monitor = _monitors.get(loop)
    if monitor is None:
        monitor = _monitors[loop] = LayerMonitor(loop)
        monitor.task = spawn(monitor.run())
    return monitor


def _stop_monitor(loop):
    monitor = _monitors.pop(loop, None)
    if monitor is not None:
        spawn(monitor.stop())


def live_status():
    """ "ok" or "degraded": the channel layer as this process's monitor last saw it."""
    monitor = _monitors.get(asyncio.get_running_loop())
    return "ok" if monitor is None else monitor.status


# --- Session watch ------------------------------------------------------------------------------


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

    async def check(self, members):
        pairs = [(member.user.pk, member.session_key) for member in members]
        valid = await database_sync_to_async(valid_sessions)(pairs)
        for member, pair in zip(members, pairs, strict=True):
            if pair not in valid:
                await member.expire()

    async def check_all(self):
        members = [member for member in self.members if member.ready]
        if not members:
            return
        try:
            await self.check(members)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("Chat session re-check failed")

    async def run_periodically(self):
        while True:
            await asyncio.sleep(settings.CAFES_CITES_CHAT_AUTH_RECHECK)
            await self.check_all()


async def watch(member):
    """Add `member` to the process's session watch, subscribing it to `AUTH_GROUP` if it is the
    first. Never refuses: without a subscription (Redis down) the watch still re-checks its
    sockets periodically, and the monitor subscribes it once Redis answers, then re-checks all
    its sockets (the logouts published meanwhile reached no other process)."""
    loop = asyncio.get_running_loop()
    session_watch = _watches.get(loop)
    if session_watch is not None:
        session_watch.add(member)
        return
    session_watch = _watches[loop] = SessionWatch()
    session_watch.add(member)
    session_watch.periodic = asyncio.create_task(session_watch.run_periodically())
    try:
        await session_watch.subscription.start()
    except Exception:
        logger.warning("Chat session watch: cannot subscribe, periodic re-checks only")
        monitor = _monitors.get(loop)
        if monitor is not None:
            await monitor.degrade()


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
