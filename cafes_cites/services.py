"""Every write of the cafés-cités app. Side effects (e-mails, broadcasts) run on commit."""

import datetime
import functools
import json
import os
import uuid
from dataclasses import dataclass

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from audit.models import Action
from audit.services import record_action
from cafes_cites import permissions
from cafes_cites.models import (
    CalendarToken,
    ChatMessage,
    ChatMute,
    ChatPresence,
    ChatProcess,
    Registration,
    RegistrationStatus,
    ReminderKind,
    ReminderSent,
    Series,
    Session,
    new_calendar_token,
)
from cafes_cites.recurrence import first_index_not_before
from commons.html import plain_text_to_html

# --- Scheduling -----------------------------------------------------------------------------


@transaction.atomic
def generate_upcoming_sessions(series, now=None):
    """Make sure the next `upcoming_count` slots of the series exist. Idempotent: slots are keyed
    by their index, so a moved or cancelled session is kept as is and never renumbered; new
    sessions take the next number after the highest one of the series."""
    now = now or timezone.now()
    series = Series.objects.select_for_update().get(pk=series.pk)
    if not series.is_active:
        return []
    first = first_index_not_before(series.first_date, series.local_time, series.interval_weeks, now)
    existing = set(
        series.sessions.filter(occurrence_index__gte=first).values_list(
            "occurrence_index", flat=True
        )
    )
    last_number = series.sessions.aggregate(last=Max("number"))["last"]
    next_number = series.first_number if last_number is None else last_number + 1
    created = []
    for index in range(first, first + series.upcoming_count):
        if index in existing:
            continue
        start, end = series.occurrence(index)
        session = Session.objects.create(
            series=series,
            occurrence_index=index,
            number=next_number,
            title=series.title,
            description=f"<p>{series.description}</p>" if series.description else "",
            start=start,
            end=end,
            capacity=series.default_capacity,
            video_url=series.default_video_url,
        )
        next_number += 1
        created.append(session)
    return created


def generate_all_upcoming_sessions(now=None):
    return [
        session
        for series in Series.objects.filter(is_active=True)
        for session in generate_upcoming_sessions(series, now)
    ]


def move_session(session, start, end):
    session.start, session.end = start, end
    session.save()  # save() bumps the calendar SEQUENCE
    return session


def cancel_session(session):
    session.is_cancelled = True
    session.save()
    return session


# --- Registration ---------------------------------------------------------------------------


class RegistrationError(Exception):
    pass


def _confirmed_count(session):
    return session.registrations.filter(status=RegistrationStatus.CONFIRMED).count()


def _enqueue_registration_email(registration):
    from cafes_cites.tasks import send_registration_email

    transaction.on_commit(lambda: send_registration_email.enqueue(registration.pk))


@transaction.atomic
def register(user, session):
    """Confirmed while seats remain, waiting list after. The session row is locked so two
    last-seat registrations cannot both be confirmed."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if not permissions.can_register(user, session):
        raise RegistrationError("Les inscriptions à cette séance sont closes.")
    existing = Registration.objects.filter(session=session, user=user).first()
    if existing:
        return existing
    full = session.capacity is not None and _confirmed_count(session) >= session.capacity
    registration = Registration.objects.create(
        session=session,
        user=user,
        status=RegistrationStatus.WAITING if full else RegistrationStatus.CONFIRMED,
    )
    _enqueue_registration_email(registration)
    return registration


@transaction.atomic
def unregister(user, session):
    """Frees the seat and promotes the first person of the waiting list (who is told by e-mail)."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    registration = Registration.objects.filter(session=session, user=user).first()
    if registration is None:
        return None
    was_confirmed = registration.is_confirmed
    registration.delete()
    promoted = None
    if was_confirmed and (session.capacity is None or _confirmed_count(session) < session.capacity):
        promoted = (
            session.registrations.filter(status=RegistrationStatus.WAITING)
            .order_by("created_at", "pk")
            .first()
        )
        if promoted:
            promoted.status = RegistrationStatus.CONFIRMED
            promoted.save(update_fields=["status"])
            _enqueue_registration_email(promoted)
    return promoted


def calendar_token_for(user):
    token, _ = CalendarToken.objects.get_or_create(user=user)
    return token


def regenerate_calendar_token(user):
    token = calendar_token_for(user)
    token.token = new_calendar_token()
    token.save(update_fields=["token"])
    return token


# --- Reminders ------------------------------------------------------------------------------

