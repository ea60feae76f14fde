"""One hub per server process (per event loop): the only link between the channel layer and the
process's chat sockets.

- One layer channel, added to the group of each room the process hosts, to `AUTH_GROUP`
  (logouts, password changes…) and to the hub's own echo group.
- One delivery path, `advance`: an event numbered `cursor + 1` goes out at once, its text
  encoded once by the publisher and written as is to every local socket; any other number
  first reads the missing part of the room's log from the database. The layer reader, the
  local fallback of a failed publish and the tick all go through it, so each socket gets the
  log in order, each entry once, whatever the layer loses.
- One tick every CAFES_CITES_LAYER_PROBE seconds: retries the subscriptions that failed,
  publishes an echo (the layer is "ok" while echoes come back, "degraded" when a publish or a
  subscription fails or no echo came back for CAFES_CITES_LAYER_SILENCE seconds), reads all
  its rooms' counters in one query and catches up the rooms left behind (at once while
  degraded, after a tick otherwise: an event may still be on its way), writes the process's
  heartbeat every CAFES_CITES_PRESENCE_HEARTBEAT seconds and re-checks every socket's Django
  session every CAFES_CITES_CHAT_AUTH_RECHECK seconds.

A socket (chat consumer) provides: `user`, `session_id`, `socket_id`, `auth_session_key`,
`version`, `ready`, `expired`, `pending`, `history_seq`, `live`, `present`, `base_send` and
`async expire()`.
"""

import asyncio
import logging
import os
import socket
import time
import uuid

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from cafes_cites.chat import queries, services
from cafes_cites.session_auth import AUTH_GROUP, valid_sessions

logger = logging.getLogger(__name__)

_hubs = {}  # event loop -> Hub


def current():
    """The running loop's hub, or None (tests and operations: `beat()`, `tick()`)."""
    return _hubs.get(asyncio.get_running_loop())


