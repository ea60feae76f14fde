"""The live chat's data: one room per café-cité session, and its append-only log of events.

`ChatRoom` owns the room's counters; only the chat's services write it (never the agenda's
forms or admin, which save `Session`). `ChatEvent` numbers everything that happens in a room
(messages, deletions, mutes) with one per-room sequence: a client resumes after the last
number it saw (`?after=`) and learns everything it missed, deletions and mutes included.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class ChatRoom(models.Model):
    session = models.OneToOneField(
        "cafes_cites.Session", on_delete=models.CASCADE, related_name="chat_room"
    )
    # Last event number handed out (every kind), the cursor of `after=` in protocol 2.
    last_seq = models.PositiveIntegerField(default=0)
    # Last message number handed out: messages keep their own consecutive numbers (the `id`
    # of message frames since protocol 1).
    last_message = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "salon de chat"

    def __str__(self):
        return f"Salon {self.session_id}"


class ChatEventKind(models.TextChoices):
    MESSAGE = "message", "Message"
    DELETED = "deleted", "Message supprimé"
    MUTED = "muted", "Participant rendu muet"


class ChatEvent(models.Model):
    """One entry of a room's log, numbered `seq` (1, 2, 3…, committed in that order: the room's
    row is locked from the number's allocation to the commit)."""

    room = models.ForeignKey(ChatRoom, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=ChatEventKind.choices)
    # The message posted (message) or removed (deleted).
    message = models.ForeignKey(
        "cafes_cites.ChatMessage", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The person silenced (muted).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["room", "seq"], name="cafe_cite_chat_event_seq")
        ]

    def __str__(self):
        return f"{self.room_id}#{self.seq} {self.kind}"


class ChatMessage(models.Model):
    session = models.ForeignKey(
        "cafes_cites.Session", on_delete=models.CASCADE, related_name="chat_messages"
    )
    # Per-room consecutive message number: the "id" of message frames (ChatRoom.last_message).
    room_id = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cafe_cite_messages"
    )
    client_id = models.UUIDField(default=uuid.uuid4)
    body = models.TextField()
    body_html = models.TextField()
    is_question = models.BooleanField(default=False)
    # Set when an animateur turned this question into a thread of the Opérateurs group.
    thread_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "message de chat"
        ordering = ["session", "room_id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "room_id"], name="cafe_cite_chat_room_id"),
            models.UniqueConstraint(
                fields=["session", "author", "client_id"], name="cafe_cite_chat_client_id"
            ),
        ]

    def __str__(self):
        return f"#{self.room_id} ({self.session_id})"


class ChatMute(models.Model):
    session = models.ForeignKey(
        "cafes_cites.Session", on_delete=models.CASCADE, related_name="chat_mutes"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    muted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="cafe_cite_one_mute")
        ]

    def __str__(self):
        return f"{self.user_id} muet ({self.session_id})"


class ChatProcess(models.Model):
    """A server process (its event loop) holding chat sockets. Its heartbeat vouches for its
    presence rows: a process not heard from for two heartbeats (killed, frozen) no longer
    counts, and the next heartbeat of any other process deletes it with its rows."""

    name = models.CharField(max_length=200, unique=True)  # host:pid:random, for the logs
    heartbeat_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return self.name


class ChatPresence(models.Model):
    """One row per open connection, owned by the process that holds the socket."""

    session = models.ForeignKey("cafes_cites.Session", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    process = models.ForeignKey(ChatProcess, on_delete=models.CASCADE, related_name="presences")
    channel_name = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField(default=timezone.now)  # when the socket joined

    class Meta:
        indexes = [models.Index(fields=["session", "user"])]  # distinct people of a room

    def __str__(self):
        return self.channel_name
