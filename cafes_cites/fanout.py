"""Process-local fan-out of a chat room.

The channel layer does what it is good at: carrying one event per server process. In each
process a single relay subscribes to the room's group and hands the already-encoded text to every
local socket of the room, instead of one channel-layer delivery, one dispatch and one JSON
encoding per recipient.
"""

import asyncio
import logging

from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

# (event loop, group) -> RoomRelay. Keyed by loop: each test (and each server process) has its own.
_relays = {}


class RoomRelay:
    def __init__(self, group):
        self.group = group
        self.members = set()
        self.layer = get_channel_layer()
        self.channel = None
        self.task = None
        self.ready = asyncio.Event()

    async def start(self):
        self.channel = await self.layer.new_channel()
        await self.layer.group_add(self.group, self.channel)
        self.task = asyncio.create_task(self._run())
        self.ready.set()

    async def stop(self):
        if self.task:
            self.task.cancel()
        try:
            await self.layer.group_discard(self.group, self.channel)
        except Exception:
            logger.exception("Relay %s: group_discard failed", self.group)

    async def _run(self):
        while True:
            try:
                event = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("Relay %s: receive failed", self.group)
                await asyncio.sleep(0.5)
                continue
            for member in list(self.members):
                try:
                    await member.relay(event)
                except Exception:
                    logger.exception("Relay %s: delivery failed", self.group)


async def join(group, member):
    key = (asyncio.get_running_loop(), group)
    relay = _relays.get(key)
    if relay is None:
        relay = _relays[key] = RoomRelay(group)
        relay.members.add(member)
        await relay.start()
    else:
        relay.members.add(member)
        await relay.ready.wait()
    return relay


async def leave(group, member):
    key = (asyncio.get_running_loop(), group)
    relay = _relays.get(key)
    if relay is None:
        return
    relay.members.discard(member)
    if not relay.members:
        del _relays[key]
        await relay.stop()
