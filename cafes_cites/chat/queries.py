"""The chat's reads, and the frames of the protocol (docs/chat-protocol.md) built from them.

Every frame a room's log produces is built here, from the same rows, whether it goes out live
(published after the commit), from a resumed history (`?after=`) or from a server process
reading the log it missed: the three are identical.

Protocol versions: version 2 (`?v=2`, the reference client) numbers every logged frame
(`seq`: messages, deletions, mutes) and resumes with `after=<seq>`; version 1 (clients
without `v`) resumes with `after=<message id>` and gets deletions and mutes without `seq`.
Message frames are the same text in both versions (encoded once).
"""

import datetime
import functools
import json

from django.conf import settings
from django.db import connection
from django.utils import timezone

from cafes_cites import permissions
from cafes_cites.chat.models import (
    ChatEvent,
    ChatEventKind,
    ChatMessage,
    ChatMute,
    ChatPresence,
    ChatProcess,
    ChatRoom,
)
from cafes_cites.models import Registration, RegistrationStatus, Session

PROTOCOL_VERSIONS = (1, 2)


def encode(payload):
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def author_payload(user, moderator=None):
    cite = getattr(user, "cite", None)
    return {
        "id": user.pk,
        "name": user.display_name,
        "organisation": cite.short_name if cite else user.organisation,
        "animateur": bool(moderator),
    }


def message_payload(event, moderator_ids=frozenset()):
    """The frame of a message event (its `message` loaded with author and cité)."""
    message = event.message
    return {
        "type": "message",
        "id": message.room_id,
        "seq": event.seq,
        "client_id": str(message.client_id),
        "author": author_payload(message.author, message.author_id in moderator_ids),
        "body_html": message.body_html,
        "question": message.is_question,
        "created_at": message.created_at.isoformat(),
    }


def event_payloads(event, moderator_ids=frozenset()):
    """(version 1 payload, version 2 payload) of any event; (None, None) for a message deleted
    since (its text is not sent again; the deletion's own event follows in the log)."""
    if event.kind == ChatEventKind.MESSAGE:
        if event.message.deleted_at is not None:
            return None, None
        payload = message_payload(event, moderator_ids)
        return payload, payload
    if event.kind == ChatEventKind.DELETED:
        old = {"type": "deleted", "id": event.message.room_id}
    else:
        old = {"type": "muted", "user": {"id": event.user.pk, "name": event.user.display_name}}
    return old, {**old, "seq": event.seq}


def layer_event(session_id, seq, payload, new_payload=None):
    """What the channel layer carries to each server process: the frame's text, encoded once
    (`text2`: the version 2 text when it differs)."""
    event = {"type": "chat.event", "room": session_id, "seq": seq, "text": encode(payload)}
    if new_payload is not None and new_payload is not payload:
        event["text2"] = encode(new_payload)
    return event


def _log(session_id):
    return ChatEvent.objects.filter(room__session_id=session_id).select_related(
        "message__author__cite", "user"
    )


def _with_moderators(events):
    """One query tells which message authors are animateurs."""
    return permissions.moderator_ids(
        {event.message.author_id for event in events if event.kind == ChatEventKind.MESSAGE}
    )


def layer_events_after(session_id, after, up_to=None):
    """The room's log after `after` (up to `up_to`), as layer events, in order: what a server
    process missed. At most CAFES_CITES_CHAT_RESUME_MAX, the most recent. Two queries."""
    rows = _log(session_id).filter(seq__gt=after)
    if up_to is not None:
        rows = rows.filter(seq__lte=up_to)
    limit = settings.CAFES_CITES_CHAT_RESUME_MAX
    rows = list(rows.order_by("-seq")[:limit])[::-1]
    moderators = _with_moderators(rows)
    events = []
    for row in rows:
        old, new = event_payloads(row, moderators)
        events.append(
            {"type": "chat.event", "room": session_id, "seq": row.seq, "skip": True}
            if old is None
            else layer_event(session_id, row.seq, old, new)
        )
    return events


def history(session_id, version, after, up_to):
    """The history frame of a connection: the room up to `up_to` (its counter when the
    connection read it; anything later arrives live).

    Without `after`: the CAFES_CITES_CHAT_HISTORY last messages. With `after` (a message id in
    version 1, a log number in version 2): exactly the messages after it, in order, and in
    version 2 the deletions and mutes after it too (`events`); at most
    CAFES_CITES_CHAT_RESUME_MAX entries, the most recent (`truncated`)."""
    rows = _log(session_id).filter(seq__lte=up_to)
    frame = {"type": "history", "resumed": after is not None, "truncated": False}
    if after is None:
        rows = rows.filter(kind=ChatEventKind.MESSAGE, message__deleted_at__isnull=True)
        rows = list(rows.order_by("-seq")[: settings.CAFES_CITES_CHAT_HISTORY])[::-1]
    else:
        limit = settings.CAFES_CITES_CHAT_RESUME_MAX
        if version == 1:
            rows = rows.filter(
                kind=ChatEventKind.MESSAGE,
                message__room_id__gt=after,
                message__deleted_at__isnull=True,
            )
        else:
            rows = rows.filter(seq__gt=after)
        rows = list(rows.order_by("-seq")[: limit + 1])[::-1]
        frame["truncated"] = len(rows) > limit
        rows = rows[-limit:]
    moderators = _with_moderators(rows)
    payloads = [event_payloads(row, moderators)[version - 1] for row in rows]
    frame["messages"] = [p for p in payloads if p is not None and p["type"] == "message"]
    if version == 1:
        # Messages the client may still show (id <= after), deleted by an animateur.
        frame["deleted"] = deleted_ids(session_id, after) if after else []
    else:
        frame["version"] = 2
        frame["events"] = [p for p in payloads if p is not None and p["type"] != "message"]
        frame["seq"] = up_to
    return frame


