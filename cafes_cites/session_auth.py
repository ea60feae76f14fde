"""Is the Django session behind a chat socket still valid? And telling the server processes
when it may no longer be.

`valid_sessions` applies the rules of `django.contrib.auth.get_user` (session present and not
expired, allowed backend, user present and allowed to authenticate, session hash matching the
password) to many sockets in two queries, so that one process re-checks all its sockets at once.

Logout, password change, deactivation and deletion publish an event on the process-wide group
`AUTH_GROUP`; each server process's chat hub (cafes_cites/chat/hub.py) closes the sockets
concerned.
"""

import logging
from importlib import import_module
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user,
    get_user_model,
    load_backend,
)
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.crypto import constant_time_compare

AUTH_GROUP = "cafes_cites_auth"

logger = logging.getLogger(__name__)


def _session_store_class():
    return import_module(settings.SESSION_ENGINE).SessionStore


def _hash_matches(user, session_hash):
    if not session_hash or not hasattr(user, "get_session_auth_hash"):
        return not hasattr(user, "get_session_auth_hash")
    if constant_time_compare(session_hash, user.get_session_auth_hash()):
        return True
    # Still valid with a fallback secret (Django then rotates the hash on the next request).
    return any(
        constant_time_compare(session_hash, fallback)
        for fallback in user.get_session_auth_fallback_hash()
    )


def valid_sessions(pairs):
    """The subset of `pairs` ((user id, session key), …) whose session still authenticates that
    user. Two queries for database-backed sessions, whatever the number of pairs."""
    pairs = [(user_id, key) for user_id, key in pairs]
    store_class = _session_store_class()
    if not issubclass(store_class, DatabaseSessionStore):
        # Cache or cookie sessions: no bulk read, check one by one.
        return {
            (user_id, key)
            for user_id, key in pairs
            if key and _one_session_valid(store_class, user_id, key)
        }
    keys = {key for _, key in pairs if key}
    rows = (
        store_class.get_model_class()
        .objects.filter(session_key__in=keys, expire_date__gt=timezone.now())
        .values_list("session_key", "session_data")
    )
    decoder = store_class()
    data = {key: decoder.decode(raw) for key, raw in rows}
    users = get_user_model()._default_manager.in_bulk({user_id for user_id, _ in pairs})
    return {
        (user_id, key)
        for user_id, key in pairs
        if _authenticates(data.get(key), users.get(user_id), user_id)
    }


def _authenticates(session, user, user_id):
    """django.contrib.auth.get_user's rules, read-only, for a decoded session and its user."""
    if not session or user is None:
        return False
    try:
        if type(user)._meta.pk.to_python(session.get(SESSION_KEY)) != user_id:
            return False
    except Exception:
        return False  # a malformed session is simply not valid
    backend_path = session.get(BACKEND_SESSION_KEY)
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return False
    backend = load_backend(backend_path)
    can_authenticate = getattr(backend, "user_can_authenticate", None)
    if can_authenticate is not None and not can_authenticate(user):
        return False
    return _hash_matches(user, session.get(HASH_SESSION_KEY))


def _one_session_valid(store_class, user_id, key):
    user = get_user(SimpleNamespace(session=store_class(key)))
    return user.is_authenticated and user.pk == user_id


def session_still_valid(user_id, session_key, lock=False):
    """One socket's check, on each message it sends: one query (the user, with the session's
    data as a subquery) for database-backed sessions. `lock`: also lock the user's row for the
    current transaction (services.post_message needs it: the same round trip serves both)."""
    if not session_key:
        return False
    store_class = _session_store_class()
    if not issubclass(store_class, DatabaseSessionStore):
        return _one_session_valid(store_class, user_id, session_key)
    data = (
        store_class.get_model_class()
        .objects.filter(session_key=session_key, expire_date__gt=timezone.now())
        .values("session_data")[:1]
    )
    users = get_user_model()._default_manager.filter(pk=user_id)
    if lock:
        users = users.select_for_update(of=("self",))
    user = next(iter(users.annotate(chat_session_data=Subquery(data)).order_by()[:1]), None)
    if user is None or user.chat_session_data is None:
        return False
    return _authenticates(store_class().decode(user.chat_session_data), user, user_id)


# --- Telling the server processes ----------------------------------------------------------------


def _publish(event):
    """Best effort: the periodic re-check still catches what an unreachable channel layer
    would lose, and a logout or a password change must never fail because of the chat."""
    from cafes_cites.chat import services

    try:
        services.publish(AUTH_GROUP, event)
    except Exception as error:
        logger.warning("Could not tell the chat servers about %s: %r", event["type"], error)


def on_logged_out(sender, request=None, user=None, **kwargs):
    """Logout: the sockets opened with this session close at once (other sessions of the same
    person, in other browsers, stay open)."""
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None)
    if user is not None and key:
        _publish({"type": "auth.logout", "user_id": user.pk, "session_key": key})


def on_user_saved(sender, instance, created=False, update_fields=None, **kwargs):
    """Password change, deactivation: the user's sockets are re-checked at once (after commit, so
    the processes read the new state). A login only updates last_login: nothing to check."""
    if created or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    user_id = instance.pk
    transaction.on_commit(lambda: _publish({"type": "auth.changed", "user_id": user_id}))


def on_user_deleted(sender, instance, **kwargs):
    user_id = instance.pk
    transaction.on_commit(lambda: _publish({"type": "auth.changed", "user_id": user_id}))