REMINDER_WINDOWS = {
    # kind: (due from this long before the start, until this long before the start)
    ReminderKind.DAY_BEFORE: (datetime.timedelta(hours=24), datetime.timedelta(hours=1)),
    ReminderKind.HOUR_BEFORE: (datetime.timedelta(hours=1), datetime.timedelta(0)),
}


def due_reminders(now=None):
    """(registration id, kind) pairs due now and not yet sent."""
    now = now or timezone.now()
    due = []
    for kind, (earliest, latest) in REMINDER_WINDOWS.items():
        registrations = (
            Registration.objects.filter(
                status=RegistrationStatus.CONFIRMED,
                session__is_cancelled=False,
                session__start__lte=now + earliest,
                session__start__gt=now + latest,
            )
            .exclude(pk__in=ReminderSent.objects.filter(kind=kind).values("registration_id"))
            .values_list("pk", flat=True)
        )
        due += [(pk, kind.value) for pk in registrations]
    return due


def enqueue_due_reminders(now=None):
    from cafes_cites.tasks import send_reminder

    due = due_reminders(now)
    for registration_id, kind in due:
        send_reminder.enqueue(registration_id, kind)
    return len(due)


# --- Chat -----------------------------------------------------------------------------------


class ChatError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message

    def as_payload(self):
        return {"type": "error", "code": self.code, "message": self.message}


def room_group(session_id):
    return f"cafe_cite_{session_id}"


def author_payload(user, moderator=None):
    cite = getattr(user, "cite", None)
    return {
        "id": user.pk,
        "name": user.display_name,
        "organisation": cite.short_name if cite else user.organisation,
        "animateur": bool(moderator),
    }


def message_payload(message, moderator_ids=frozenset()):
    return {
        "type": "message",
        "id": message.room_id,
        "client_id": str(message.client_id),
        "author": author_payload(message.author, message.author_id in moderator_ids),
        "body_html": message.body_html,
        "question": message.is_question,
        "created_at": message.created_at.isoformat(),
    }


def encode(payload):
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _calling_event_loop():
    """The running event loop whose thread handed this (sync) call to a worker thread
    (database_sync_to_async in a consumer, a sync view under ASGI), or None."""
    threadlocal = SyncToAsync.threadlocal
    loop = getattr(threadlocal, "main_event_loop", None)
    if (
        loop is None
        or getattr(threadlocal, "main_event_loop_pid", None) != os.getpid()
        or loop.is_closed()
        or not loop.is_running()
    ):
        return None
    return loop


def publish(group, event):
    """group_send on the channel layer. From a worker thread of a running event loop, the send
    is handed to that loop and not waited for: the database thread, shared by every socket of
    the process, must not wait for Redis (nor for a fan-out in progress) between two writes.
    Elsewhere (commands, WSGI, tests without a loop) it is sent synchronously."""
    from cafes_cites import fanout

    layer = get_channel_layer()
    loop = _calling_event_loop()
    if loop is None:
        async_to_sync(layer.group_send)(group, event)
    else:
        loop.call_soon_threadsafe(lambda: fanout.spawn(fanout.group_send(layer, group, event)))


def broadcast_on_commit(session_id, payload, message_id=None, **marks):
    """Encode once; the channel layer carries the text to each server process, whose relay
    hands the same string to every socket of the room. `marks` (`deleted`: the room id of a
    deleted message) let the relays recognise an event they also read from the database while
    the layer is down, and tell it once (fanout.RoomRelay)."""
    text = encode(payload)
    event = {"type": "chat.relay", "text": text, "id": message_id, **marks}
    transaction.on_commit(lambda: publish(room_group(session_id), event))


@dataclass
class PostResult:
    message: ChatMessage
    created: bool
    payload: dict


def _validate_body(body):
    if not isinstance(body, str) or not body.strip():
        raise ChatError("empty", "Le message est vide.")
    body = body.strip()
    limit = settings.CAFES_CITES_CHAT_MAX_LENGTH
    if len(body) > limit:
        raise ChatError("too_long", f"Le message dépasse {limit} caractères.")
    return body


def _parse_client_id(client_id):
    try:
        return uuid.UUID(str(client_id))
    except (TypeError, ValueError, AttributeError):
        raise ChatError("invalid", "Message mal formé : client_id doit être un UUID.") from None


