"""A redis-server of a test's own (loopback, free port, no persistence), which the fault
drills kill and start again on the same port: tests/cafes_cites/test_fault_redis.py and the browser drill of
tests/browser/test_cafes_cites.py."""

import subprocess
import time

import redis

from tests.utils import free_port

REDIS_SERVER = "/usr/bin/redis-server"
WAIT = 10  # seconds, upper bound of every wait-for-condition below


class PrivateRedis:
    """A redis-server of the test's own, which can be killed and restarted on the same port."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        options = f"--port {self.port} --bind 127.0.0.1 --appendonly no --daemonize no".split()
        self.process = subprocess.Popen(
            [REDIS_SERVER, *options, "--save", ""],  # no persistence: a restart starts empty
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + WAIT
        try:
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(f"redis-server exited ({self.process.returncode})")
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.02)
        finally:
            client.close()

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
        if self.process is not None:
            self.process.wait(timeout=WAIT)

    async def subscribers(self, channel):
        client = redis.asyncio.Redis(port=self.port)
        try:
            return dict(await client.pubsub_numsub(channel)).get(channel.encode(), 0)
        finally:
            await client.aclose()
