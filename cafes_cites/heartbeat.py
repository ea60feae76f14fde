"""Each server process's heartbeat, which vouches for the presence rows of its chat sockets.

A process registers itself (a `ChatProcess` row) when its first socket connects; its sockets'
presence rows name it. Every `CAFES_CITES_PRESENCE_HEARTBEAT` seconds it refreshes its row
(one UPDATE, whatever the number of sockets) and deletes the processes not heard from within
two heartbeats, with their rows: a killed process's sockets stop counting at once in
`services.presence_count`, and are cleaned up by the survivors (services.process_heartbeat).
The rooms whose count changed get a presence broadcast.

Keyed by event loop, like the relays of fanout.py: each test, and each server process, has its
own. A member (a chat consumer) provides `present`, `session_id`, `user` and `socket_id`.
"""

import asyncio
import logging
import os
import socket
import uuid

from channels.db import database_sync_to_async
from django.conf import settings

from cafes_cites import fanout, services

logger = logging.getLogger(__name__)

_processes = {}  # loop -> ProcessHeartbeat


class ProcessHeartbeat:
    def __init__(self):
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.process_id = None
        self.members = {}  # consumer -> None
        self.registration = None  # task creating the process's row
        self.task = None

    async def register(self, loop):
        self.process_id = await database_sync_to_async(services.register_process)(self.name)
        if _processes.get(loop) is not self:  # its sockets all left meanwhile
            await database_sync_to_async(services.forget_process)(self.process_id)
            return
        self.task = fanout.spawn(self.run())

    async def run(self):
        while True:
            await asyncio.sleep(settings.CAFES_CITES_PRESENCE_HEARTBEAT)
            await self.beat()

    async def beat(self):
        sockets = [
            (member.session_id, member.user.pk, member.socket_id)
            for member in self.members
            if member.present
        ]
        try:
            changed = await database_sync_to_async(services.process_heartbeat)(
                self.process_id, self.name, sockets
            )
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("Chat process heartbeat failed")
            return
        for session_id in sorted(changed):
            await broadcast_presence(session_id)


async def join(member):
    """Register `member` with its process, the process with the database if it is the first
    socket; returns the process id its presence row must carry."""
    loop = asyncio.get_running_loop()
    beat = _processes.get(loop)
    if beat is None:
        beat = _processes[loop] = ProcessHeartbeat()
        beat.registration = asyncio.ensure_future(beat.register(loop))
    beat.members[member] = None
    try:
        # Shielded: a socket closed during its handshake must not cancel the others' wait.
        await asyncio.shield(beat.registration)
    except Exception:
        await leave(member)
        raise
    return beat.process_id


async def leave(member):
    loop = asyncio.get_running_loop()
    beat = _processes.get(loop)
    if beat is None or member not in beat.members:
        return
    del beat.members[member]
    if beat.members:
        return
    del _processes[loop]
    if beat.task is not None:
        beat.task.cancel()
    if beat.process_id is not None:
        await database_sync_to_async(services.forget_process)(beat.process_id)


def current():
    """This process's heartbeat (tests: run a heartbeat now)."""
    return _processes.get(asyncio.get_running_loop())


async def broadcast_presence(session_id):
    try:
        await database_sync_to_async(services.broadcast_presence)(session_id)
    except Exception:
        logger.exception("Presence broadcast failed")