def post_message(user, session_id, body, client_id, is_question=False, now=None):
    """Persist first, broadcast on commit. A retried client_id returns the stored message and
    broadcasts nothing.

    Concurrency: the author's row is locked for the transaction (a caller that already holds
    it, like the chat consumer's session check, keeps it), so the client_id and rate checks of
    one person are exact across sockets and processes. The room's row is locked only by the
    statement that hands out the next id and stores the message, until the commit: ids are
    handed out and committed in the same order, which is what lets `after=` resume without a
    gap, and the room is held for one round trip rather than four."""
    now = now or timezone.now()
    body = _validate_body(body)
    client_uuid = _parse_client_id(client_id)
    limit, seconds = settings.CAFES_CITES_CHAT_RATE
    with transaction.atomic(savepoint=False):
        get_user_model()._default_manager.select_for_update().filter(pk=user.pk).exists()
        # One round trip reads everything the checks need.
        # No ORDER BY anywhere (one row each): compiling orderings was a sixth of the CPU.
        mine = ChatMessage.objects.filter(session_id=OuterRef("pk"), author=user).order_by()
        rows = (
            Session.objects.annotate(
                chat_muted=Exists(ChatMute.objects.filter(session_id=OuterRef("pk"), user=user)),
                chat_registered=Exists(
                    Registration.objects.filter(
                        session_id=OuterRef("pk"), user=user, status=RegistrationStatus.CONFIRMED
                    )
                ),
                chat_existing=Subquery(mine.filter(client_id=client_uuid).values("pk")[:1]),
                chat_recent=Subquery(
                    mine.filter(created_at__gt=now - datetime.timedelta(seconds=seconds))
                    .values("session_id")
                    .annotate(count=Count("pk"))
                    .values("count")[:1]
                ),
                chat_moderator=permissions.is_moderator(user.pk),
            )
            .filter(pk=session_id)
            .order_by()[:1]
        )
        session = next(iter(rows), None)
        if session is None:
            raise ChatError("not_found", "Cette séance n'existe pas.")
        moderator = session.chat_moderator
        refusal = permissions.chat_post_refusal(
            user,
            session,
            now,
            muted=session.chat_muted,
            registered=session.chat_registered,
            moderator=moderator,
        )
        if refusal:
            raise ChatError(*refusal)
        if session.chat_existing:
            existing = ChatMessage.objects.select_related("author__cite").get(
                pk=session.chat_existing
            )
            return PostResult(
                existing, False, message_payload(existing, {user.pk} if moderator else ())
            )
        if (session.chat_recent or 0) >= limit and not moderator:
            raise ChatError(
                "rate_limited",
                f"Vous envoyez trop de messages : {limit} au plus toutes les {seconds} secondes.",
            )
        message = ChatMessage(
            session_id=session_id,
            author=user,
            client_id=client_uuid,
            body=body,
            body_html=plain_text_to_html(body),
            is_question=bool(is_question),
            created_at=now,
        )
        _store_with_next_room_id(message)
        payload = message_payload(message, {user.pk} if moderator else ())
        broadcast_on_commit(session_id, payload, message.room_id)
        return PostResult(message, True, payload)


def _store_with_next_room_id(message):
    """Increment the room's counter and insert `message` with it: one statement on PostgreSQL
    (the room's row lock is then held until the commit only), two elsewhere."""
    if connection.vendor != "postgresql":
        Session.objects.filter(pk=message.session_id).update(chat_last_id=F("chat_last_id") + 1)
        message.room_id = (
            Session.objects.filter(pk=message.session_id).values_list("chat_last_id", flat=True)
        ).get()
        message.save(force_insert=True)
        return
    quote = connection.ops.quote_name
    meta = ChatMessage._meta
    fields = [
        meta.get_field(name)
        for name in (
            "session",
            "author",
            "client_id",
            "body",
            "body_html",
            "is_question",
            "thread_url",
            "created_at",
        )
    ]
    columns = ", ".join(quote(field.column) for field in fields)
    counter = quote(Session._meta.get_field("chat_last_id").column)
    room_id = quote(meta.get_field("room_id").column)
    placeholders = ", ".join(["%s"] * len(fields))
    # Identifiers come from the models' metadata (quoted), values are parameters.
    sql = (
        f"WITH room AS (UPDATE {quote(Session._meta.db_table)} SET {counter} = {counter} + 1 "  # noqa: S608
        f"WHERE {quote(Session._meta.pk.column)} = %s RETURNING {counter}) "
        f"INSERT INTO {quote(meta.db_table)} ({columns}, {room_id}) "
        f"SELECT {placeholders}, room.{counter} FROM room "
        f"RETURNING {quote(meta.pk.column)}, {room_id}"
    )
    values = [
        field.get_db_prep_save(field.pre_save(message, add=True), connection) for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [message.session_id, *values])
        message.pk, message.room_id = cursor.fetchone()
    message._state.adding = False
    message._state.db = connection.alias


