"""Cafés-cités: series every N weeks, sessions, registrations, reminders and the live chat."""

import datetime
import secrets

from django.conf import settings
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils import timezone
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.search import index

from cafes_cites.recurrence import PARIS, occurrence_start

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class Series(models.Model):
    """A recurring café-cité: every `interval_weeks` weeks at a wall-clock time in Paris."""

    title = models.CharField("titre", max_length=200)
    description = models.TextField("description", blank=True)
    first_date = models.DateField(
        "date de la première séance générée",
        help_text="Les séances suivantes ont lieu toutes les N semaines à partir de cette date.",
    )
    local_time = models.TimeField("heure (Paris)", default=datetime.time(10, 0))
    duration_minutes = models.PositiveSmallIntegerField("durée (minutes)", default=60)
    interval_weeks = models.PositiveSmallIntegerField("toutes les (semaines)", default=3)
    first_number = models.PositiveIntegerField(
        "numéro de la première séance",
        default=1,
        help_text="La numérotation continue ensuite à partir du plus grand numéro existant.",
    )
    upcoming_count = models.PositiveSmallIntegerField(
        "séances à venir à générer", default=4, help_text="Horizon de génération automatique."
    )
    default_capacity = models.PositiveIntegerField(
        "capacité par défaut", null=True, blank=True, help_text="Vide : illimitée."
    )
    default_video_url = models.URLField("lien de visioconférence par défaut", blank=True)
    is_active = models.BooleanField("génération active", default=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("first_date"), FieldPanel("local_time")]),
        FieldRowPanel(
            [
                FieldPanel("interval_weeks"),
                FieldPanel("duration_minutes"),
                FieldPanel("first_number"),
            ]
        ),
        FieldRowPanel([FieldPanel("upcoming_count"), FieldPanel("is_active")]),
        FieldRowPanel([FieldPanel("default_capacity"), FieldPanel("default_video_url")]),
    ]

    class Meta:
        verbose_name = "série de cafés-cités"
        verbose_name_plural = "séries de cafés-cités"
        ordering = ["title"]

    def __str__(self):
        return self.title

    def occurrence(self, index):
        """(start, end) of the index-th slot, computed from the local date and time."""
        start = occurrence_start(self.first_date, self.local_time, self.interval_weeks, index)
        return start, start + datetime.timedelta(minutes=self.duration_minutes)


class SessionStatus(models.TextChoices):
    A_VENIR = "a_venir", "À venir"
    EN_COURS = "en_cours", "En cours"
    TERMINE = "termine", "Terminé"
    ANNULE = "annule", "Annulé"


class SessionQuerySet(models.QuerySet):
    # The pk breaks ties: a paginated list needs a total order, or sessions starting at the
    # same time may show on two pages or on none.
    def upcoming(self, now=None):
        return self.filter(end__gt=now or timezone.now()).order_by("start", "pk")

    def past(self, now=None):
        return self.filter(end__lte=now or timezone.now()).order_by("-start", "-pk")


