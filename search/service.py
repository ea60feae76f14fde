"""The one entry point views and the API call: pick Elasticsearch, fall back to the database."""

import logging

from search import registry
from search.backends import elastic
from search.backends.database import DatabaseBackend

logger = logging.getLogger(__name__)


def _elastic():
    backend = elastic.get_backend()
    if backend is None or elastic.is_marked_down(backend):
        return backend, False
    return backend, True


def search(user, request):
    """SearchResponse for `user` (privacy applied through the providers' audience tokens)."""
    audience = registry.audience_for(user)
    backend, usable = _elastic()
    if usable:
        try:
            return backend.search(request, audience)
        except Exception:  # transport error, timeout, missing index, server error
            logger.exception("Recherche Elasticsearch indisponible, repli sur la base")
            elastic.mark_down(backend)
    response = DatabaseBackend().search(request, audience)
    # Degraded only when a configured Elasticsearch is not answering: without ELASTICSEARCH_URL
    # (the demo, small instances) the database is the search engine, not a fallback.
    response.degraded = backend is not None
    return response


def suggest(user, prefix, limit=8):
    prefix = " ".join(prefix.split())[:100]
    if len(prefix) < 2:
        return []
    audience = registry.audience_for(user)
    backend, usable = _elastic()
    if usable:
        try:
            return backend.suggest(prefix, audience, limit)
        except Exception:
            logger.exception("Suggestions Elasticsearch indisponibles, repli sur la base")
            elastic.mark_down(backend)
    return DatabaseBackend().suggest(prefix, audience, limit)
