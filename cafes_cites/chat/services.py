"""The chat's writes (protocol: docs/chat-protocol.md). Each is atomic, appends its event to the
room's log with the next number, and publishes the event after the commit.

Numbers: the room's row (`ChatRoom`) is locked by the UPDATE that hands out the next number and
stays locked until the commit, so numbers are committed in the order they are handed out: a
client resuming after N, or a server process reading the log after N, never skips one.
"""

import contextvars
import datetime
import uuid
from dataclasses import dataclass

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Subquery
from django.utils import timezone
from django.utils.html import strip_tags

from audit.models import Action
from audit.services import record_action
from cafes_cites import permissions
from cafes_cites.chat import queries
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
from commons.html import plain_text_to_html

# The chat hub of the event loop that handed the current call to a worker thread (set by the
# hub for its consumers; contextvars follow sync_to_async into the thread). Publishing then
# hands the event to that loop without waiting for Redis in the database thread.
publisher = contextvars.ContextVar("cafes_cites_chat_publisher", default=None)


class ChatError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message

    def as_payload(self):
        return {"type": "error", "code": self.code, "message": self.message}


def room_group(session_id):
    return f"cafe_cite_{session_id}"


def publish(group, event):
    """group_send on the channel layer: through the calling hub's loop, not waited for, when
    called from one of its consumers' worker threads; synchronously elsewhere (commands,
    views, tests without a loop)."""
    hub = publisher.get()
    if hub is not None and hub.loop.is_running():
        hub.loop.call_soon_threadsafe(hub.publish_soon, group, event)
    else:
        async_to_sync(get_channel_layer().group_send)(group, event)


def _publish_on_commit(session_id, event):
    group = room_group(session_id)
    transaction.on_commit(lambda: publish(group, event))


def _append(session_id, kind, *, message=None, user=None, new_message=False):
    """Hand out the room's next number (and the next message number with `new_message`) and
    store the event. The UPDATE locks the room's row until the commit."""
    room = ChatRoom.objects.filter(session_id=session_id)
    bump = {"last_seq": F("last_seq") + 1}
    if new_message:
        bump["last_message"] = F("last_message") + 1
    if not room.update(**bump):
        ChatRoom.objects.get_or_create(session_id=session_id)
        room.update(**bump)
    room_pk, seq, number = room.values_list("pk", "last_seq", "last_message").get()
    if new_message:
        message.room_id = number
        message.save(force_insert=True)
    return ChatEvent.objects.create(room_id=room_pk, seq=seq, kind=kind, message=message, user=user)


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
    body_html = plain_text_to_html(body)
    if not strip_tags(body_html).strip():
        # Only markup (`<img src=x>`): nothing would be shown.
        raise ChatError("empty", "Le message est vide une fois les balises HTML retirées.")
    return body, body_html


def _parse_client_id(client_id):
    try:
        return uuid.UUID(str(client_id))
    except (TypeError, ValueError, AttributeError):
        raise ChatError("invalid", "Message mal formé : client_id doit être un UUID.") from None


def post_message(user, session_id, body, client_id, is_question=False, now=None):
    """Persist first, publish on commit. A retried client_id returns the stored message and
    publishes nothing.

    The author's row is locked for the transaction (a caller that already holds it, like the
    consumer's session check, keeps it), so the client_id and rate checks of one person are
    exact across sockets and processes."""
    now = now or timezone.now()
    body, body_html = _validate_body(body)
    client_uuid = _parse_client_id(client_id)
    if not isinstance(is_question, bool):
        raise ChatError("invalid", "Message mal formé : question doit valoir true ou false.")
    limit, seconds = settings.CAFES_CITES_CHAT_RATE
    with transaction.atomic(savepoint=False):
        get_user_model()._default_manager.select_for_update().filter(pk=user.pk).exists()
        # One round trip reads everything the checks need (no ORDER BY: one row each).
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
            event = (
                ChatEvent.objects.select_related("message__author__cite")
                .filter(message_id=session.chat_existing, kind=ChatEventKind.MESSAGE)
                .get()
            )
            payload = queries.message_payload(event, {user.pk} if moderator else ())
            return PostResult(event.message, False, payload)
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
            body_html=body_html,
            is_question=is_question,
            created_at=now,
        )
        event = _append(session_id, ChatEventKind.MESSAGE, message=message, new_message=True)
        payload = queries.message_payload(event, {user.pk} if moderator else ())
        _publish_on_commit(session_id, queries.layer_event(session_id, event.seq, payload))
        return PostResult(message, True, payload)