class Session(index.Indexed, ClusterableModel):
    series = models.ForeignKey(
        Series,
        verbose_name="série",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
        help_text="Vide pour une séance ponctuelle (webinaire, groupe de travail).",
    )
    # Slot of the series this session was generated for; moving the session keeps it, so
    # generation stays idempotent and never renumbers.
    occurrence_index = models.PositiveIntegerField(null=True, blank=True, editable=False)
    number = models.PositiveIntegerField("numéro", null=True, blank=True)
    title = models.CharField("titre", max_length=200)
    themes = ParentalManyToManyField(
        "themes.Theme", verbose_name="champs d'action", blank=True, related_name="cafes_cites"
    )
    description = RichTextField("description", blank=True, features=RICH_TEXT_FEATURES)
    start = models.DateTimeField("début")
    end = models.DateTimeField("fin")
    video_url = models.URLField("lien de visioconférence", blank=True)
    capacity = models.PositiveIntegerField(
        "capacité", null=True, blank=True, help_text="Vide : illimitée."
    )
    is_cancelled = models.BooleanField("annulée", default=False)
    replay_url = models.URLField("lien du replay", blank=True)
    # Set when a replay link first appears (cleared with it): the bulletin de veille proposes
    # the replays published since its last issue (cafes_cites.bulletin).
    replay_published_at = models.DateTimeField(
        "publication du replay", null=True, blank=True, editable=False
    )
    compte_rendu = RichTextField("compte-rendu", blank=True, features=RICH_TEXT_FEATURES)
    # RFC 5545 SEQUENCE: bumped whenever the time changes or the session is cancelled.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    panels = [
        MultiFieldPanel(
            [FieldPanel("series"), FieldPanel("number"), FieldPanel("title")], heading="Séance"
        ),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        FieldPanel("themes"),
        FieldPanel("description"),
        InlinePanel("speakers", label="Intervenants"),
        FieldRowPanel([FieldPanel("video_url"), FieldPanel("capacity")]),
        FieldPanel("is_cancelled"),
        MultiFieldPanel(
            [
                FieldPanel("replay_url"),
                FieldPanel("compte_rendu"),
                InlinePanel("documents", label="Documents"),
            ],
            heading="Après la séance",
        ),
    ]
    search_fields = [
        index.SearchField("title"),
        index.SearchField("description"),
        index.AutocompleteField("title"),
    ]

    class Meta:
        verbose_name = "séance"
        verbose_name_plural = "séances"
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "occurrence_index"], name="cafe_cite_unique_series_slot"
            ),
            models.UniqueConstraint(fields=["series", "number"], name="cafe_cite_unique_number"),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="cafe_cite_end_after_start"
            ),
        ]
        permissions = [("moderate_chat", "Peut modérer le chat des cafés-cités")]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._tracked = self._calendar_state()

    def _calendar_state(self):
        # __dict__, not attributes: deferred fields must not trigger queries here.
        return tuple(self.__dict__.get(name) for name in ("start", "end", "is_cancelled", "title"))

    def save(self, *args, **kwargs):
        # Moves and cancellations must reach subscribed calendars: same UID, higher SEQUENCE.
        tracked = self._tracked
        # Read by signals.session_saved: registrants are told of a move or a cancellation.
        self._calendar_change = None
        if self.pk and None not in tracked and self._calendar_state() != tracked:
            state = self._calendar_state()
            if state[2] and not tracked[2]:
                self._calendar_change = "cancelled"
            elif state[:2] != tracked[:2] and not state[2]:
                self._calendar_change = "moved"
                # The move e-mail says what changed: "était prévu le …".
                self._previous_times = tracked[:2]
            self.sequence += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "sequence"}
        if "replay_url" in self.__dict__:
            if self.replay_url and self.replay_published_at is None:
                self.replay_published_at = timezone.now()
            elif not self.replay_url:
                self.replay_published_at = None
            if kwargs.get("update_fields") is not None and "replay_url" in kwargs["update_fields"]:
                kwargs["update_fields"] = {*kwargs["update_fields"], "replay_published_at"}
        super().save(*args, **kwargs)
        self._tracked = self._calendar_state()

    def __str__(self):
        return self.label

    @property
    @admin.display(description="séance")
    def label(self):
        return f"Café-cité #{self.number} — {self.title}" if self.number else self.title

    @property
    def local_start(self):
        return self.start.astimezone(PARIS)

    @property
    def local_end(self):
        return self.end.astimezone(PARIS)

    def get_absolute_url(self):
        return reverse("cafes_cites:session", kwargs={"pk": self.pk})

    @property
    def chat_path(self):
        # Websocket route of cafes_cites/routing.py (not part of the HTTP URLconf).
        return f"/ws/cafes-cites/{self.pk}/chat/"

    def status_at(self, now):
        if self.is_cancelled:
            return SessionStatus.ANNULE
        if now < self.start:
            return SessionStatus.A_VENIR
        if now < self.end:
            return SessionStatus.EN_COURS
        return SessionStatus.TERMINE

    @property
    def status(self):
        return self.status_at(timezone.now())

    @property
    @admin.display(description="état")
    def status_label(self):
        return self.status.label

    @property
    def is_past(self):
        return self.status == SessionStatus.TERMINE

    def chat_window(self):
        opens = self.start - datetime.timedelta(minutes=settings.CAFES_CITES_CHAT_OPENS_BEFORE)
        closes = self.end + datetime.timedelta(minutes=settings.CAFES_CITES_CHAT_CLOSES_AFTER)
        return opens, closes

    def chat_is_open(self, now=None):
        now = now or timezone.now()
        opens, closes = self.chat_window()
        return not self.is_cancelled and opens <= now < closes


class Speaker(Orderable):
    session = ParentalKey(Session, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField("nom", max_length=200)
    cite_name = models.CharField(
        "cité ou structure", max_length=200, blank=True, help_text="Ex. : Cité de l'emploi de Pau"
    )

    panels = [FieldPanel("name"), FieldPanel("cite_name")]

    class Meta(Orderable.Meta):
        verbose_name = "intervenant"

    def __str__(self):
        return f"{self.name} ({self.cite_name})" if self.cite_name else self.name


class SessionDocument(Orderable):
    session = ParentalKey(Session, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name="document", on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = "document"


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Inscrit"
    WAITING = "waiting", "Liste d'attente"


class Registration(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cafe_cite_registrations"
    )
    status = models.CharField(max_length=12, choices=RegistrationStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "inscription"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="cafe_cite_one_registration")
        ]

    def __str__(self):
        return f"{self.user} — {self.session}"

    @property
    def is_confirmed(self):
        return self.status == RegistrationStatus.CONFIRMED


class ReminderKind(models.TextChoices):
    DAY_BEFORE = "day_before", "La veille"
    HOUR_BEFORE = "hour_before", "Une heure avant"


class ReminderOptOut(models.Model):
    """A person who chose not to receive the reminders of the cafés-cités they register for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="cafe_cite_reminder_opt_out",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "refus des rappels"

    def __str__(self):
        return f"Pas de rappel pour {self.user_id}"


class ReminderSent(models.Model):
    """One row per (registration, kind): the unique constraint is what makes reminders once-only."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["registration", "kind"], name="cafe_cite_reminder_once")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — inscription {self.registration_id}"


def new_calendar_token():
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """Secret of the private "my registrations" feed; regenerating it revokes the old URL."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cafe_cite_calendar"
    )
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token)

    def __str__(self):
        return f"Calendrier de {self.user_id}"


# The chat's models live in cafes_cites/chat/; imported here so that Django registers them.
from cafes_cites.chat.models import (  # noqa: E402, F401
    ChatEvent,
    ChatEventKind,
    ChatMessage,
    ChatMute,
    ChatPresence,
    ChatProcess,
    ChatRoom,
)