async def join(socket_):
    """Add a socket to its process's hub (created with the first socket) and to its room (the
    process subscribing to the room's group if it is the first). Never refuses for the layer:
    without Redis the room is fed by the tick. Returns the hub once the room's cursor is known:
    the socket's history must be read after this."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = Hub(loop)
        hub.started = hub.spawn(hub.start())
    services.publisher.set(hub)  # the socket's writes publish through its hub
    hub.sockets[socket_] = None
    hub.users.setdefault(socket_.user.pk, {})[socket_] = None
    room = hub.rooms.get(socket_.session_id)
    if room is None:
        room = hub.rooms[socket_.session_id] = Room(socket_.session_id)
        room.opened = hub.spawn(hub.open_room(room))
    room.sockets[socket_] = None
    try:
        # Shielded: a socket closed during its handshake must not cancel the others' wait.
        await asyncio.shield(hub.started)
        await asyncio.shield(room.opened)
    except BaseException:
        await hub.leave(socket_)
        raise
    return hub


class Room:
    def __init__(self, session_id):
        self.session_id = session_id
        self.group = services.room_group(session_id)
        self.sockets = {}  # insertion-ordered set
        self.cursor = 0  # last log number delivered
        self.behind = None  # (room's counter, cursor) when the last tick found it ahead
        self.presence = None
        self.lock = asyncio.Lock()
        self.opened = None


class Hub:
    def __init__(self, loop):
        self.loop = loop
        self.layer = get_channel_layer()
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.echo_group = f"cafes_cites_hub_{uuid.uuid4().hex}"
        self.rooms = {}
        self.sockets = {}
        self.users = {}  # user id -> {socket: None}
        self.channel = None
        self.unsubscribed = {AUTH_GROUP, self.echo_group}
        self.live = "ok"
        self.last_echo = time.monotonic()
        self.process_id = None
        self.tasks = set()
        self.presence_due = set()  # session ids with a presence broadcast on its way
        self.started = self.reader = self.ticker = None
        self.beat_at = self.recheck_at = time.monotonic()

    def spawn(self, coroutine):
        task = self.loop.create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task):
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("Chat hub task failed", exc_info=task.exception())

    async def start(self):
        try:
            self.process_id = await database_sync_to_async(services.register_process)(self.name)
        except BaseException:
            # The database is unreachable: the next socket tries with a new hub.
            if _hubs.get(self.loop) is self:
                del _hubs[self.loop]
            raise
        await self.subscribe_pending()
        self.ticker = self.spawn(self._tick_forever())

    async def stop(self):
        for task in list(self.tasks):
            if task is not asyncio.current_task():
                task.cancel()
        for session_id in list(self.presence_due):  # the last sockets' departure, told now
            try:
                await self._broadcast_presence(session_id, 0)
            except Exception:
                logger.exception("Chat hub: presence broadcast of room %s failed", session_id)
        if self.channel is not None:
            for group in [AUTH_GROUP, self.echo_group, *(r.group for r in self.rooms.values())]:
                await self._discard(group)
        if self.process_id is not None:
            await database_sync_to_async(services.forget_process)(self.process_id)

    # --- Sockets and rooms ------------------------------------------------------------------

    async def open_room(self, room):
        await self.started  # the layer channel first
        async with room.lock:  # events wait for the cursor
            self.unsubscribed.add(room.group)
            await self.subscribe_pending()
            try:
                room.cursor = await database_sync_to_async(queries.room_seq)(room.session_id)
            except BaseException:
                if self.rooms.get(room.session_id) is room:  # the next socket tries again
                    del self.rooms[room.session_id]
                raise

    async def leave(self, socket_):
        self.sockets.pop(socket_, None)
        mine = self.users.get(socket_.user.pk, {})
        mine.pop(socket_, None)
        if not mine:
            self.users.pop(socket_.user.pk, None)
        room = self.rooms.get(socket_.session_id)
        if room is not None:
            room.sockets.pop(socket_, None)
            if not room.sockets:
                del self.rooms[socket_.session_id]
                self.unsubscribed.discard(room.group)
                await self._discard(room.group)
        if not self.sockets and _hubs.get(self.loop) is self:
            del _hubs[self.loop]
            await self.stop()

    async def _discard(self, group):
        try:
            await self.layer.group_discard(group, self.channel)
        except Exception as error:
            logger.warning("Chat hub: could not leave %s: %r", group, error)

    async def subscribe_pending(self):
        """Create the layer channel and add it to the groups not subscribed yet; on failure
        (Redis down), the rest waits for the next tick and the sockets are told."""
        try:
            if self.channel is None:
                self.channel = await self.layer.new_channel()
                self.reader = self.spawn(self._read())
            for group in list(self.unsubscribed):
                await self.layer.group_add(group, self.channel)
                self.unsubscribed.discard(group)
        except Exception as error:
            logger.warning("Chat hub: cannot subscribe, fed from the database: %r", error)
            await self.set_live("degraded")

    # --- Delivery ---------------------------------------------------------------------------

    async def _read(self):
        while True:
            try:
                event = await self.layer.receive(self.channel)
                await self.dispatch(event)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("Chat hub: reading the layer failed")
                await asyncio.sleep(0.5)

    async def dispatch(self, event):
        kind = event.get("type")
        room = self.rooms.get(event.get("room"))
        if kind == "chat.event" and room is not None:
            await self.advance(room, event)
        elif kind == "chat.presence" and room is not None:
            await self.tell_presence(room, event["count"])
        elif kind == "hub.echo":
            self.last_echo = time.monotonic()
            if self.live == "degraded" and not self.unsubscribed:
                await self.set_live("ok")
                await self.catch_up(force=True)  # what was stored meanwhile
        elif kind == "auth.logout":
            for target in list(self.users.get(event.get("user_id"), ())):
                if target.auth_session_key == event.get("session_key"):
                    await target.expire()
        elif kind == "auth.changed":
            await self.recheck(list(self.users.get(event.get("user_id"), ())))

    async def advance(self, room, event=None, up_to=None):
        """Deliver the room's log up to `event` (or up to `up_to`), in order, each entry once."""
        async with room.lock:
            target = event["seq"] if event is not None else up_to
            if target <= room.cursor:
                return  # already delivered
            if event is None or target > room.cursor + 1:
                try:
                    missed = await database_sync_to_async(queries.layer_events_after)(
                        room.session_id, room.cursor, target if event is None else target - 1
                    )
                except Exception:
                    # Clients still get them by resuming with after=.
                    logger.exception("Chat hub: reading room %s failed", room.session_id)
                    missed = []
                for entry in missed:
                    await self._deliver(room, entry)
            if event is not None:
                await self._deliver(room, event)

    async def _deliver(self, room, event):
        seq = event["seq"]
        room.cursor = max(room.cursor, seq)
        if event.get("skip"):
            return  # a message deleted since: its deletion follows in the log
        frames = (
            {"type": "websocket.send", "text": event["text"]},
            {"type": "websocket.send", "text": event.get("text2", event["text"])},
        )
        await self._write(room.sockets, frames, seq)

    async def _write(self, sockets, frames, seq=None):
        for target in list(sockets):
            if not target.ready:
                if not target.expired:
                    target.pending.append((frames, seq))  # sent after its history frame
            elif seq is None or seq > target.history_seq:
                try:
                    await target.base_send(frames[target.version - 1])
                except Exception:  # noqa: S112 - a closing socket; its disconnect removes it
                    continue

    async def tell_presence(self, room, count):
        async with room.lock:
            room.presence = count
            text = queries.encode({"type": "presence", "count": count})
            frame = {"type": "websocket.send", "text": text}
            await self._write(room.sockets, (frame, frame))

    async def set_live(self, live):
        """Tell every socket, once per change, whether the layer carries the events."""
        if self.live == live:
            return
        self.live = live
        frame = {"type": "websocket.send", "text": queries.encode({"type": "status", "live": live})}
        for target in list(self.sockets):
            if target.ready and target.live != live:
                target.live = live
                try:
                    await target.base_send(frame)
                except Exception:  # noqa: S112 - a closing socket
                    continue

    # --- Publishing -------------------------------------------------------------------------

    def publish_soon(self, group, event):
        self.spawn(self.publish(group, event))

    async def publish(self, group, event):
        """group_send, falling back to this process's own sockets when the layer cannot be
        reached: the event is stored, the poster must get it; the other processes read it
        from the database at their tick."""
        try:
            await self.layer.group_send(group, event)
        except Exception as error:
            logger.warning("Chat event for %s delivered in this process only: %r", group, error)
            await self.set_live("degraded")  # before the event: sockets learn why first
            await self.dispatch(event)

    def presence_changed(self, session_id):
        """At most one presence broadcast per room, process and CAFES_CITES_PRESENCE_DEBOUNCE
        period, whatever the number of sockets joining or leaving."""
        if session_id not in self.presence_due:
            self.presence_due.add(session_id)
            self.spawn(self._broadcast_presence(session_id, settings.CAFES_CITES_PRESENCE_DEBOUNCE))

    async def _broadcast_presence(self, session_id, delay):
        await asyncio.sleep(delay)
        self.presence_due.discard(session_id)
        count = await database_sync_to_async(queries.presence_count)(session_id)
        await self.publish(
            services.room_group(session_id),
            {"type": "chat.presence", "room": session_id, "count": count},
        )

    # --- The tick ---------------------------------------------------------------------------

    async def _tick_forever(self):
        while True:
            await asyncio.sleep(settings.CAFES_CITES_LAYER_PROBE)
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("Chat hub tick failed")

    async def tick(self):
        now = time.monotonic()
        if self.unsubscribed:
            await self.subscribe_pending()
        try:
            await self.layer.group_send(self.echo_group, {"type": "hub.echo"})
        except Exception as error:
            logger.warning("Chat hub: channel layer unreachable: %r", error)
            await self.set_live("degraded")
        if now - self.last_echo > settings.CAFES_CITES_LAYER_SILENCE:
            await self.set_live("degraded")
        await self.catch_up()
        if now - self.beat_at >= settings.CAFES_CITES_PRESENCE_HEARTBEAT:
            self.beat_at = now
            await self.beat()
        if now - self.recheck_at >= settings.CAFES_CITES_CHAT_AUTH_RECHECK:
            self.recheck_at = now
            await self.recheck([target for target in self.sockets if target.ready])

    async def catch_up(self, force=False):
        """One query for all the rooms: deliver what the layer did not bring. While the layer
        is fine, only for a room that was behind at the previous tick and has received nothing
        since (its last event was lost; a room merely lagging, as under load, keeps being fed by
        the layer and costs no read); while degraded, everything at once, and the presence
        counts."""
        if not self.rooms:
            return
        counters = await database_sync_to_async(queries.room_counters)(list(self.rooms))
        degraded = force or self.live == "degraded"
        for session_id, (seq, count) in counters.items():
            room = self.rooms.get(session_id)
            if room is None:
                continue
            if seq > room.cursor:
                stalled = room.behind is not None and room.behind[1] == room.cursor
                if degraded or stalled:
                    await self.advance(room, up_to=seq)
                room.behind = (seq, room.cursor)
            else:
                room.behind = None
            if degraded and count != room.presence:
                await self.tell_presence(room, count)

    async def beat(self):
        """The process's heartbeat: vouches for its sockets' presence rows, removes dead
        processes' rows; the rooms whose count changed are told."""
        mine = [(t.session_id, t.user.pk, t.socket_id) for t in self.sockets if t.present]
        changed = await database_sync_to_async(services.process_heartbeat)(
            self.process_id, self.name, mine
        )
        for session_id in sorted(changed):
            self.presence_changed(session_id)

    async def recheck(self, targets):
        """Close the sockets whose Django session no longer authenticates their user."""
        if not targets:
            return
        pairs = [(target.user.pk, target.auth_session_key) for target in targets]
        valid = await database_sync_to_async(valid_sessions)(pairs)
        for target, pair in zip(targets, pairs, strict=True):
            if pair not in valid:
                await target.expire()
