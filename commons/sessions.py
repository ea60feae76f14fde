"""Sessions read from the cache and written through to the database (Django's `cached_db`),
that keep working while the cache is unreachable.

Production keeps the cache in Redis, which also carries the chat's channel layer. With Django's
`cached_db`, a session missing from the cache is read from the database and then written to
the cache without catching its failure, and logging in or out deletes a cache key without
catching it either: while Redis is down or restarting, every page, every login and logout (and
the chat's websocket handshake, which reads the session too) fails with an error, although the
database holds everything needed. Here the cache is skipped when it fails.

A deletion the cache missed (a logout during the outage) must not come back when the cache
does: for SESSION_CACHE_DISTRUST_SECONDS after this process last saw the cache fail, a session
found in the cache is confirmed by the database, which has the last word. A process that saw
no failure trusts its cache hits; a Redis restarted *with its data* should still be flushed
after an outage (docs/deployment.md).
"""

import logging
import time

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore

logger = logging.getLogger("django.contrib.sessions")

_last_failure = None  # time.monotonic() of this process's last cache failure


def _cache_failed(action, error):
    global _last_failure
    _last_failure = time.monotonic()
    logger.warning("Session cache unreachable (%s), the database answers: %r", action, error)


def _cache_distrusted():
    window = getattr(settings, "SESSION_CACHE_DISTRUST_SECONDS", 3600)
    return _last_failure is not None and time.monotonic() - _last_failure < window


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception as error:  # unreachable (or an invalid key, as Django assumes)
            _cache_failed("lecture", error)
            data = None
        if data is not None and not _cache_distrusted():
            return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date))
        except Exception as error:
            _cache_failed("écriture", error)
        return data

    async def aload(self):
        try:
            data = await self._cache.aget(await self.acache_key())
        except Exception as error:
            _cache_failed("lecture", error)
            data = None
        if data is not None and not _cache_distrusted():
            return data
        stored = await self._aget_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        try:
            await self._cache.aset(
                await self.acache_key(),
                data,
                await self.aget_expiry_age(expiry=stored.expire_date),
            )
        except Exception as error:
            _cache_failed("écriture", error)
        return data

    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception as error:
            _cache_failed("existence", error)
        return DatabaseStore.exists(self, session_key)

    async def aexists(self, session_key):
        try:
            if session_key and await self._cache.ahas_key(self.cache_key_prefix + session_key):
                return True
        except Exception as error:
            _cache_failed("existence", error)
        return await DatabaseStore.aexists(self, session_key)

    def delete(self, session_key=None):
        DatabaseStore.delete(self, session_key)
        session_key = session_key or self.session_key
        if session_key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception as error:
            _cache_failed("suppression", error)

    async def adelete(self, session_key=None):
        await DatabaseStore.adelete(self, session_key)
        session_key = session_key or self.session_key
        if session_key is None:
            return
        try:
            await self._cache.adelete(self.cache_key_prefix + session_key)
        except Exception as error:
            _cache_failed("suppression", error)