def deleted_ids(session_id, up_to):
    return list(
        ChatMessage.objects.filter(
            session_id=session_id, room_id__lte=up_to, deleted_at__isnull=False
        )
        .order_by("room_id")
        .values_list("room_id", flat=True)
    )


def room_counters(session_ids):
    """{session id: (last seq, people present)} of the given rooms, in one query: each server
    process's tick reads it for all its rooms."""
    return {
        session_id: (last_seq or 0, count)
        for session_id, last_seq, count in Session.objects.filter(pk__in=list(session_ids))
        .annotate(
            chat_seq=_room_seq(),
            chat_presence=_presence_subquery(),
        )
        .order_by()
        .values_list("pk", "chat_seq", "chat_presence")
    }


def _room_seq():
    from django.db.models import OuterRef, Subquery

    return Subquery(
        ChatRoom.objects.filter(session_id=OuterRef("pk")).order_by().values("last_seq")[:1]
    )


def _presence_subquery():
    from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    return Coalesce(
        Subquery(
            live_presence()
            .filter(session_id=OuterRef("pk"))
            .values("session_id")
            .annotate(count=Count("user_id", distinct=True))
            .values("count"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def room_seq(session_id):
    return (
        ChatRoom.objects.filter(session_id=session_id).values_list("last_seq", flat=True).first()
        or 0
    )


# --- Presence -------------------------------------------------------------------------------


def presence_stale_after():
    # Two heartbeats, and half of one more for a process that is merely late.
    return datetime.timedelta(seconds=2.5 * settings.CAFES_CITES_PRESENCE_HEARTBEAT)


def stale_before():
    return timezone.now() - presence_stale_after()


def live_presence():
    """Presence rows whose process is alive (heard from within two heartbeats)."""
    return ChatPresence.objects.filter(process__heartbeat_at__gt=stale_before()).order_by()


def presence_count(session_id):
    return live_presence().filter(session_id=session_id).values("user_id").distinct().count()


# --- Handshake --------------------------------------------------------------------------------


def chat_room_for(session_id, user):
    """The session, with what a new connection of `user` needs, in one query: the room's last
    number (`chat_seq`), may they post (`chat_muted`, `chat_registered`, `chat_moderator`), how
    many people are there (`chat_presence`, and `chat_present`: is this person among them).
    None if it does not exist.

    Written in SQL: a reconnection storm queues every handshake of a process on its database
    thread, and the same query through the ORM cost 2 to 3 ms of compilation per handshake
    (docs/benchmarks.md, issue #7). tests/cafes_cites/test_chat.py checks it against the
    Python rules (permissions.chat_post_refusal, presence_count)."""
    sql, moderator_params = _room_sql()
    stale = connection.ops.adapt_datetimefield_value(stale_before())
    params = [
        user.pk,  # muted
        user.pk,  # registered
        RegistrationStatus.CONFIRMED.value,
        stale,  # presence
        stale,  # present
        user.pk,
        user.pk,  # animateur
        *moderator_params,
        session_id,
    ]
    return next(iter(Session.objects.raw(sql, params)), None)


@functools.cache
def _room_sql():
    quote = connection.ops.quote_name

    def table(model):
        return quote(model._meta.db_table)

    def column(model, name, alias=None):
        return f"{alias or table(model)}.{quote(model._meta.get_field(name).column)}"

    session_id = column(Session, "id")
    fields = ", ".join(column(Session, name) for name in ("id", "start", "end", "is_cancelled"))

    def live(condition):
        return (
            f"FROM {table(ChatPresence)} p INNER JOIN {table(ChatProcess)} c "
            f"ON {column(ChatProcess, 'id', 'c')} = {column(ChatPresence, 'process', 'p')} "
            f"WHERE {column(ChatPresence, 'session', 'p')} = {session_id} "
            f"AND {column(ChatProcess, 'heartbeat_at', 'c')} > %s{condition}"
        )

    moderator, moderator_params = permissions.moderator_sql("%s")
    present = live(f" AND {column(ChatPresence, 'user', 'p')} = %s")
    # Identifiers come from the models' metadata (quoted), values are parameters.
    sql = (
        f"SELECT {fields}, "  # noqa: S608
        f"(SELECT {column(ChatRoom, 'last_seq', 'cr')} FROM {table(ChatRoom)} cr "
        f"WHERE {column(ChatRoom, 'session', 'cr')} = {session_id}) AS chat_seq, "
        f"EXISTS (SELECT 1 FROM {table(ChatMute)} m WHERE {column(ChatMute, 'session', 'm')} = "
        f"{session_id} AND {column(ChatMute, 'user', 'm')} = %s) AS chat_muted, "
        f"EXISTS (SELECT 1 FROM {table(Registration)} r "
        f"WHERE {column(Registration, 'session', 'r')} = {session_id} "
        f"AND {column(Registration, 'user', 'r')} = %s "
        f"AND {column(Registration, 'status', 'r')} = %s) AS chat_registered, "
        f"(SELECT COUNT(DISTINCT {column(ChatPresence, 'user', 'p')}) {live('')}) "
        f"AS chat_presence, "
        f"EXISTS (SELECT 1 {present}) "
        f"AS chat_present, "
        f"{moderator} AS chat_moderator "
        f"FROM {table(Session)} WHERE {session_id} = %s"
    )
    return sql, moderator_params


def chat_archive(session):
    messages = list(
        ChatMessage.objects.filter(session=session, deleted_at__isnull=True)
        .select_related("author__cite")
        .order_by("room_id")
    )
    moderator_ids = permissions.moderator_ids({message.author_id for message in messages})
    for message in messages:
        message.by_moderator = message.author_id in moderator_ids
    return messages