def _require_moderator(user, session):
    if not permissions.can_moderate_chat(user, session):
        raise ChatError("forbidden", "Seuls les animateurs peuvent modérer le chat.")


@transaction.atomic
def delete_message(moderator, session_id, room_id):
    session = Session.objects.get(pk=session_id)
    _require_moderator(moderator, session)
    updated = ChatMessage.objects.filter(
        session=session, room_id=room_id, deleted_at__isnull=True
    ).update(deleted_at=timezone.now(), deleted_by=moderator)
    if not updated:
        raise ChatError("not_found", "Ce message n'existe pas ou a déjà été supprimé.")
    message = ChatMessage.objects.get(session=session, room_id=room_id)
    record_action(
        moderator,
        Action.CHAT_DELETE,
        message,
        target_label=f"Message n° {room_id} — {session.label}",
        details={"session": session.pk, "room_id": room_id, "author_id": message.author_id},
    )
    broadcast_on_commit(session_id, {"type": "deleted", "id": room_id}, deleted=room_id)


@transaction.atomic
def mute_user(moderator, session_id, user_id):
    session = Session.objects.get(pk=session_id)
    _require_moderator(moderator, session)
    from accounts.models import User

    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise ChatError("not_found", "Ce participant n'existe pas.")
    if permissions.can_moderate_chat(user, session):
        raise ChatError("forbidden", "Un animateur ne peut pas être rendu muet.")
    _, created = ChatMute.objects.get_or_create(
        session=session, user=user, defaults={"muted_by": moderator}
    )
    if created:
        record_action(
            moderator,
            Action.CHAT_MUTE,
            session,
            target_label=f"{user.display_name} — {session.label}",
            details={"session": session.pk, "user_id": user.pk},
        )
    broadcast_on_commit(
        session_id, {"type": "muted", "user": {"id": user.pk, "name": user.display_name}}
    )


def chat_room_for(session_id, user):
    """The session, with what a new connection of `user` needs, in one query: may they post
    (`chat_muted`, `chat_registered`, `chat_moderator`), how many people are there
    (`chat_presence`, and `chat_present`: is this person among them). None if it does not
    exist.

    Written in SQL: a reconnection storm queues every handshake of a process on its database
    thread, and the same query through the ORM (four subqueries, an OR-ed permission check)
    cost 2 to 3 ms of compilation per handshake (docs/benchmarks.md, issue #7)."""
    sql, moderator_params = _room_sql()
    stale_before = connection.ops.adapt_datetimefield_value(_stale_before())
    params = [
        user.pk,  # muted
        user.pk,  # registered
        RegistrationStatus.CONFIRMED.value,
        stale_before,  # presence
        stale_before,  # present
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

    session = table(Session)
    session_id = column(Session, "id")
    fields = ", ".join(
        column(Session, name) for name in ("id", "start", "end", "is_cancelled", "chat_last_id")
    )

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
        f"FROM {session} WHERE {session_id} = %s"
    )
    return sql, moderator_params


def _payloads(rows):
    """Payloads of `rows` (ChatMessage with author and cité); one query tells which authors
    are animateurs."""
    moderator_ids = permissions.moderator_ids({row.author_id for row in rows})
    return [message_payload(row, moderator_ids) for row in rows]


def chat_history(session_id, after=None, last_id=None):
    """Messages to send on connect: the recent ones, or exactly those after `after`, in order.
    Returns (payloads, last id covered, truncated). `last_id`: the room's chat_last_id, when
    the caller read it before this call (then two queries, one if there is no message)."""
    messages = ChatMessage.objects.filter(
        session_id=session_id, deleted_at__isnull=True
    ).select_related("author__cite")
    if last_id is None:
        last_id = room_last_id(session_id)
    last_id = last_id or 0
    if after is None:
        rows = list(messages.order_by("-room_id")[: settings.CAFES_CITES_CHAT_HISTORY])[::-1]
        truncated = False
    else:
        limit = settings.CAFES_CITES_CHAT_RESUME_MAX
        rows = list(messages.filter(room_id__gt=after).order_by("room_id")[: limit + 1])
        truncated = len(rows) > limit
        rows = rows[-limit:] if truncated else rows
    covered = max([last_id, *(row.room_id for row in rows)])
    return _payloads(rows), covered, truncated


