"""The real services the platform relies on answer through Django's configuration."""

import asyncio
import os
import uuid

import pytest
from channels.layers import get_channel_layer
from django.core.cache import cache


def test_cache_roundtrip():
    key = f"test-{uuid.uuid4()}"
    cache.set(key, {"cité": "Saint-Omer"}, 10)
    assert cache.get(key) == {"cité": "Saint-Omer"}
    cache.delete(key)


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL non défini")
async def test_channel_layer_group_roundtrip_on_redis():
    layer = get_channel_layer()
    channel = await layer.new_channel()
    group = f"test-{uuid.uuid4().hex}"
    await layer.group_add(group, channel)
    await layer.group_send(group, {"type": "chat.message", "body": "bonjour"})
    message = await asyncio.wait_for(layer.receive(channel), timeout=5)
    assert message == {"type": "chat.message", "body": "bonjour"}
    await layer.group_discard(group, channel)
    await layer.flush()