def store_imported_message(message):
    """Append an already built message (demonstration data) to its room's log."""
    with transaction.atomic():
        return _append(message.session_id, ChatEventKind.MESSAGE, message=message, new_message=True)


def _require_moderator(user, session):
    if not permissions.can_moderate_chat(user, session):
        raise ChatError("forbidden", "Seuls les animateurs peuvent modérer le chat.")


@transaction.atomic
def delete_message(moderator, session_id, room_id):
    session = Session.objects.get(pk=session_id)
    _require_moderator(moderator, session)
    message = ChatMessage.objects.filter(
        session=session, room_id=room_id, deleted_at__isnull=True
    ).first()
    if message is None:
        raise ChatError("not_found", "Ce message n'existe pas ou a déjà été supprimé.")
    # Checked again under the room's lock: two animateurs deleting at once log it once.
    event = _append(session_id, ChatEventKind.DELETED, message=message)
    if not ChatMessage.objects.filter(pk=message.pk, deleted_at__isnull=True).update(
        deleted_at=timezone.now(), deleted_by=moderator
    ):
        raise ChatError("not_found", "Ce message n'existe pas ou a déjà été supprimé.")
    record_action(
        moderator,
        Action.CHAT_DELETE,
        message,
        target_label=f"Message n° {room_id} — {session.label}",
        details={"session": session.pk, "room_id": room_id, "author_id": message.author_id},
    )
    _publish_on_commit(session_id, queries.layer_event(session_id, event.seq, *_frames(event)))


@transaction.atomic
def mute_user(moderator, session_id, user_id):
    session = Session.objects.get(pk=session_id)
    _require_moderator(moderator, session)
    user = get_user_model()._default_manager.filter(pk=user_id).first()
    if user is None:
        raise ChatError("not_found", "Ce participant n'existe pas.")
    if permissions.can_moderate_chat(user, session):
        raise ChatError("forbidden", "Un animateur ne peut pas être rendu muet.")
    _, created = ChatMute.objects.get_or_create(
        session=session, user=user, defaults={"muted_by": moderator}
    )
    if not created:
        return  # already muted: nothing new to log or tell
    event = _append(session_id, ChatEventKind.MUTED, user=user)
    record_action(
        moderator,
        Action.CHAT_MUTE,
        session,
        target_label=f"{user.display_name} — {session.label}",
        details={"session": session.pk, "user_id": user.pk},
    )
    _publish_on_commit(session_id, queries.layer_event(session_id, event.seq, *_frames(event)))


def _frames(event):
    """(v1 payload, v2 payload) of a deletion or a mute just logged."""
    return queries.event_payloads(event)


# --- Presence -------------------------------------------------------------------------------
# Each server process owns the presence rows of its sockets and vouches for them with its
# heartbeat (the hub's tick): a killed process's rows stop counting after two missed
# heartbeats and are deleted by the next heartbeat of any other process.


def register_process(name):
    return ChatProcess.objects.create(name=name, heartbeat_at=timezone.now()).pk


def forget_process(process_id):
    """The process's last socket closed: nothing left to vouch for."""
    ChatProcess.objects.filter(pk=process_id).delete()


def join_presence(session_id, user, channel_name, process_id):
    """`channel_name` is new for each socket: one INSERT."""
    ChatPresence.objects.create(
        channel_name=channel_name,
        session_id=session_id,
        user=user,
        process_id=process_id,
        seen_at=timezone.now(),
    )


def leave_presence(channel_name):
    ChatPresence.objects.filter(channel_name=channel_name).delete()


def broadcast_presence(session_id):
    count = queries.presence_count(session_id)
    publish(room_group(session_id), {"type": "chat.presence", "room": session_id, "count": count})


def process_heartbeat(process_id, name, sockets):
    """One heartbeat of a server process: vouch for its presence rows, then delete the
    processes (and their rows) not heard from within two heartbeats. Returns the ids of the
    sessions whose presence changed.

    `sockets`: (session id, user id, channel name) of the process's open sockets. Should
    another process have found this one dead (frozen) and deleted its rows, they are written
    again."""
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
            ChatProcess.objects.filter(heartbeat_at__lte=queries.stale_before())
            .select_for_update(skip_locked=True)  # another process may be cleaning them
            .values_list("pk", flat=True)
        )
        if stale:
            rows = ChatPresence.objects.filter(process_id__in=stale)
            changed |= set(rows.values_list("session_id", flat=True).distinct())
            rows.delete()
            ChatProcess.objects.filter(pk__in=stale).delete()
    return changed