def room_last_id(session_id):
    """The room's last message id (its counter), 0 for an unknown or empty room."""
    return Session.objects.filter(pk=session_id).values_list("chat_last_id", flat=True).first() or 0


def gap_events(session_id, after, before=None):
    """Relay events of the room's messages with `after` < id < `before` (no upper bound when
    `before` is None), in order, encoded as a live delivery would be: what a process's relay
    missed while the channel layer was down (fanout.RoomRelay). Deleted messages are left out;
    at most CAFES_CITES_CHAT_RESUME_MAX, the most recent. Two queries (one if none)."""
    limit = settings.CAFES_CITES_CHAT_RESUME_MAX
    messages = ChatMessage.objects.filter(
        session_id=session_id, room_id__gt=after, deleted_at__isnull=True
    )
    if before is not None:
        messages = messages.filter(room_id__lt=before)
    rows = list(messages.select_related("author__cite").order_by("-room_id")[:limit])[::-1]
    return _relay_events(rows)


def _relay_events(rows):
    return [
        {"type": "chat.relay", "text": encode(payload), "id": payload["id"]}
        for payload in _payloads(rows)
    ]


@dataclass
class RoomNews:
    """What a room's relay reads from the database at each poll while the channel layer is
    down (services.poll_rooms, fanout.LayerMonitor)."""

    messages: list  # relay events of the messages after the relay's last id, in order
    deleted: list  # room ids of the messages deleted since the poll's `deleted_after`
    presence: int  # people connected through a live process


def poll_rooms(last_ids, deleted_after):
    """One poll of all the rooms of a server process while the channel layer is down, whatever
    their number: two queries when nothing was posted (the rooms' counters and presence counts;
    the deletions since `deleted_after`), two more otherwise (the new messages of every room
    that has some, their authors' animateur flags). `last_ids`: {session id: last id its relay
    delivered}. Returns {session id: RoomNews}; an unknown session is left out.

    Deleted messages are left out of `messages`, as in a resumed history; at most
    CAFES_CITES_CHAT_RESUME_MAX per room, the most recent."""
    if not last_ids:
        return {}
    presence = (
        live_presence()
        .filter(session_id=OuterRef("pk"))
        .values("session_id")
        .annotate(count=Count("user_id", distinct=True))
        .values("count")
    )
    rooms = {
        pk: (last_id or 0, count or 0)
        for pk, last_id, count in Session.objects.filter(pk__in=list(last_ids))
        .annotate(chat_presence=Subquery(presence))
        .order_by()
        .values_list("pk", "chat_last_id", "chat_presence")
    }
    deleted = {}
    for session_id, room_id in (
        ChatMessage.objects.filter(session_id__in=list(rooms), deleted_at__gt=deleted_after)
        .order_by("session_id", "room_id")
        .values_list("session_id", "room_id")
    ):
        deleted.setdefault(session_id, []).append(room_id)
    behind = Q(pk__in=[])
    for session_id, (room_last_id, _) in rooms.items():
        if room_last_id > last_ids[session_id]:
            behind |= Q(session_id=session_id, room_id__gt=last_ids[session_id])
    messages = {}
    rows = list(
        ChatMessage.objects.filter(behind, deleted_at__isnull=True)
        .select_related("author__cite")
        .order_by("session_id", "room_id")
    )
    for event, row in zip(_relay_events(rows), rows, strict=True):
        messages.setdefault(row.session_id, []).append(event)
    limit = settings.CAFES_CITES_CHAT_RESUME_MAX
    return {
        session_id: RoomNews(
            messages.get(session_id, [])[-limit:], deleted.get(session_id, []), count
        )
        for session_id, (_, count) in rooms.items()
    }


def deleted_ids(session_id, up_to):
    """Ids (at most `up_to`) of the room's messages deleted by an animateur: told to a client
    that resumes with after=`up_to`, which may still show some of them."""
    return list(
        ChatMessage.objects.filter(
            session_id=session_id, room_id__lte=up_to, deleted_at__isnull=False
        )
        .order_by("room_id")
        .values_list("room_id", flat=True)
    )


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


# --- Presence -------------------------------------------------------------------------------
# Each server process owns the presence rows of its sockets and vouches for them with its
# heartbeat (cafes_cites/heartbeat.py): a killed process's rows stop counting after two missed
# heartbeats and are deleted by the next heartbeat of any other process.


