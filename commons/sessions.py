"""Sessions read from the cache and written through to the database (Django's `cached_db`),
that keep working while the cache is unreachable.

Production keeps the cache in Redis, which also carries the chat's channel layer. With Django's
`cached_db`, a session missing from the cache is read from the database and then written to
the cache without catching its failure: while Redis is down or restarting, every page (and the
chat's websocket handshake, which reads the session too) fails with an error, although the
database holds everything needed. Here the cache is skipped when it fails, for reading and for
the existence check of a new session key; writes already tolerate it in Django.

Deleting a session (logging out) still fails while the cache is down, as in Django, once the
database row is gone: a Redis restarted with its data would keep the session in its cache
(docs/deployment.md says to flush it after an outage).
"""

import logging

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            data = None  # unreachable (or an invalid key, as Django assumes): the database
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date))
        except Exception as error:
            logger.warning("Session cache unreachable, read from the database: %r", error)
        return data

    async def aload(self):
        try:
            data = await self._cache.aget(await self.acache_key())
        except Exception:
            data = None
        if data is not None:
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
            logger.warning("Session cache unreachable, read from the database: %r", error)
        return data

    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:  # noqa: S110 - the database answers below
            pass
        return DatabaseStore.exists(self, session_key)

    async def aexists(self, session_key):
        try:
            if session_key and await self._cache.ahas_key(self.cache_key_prefix + session_key):
                return True
        except Exception:  # noqa: S110 - the database answers below
            pass
        return await DatabaseStore.aexists(self, session_key)