def presence_stale_after():
    # Two heartbeats, and half of one more for a process that is merely late.
    return datetime.timedelta(seconds=2.5 * settings.CAFES_CITES_PRESENCE_HEARTBEAT)


def _stale_before():
    return timezone.now() - presence_stale_after()


def live_presence():
    """Presence rows whose process is alive (heard from within two heartbeats)."""
    return ChatPresence.objects.filter(process__heartbeat_at__gt=_stale_before()).order_by()


def register_process(name):
    return ChatProcess.objects.create(name=name, heartbeat_at=timezone.now()).pk


def join_presence(session_id, user, channel_name, process_id):
    """`channel_name` is new for each socket: one INSERT (no update_or_create round trips)."""
    ChatPresence.objects.create(
        channel_name=channel_name,
        session_id=session_id,
        user=user,
        process_id=process_id,
        seen_at=timezone.now(),
    )


def leave_presence(channel_name):
    ChatPresence.objects.filter(channel_name=channel_name).delete()


def presence_count(session_id):
    return live_presence().filter(session_id=session_id).values("user_id").distinct().count()


def presence_event(count):
    """`presence`: the count, for the relays (fanout.RoomRelay), which tell a count read from
    the database while the layer is down only when it differs from the last one told."""
    return {
        "type": "chat.relay",
        "text": encode({"type": "presence", "count": count}),
        "id": None,
        "presence": count,
    }


def broadcast_presence(session_id):
    publish(room_group(session_id), presence_event(presence_count(session_id)))


def process_heartbeat(process_id, name, sockets):
    """One heartbeat of a server process: vouch for its presence rows, then delete the
    processes (and their rows) not heard from within two heartbeats. Returns the ids of the
    sessions whose presence changed, whose new count is to be broadcast.

    `sockets`: (session id, user id, channel name) of the process's open sockets. Should
    another process have found this one dead (frozen for two heartbeats) and deleted its
    rows, they are written again."""
    changed = set()
    with transaction.atomic():
        now = timezone.now()
        if not ChatProcess.objects.filter(pk=process_id).update(heartbeat_at=now):
            ChatProcess.objects.create(pk=process_id, name=name, heartbeat_at=now)
            ChatPresence.objects.bulk_create(
                ChatPresence(
                    process_id=process_id,
                    session_id=session_id,
                    user_id=user_id,
                    channel_name=channel_name,
                )
                for session_id, user_id, channel_name in sockets
            )
            changed |= {session_id for session_id, _, _ in sockets}
    with transaction.atomic():
        stale = list(
            ChatProcess.objects.filter(heartbeat_at__lte=_stale_before())
            .select_for_update(skip_locked=True)  # another process may be cleaning them
            .values_list("pk", flat=True)
        )
        if stale:
            rows = ChatPresence.objects.filter(process_id__in=stale)
            changed |= set(rows.values_list("session_id", flat=True).distinct())
            rows.delete()
            ChatProcess.objects.filter(pk__in=stale).delete()
    return changed


def forget_process(process_id):
    """The process's last socket closed: nothing left to vouch for."""
    ChatProcess.objects.filter(pk=process_id).delete()


def promote_question_to_thread(message, actor):
    """After the session, an animateur turns a question left unanswered into a discussion of the
    registered destination (groups/: the national Opérateurs group), so the network can answer
    it there. Once per question. Returns the discussion's URL."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils.html import strip_tags
    from django.utils.text import Truncator

    from cafes_cites.registry import question_destination

    session = message.session
    open_discussion = question_destination()
    if open_discussion is None or not permissions.can_moderate_chat(actor, session):
        raise PermissionDenied
    if not message.is_question or message.deleted_at:
        raise ValidationError(
            "Seules les questions encore visibles peuvent devenir une discussion."
        )
    if message.thread_url:
        raise ValidationError("Cette question a déjà été transformée en discussion.")
    author = message.author.display_name if message.author else "Compte supprimé"
    question = Truncator(strip_tags(message.body_html)).chars(90)
    url = open_discussion(
        actor,
        title=f"Question du {session.label} : {question}",
        body_html=(
            f"<p>Question posée par {author} pendant le {session.label} "
            f"({session.start:%d/%m/%Y}), restée sans réponse :</p>"
            f"<blockquote>{message.body_html}</blockquote>"
        ),
    )
    message.thread_url = url
    message.save(update_fields=["thread_url"])
    return url
