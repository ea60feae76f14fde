"""Groups: one reserved space per cité, the national Opérateurs group, thematic working groups.

Who may see or do what is decided in groups/permissions.py only.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, TitleFieldPanel
from wagtail.admin.widgets.slug import SlugInput
from wagtail.search import index

from groups.storage import private_storage
from notifications.models import EmailMode


class Kind(models.TextChoices):
    CITE = "cite", "Groupe de cité"
    NATIONAL = "national", "Groupe national"
    WORKING = "working", "Groupe de travail"


class Access(models.TextChoices):
    RESERVED = "reserved", "Réservé (seuls les membres le voient)"
    OPEN = "open", "Ouvert (tout professionnel inscrit peut rejoindre)"
    ON_REQUEST = "on_request", "Sur demande (un animateur valide)"


class Role(models.TextChoices):
    ANIMATEUR = "animateur", "Animateur ou animatrice"
    MEMBRE = "membre", "Membre"


class GroupQuerySet(models.QuerySet):
    def for_member(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)

    def discoverable(self):
        """Groups whose existence registered professionals may see without being members."""
        return self.exclude(access=Access.RESERVED).filter(is_archived=False)


class Group(index.Indexed, ClusterableModel):
    name = models.CharField("nom", max_length=150)
    slug = models.SlugField("identifiant d'URL", unique=True, max_length=100)
    kind = models.CharField("type", max_length=10, choices=Kind.choices, default=Kind.WORKING)
    access = models.CharField("accès", max_length=12, choices=Access.choices)
    cite = models.OneToOneField(
        "cites.Cite",
        verbose_name="cité",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="group",
    )
    description = models.TextField("présentation", blank=True)
    themes = models.ManyToManyField(
        "themes.Theme", verbose_name="champs d'action", blank=True, related_name="groups"
    )
    is_archived = models.BooleanField("archivé", default=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    objects = GroupQuerySet.as_manager()

    panels = [
        # On a new group, the URL identifier follows the name as it is typed (Wagtail's sync).
        TitleFieldPanel("name", targets=["slug"]),
        FieldPanel("slug", widget=SlugInput),
        FieldPanel("kind"),
        FieldPanel("access"),
        FieldPanel("cite"),
        FieldPanel("description"),
        FieldPanel("themes"),
        FieldPanel("is_archived"),
        InlinePanel(
            "memberships", heading="Membres, animateurs et animatrices", label="membre du groupe"
        ),
    ]
    search_fields = [index.SearchField("name"), index.FilterField("access")]

    class Meta:
        verbose_name = "groupe"
        verbose_name_plural = "groupes"
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("groups:detail", kwargs={"slug": self.slug})

    @property
    def is_reserved(self):
        return self.access == Access.RESERVED


class Membership(models.Model):
    group = ParentalKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="personne",
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField("rôle", max_length=10, choices=Role.choices, default=Role.MEMBRE)
    email_mode = models.CharField(
        "courriels", max_length=10, choices=EmailMode.choices, default=EmailMode.DIGEST
    )
    joined_at = models.DateTimeField("membre depuis", auto_now_add=True)
    # When the member last opened the group: later activity is "unread" in Mon espace.
    last_seen_at = models.DateTimeField("dernière visite", null=True, blank=True)

    panels = [FieldPanel("user"), FieldPanel("role")]

    class Meta:
        verbose_name = "adhésion"
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="unique_membership"),
        ]

    def __str__(self):
        return f"{self.user} — {self.group}"

    @property
    def is_animateur(self):
        return self.role == Role.ANIMATEUR


def _invitation_token():
    return secrets.token_urlsafe(32)


def _invitation_expiry():
    return timezone.now() + timedelta(days=settings.GROUP_INVITATION_DAYS)


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("adresse électronique")
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "invitation"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.group}"

    def get_absolute_url(self):
        return reverse("groups:invitation", kwargs={"token": self.token})

    class State(models.TextChoices):
        """Derived from the dates (not stored): compared by value, shown by label."""

        PENDING = "pending", "en attente"
        ACCEPTED = "accepted", "acceptée"
        REVOKED = "revoked", "révoquée"
        EXPIRED = "expired", "expirée"

    @property
    def status(self):
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING


class JoinRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "En attente"
        APPROVED = "approved", "Acceptée"
        REFUSED = "refused", "Refusée"

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.TextField("message", blank=True, max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "demande d'adhésion"
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=models.Q(status="pending"),
                name="unique_pending_join_request",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.group} ({self.get_status_display()})"


class Thread(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="threads")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField("titre", max_length=200)
    is_pinned = models.BooleanField("épinglée", default=False)
    # A question: its author or an animateur marks one reply as the solution (shown first).
    is_question = models.BooleanField("question", default=False)
    solution = models.ForeignKey(
        "Post",
        verbose_name="solution",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "discussion"
        ordering = ["-is_pinned", "-last_activity_at"]
        # Mon espace's newest unanswered discussions across all of a person's groups.
        indexes = [models.Index(fields=["created_at"], name="groups_thread_created")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("groups:thread", kwargs={"slug": self.group.slug, "pk": self.pk})


class Post(models.Model):
    """The opening message of a thread (is_opening) or a reply. Body is sanitised HTML."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body_html = models.TextField()
    is_opening = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta:
        verbose_name = "message"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Message {self.pk} — {self.thread}"

    def get_absolute_url(self):
        return f"{self.thread.get_absolute_url()}#message-{self.pk}"

    @property
    def is_visible(self):
        return self.hidden_at is None and self.deleted_at is None


def attachment_path(instance, filename):
    # Random, unguessable storage name, like document versions; the original name stays in the
    # database only.
    return f"groupes/{instance.post.thread.group_id}/pj/{secrets.token_hex(16)}"


class Attachment(models.Model):
    """A file attached to a post: validated by its bytes and kept in private storage like group
    documents; images also get a small thumbnail, served through the same permission check."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, storage=private_storage, max_length=255)
    thumbnail = models.FileField(
        upload_to=attachment_path, storage=private_storage, max_length=255, blank=True
    )
    original_name = models.CharField(max_length=150)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"
        ordering = ["pk"]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self):
        return self.content_type.startswith("image/")

    def get_download_url(self):
        return reverse(
            "groups:attachment",
            kwargs={"slug": self.post.thread.group.slug, "pk": self.pk},
        )

    def get_thumbnail_url(self):
        return reverse(
            "groups:attachment_thumbnail",
            kwargs={"slug": self.post.thread.group.slug, "pk": self.pk},
        )


class Draft(models.Model):
    """An unfinished post, saved as the user types: a reply in a thread, or a new thread in a
    group (thread empty). Deleted when the post is published."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    # The "C'est une question" box of a new discussion, kept with its text.
    is_question = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "brouillon"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "thread"],
                condition=models.Q(thread__isnull=False),
                name="unique_reply_draft",
            ),
            models.UniqueConstraint(
                fields=["user", "group"],
                condition=models.Q(thread__isnull=True),
                name="unique_thread_draft",
            ),
        ]

    def __str__(self):
        return f"Brouillon de {self.user} — {self.thread or self.group}"


class Report(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField("motif", max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "signalement"

    def __str__(self):
        return f"Signalement du message {self.post_id}"


class Document(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField("titre", max_length=200)
    folder = models.CharField("dossier", max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "document"
        ordering = ["folder", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("groups:document", kwargs={"slug": self.group.slug, "pk": self.pk})

    @property
    def latest(self):
        return self.versions.order_by("-number").first()


def version_path(instance, filename):
    # Random, unguessable storage name; the original name is kept in the database only.
    return f"groupes/{instance.document.group_id}/{secrets.token_hex(16)}"


class TextStatus(models.TextChoices):
    """Where the reading of a version's text for search stands (groups.services)."""

    PENDING = "pending", "En attente"
    DONE = "done", "Extrait"
    FAILED = "failed", "Illisible"
    UNSUPPORTED = "unsupported", "Format non lu"


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=version_path, storage=private_storage, max_length=255)
    original_name = models.CharField(max_length=150)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    comment = models.CharField("note de version", max_length=255, blank=True)
    # Read after upload in the background, for search (members only, like the file). Large:
    # querysets that list versions defer it.
    text = models.TextField("texte extrait", blank=True)
    text_status = models.CharField(
        "lecture du texte", max_length=12, choices=TextStatus.choices, default=TextStatus.PENDING
    )
    text_extracted_at = models.DateTimeField("texte lu le", null=True, blank=True)

    class Meta:
        verbose_name = "version de document"
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_version_number"),
        ]

    def __str__(self):
        return f"{self.document} v{self.number}"

    def get_download_url(self):
        return reverse(
            "groups:download",
            kwargs={
                "slug": self.document.group.slug,
                "pk": self.document_id,
                "number": self.number,
            },
        )


class Activity(models.Model):
    """A line of the group's recent-activity feed, written by the services."""

    class Verb(models.TextChoices):
        THREAD = "thread", "a ouvert la discussion"
        REPLY = "reply", "a répondu à"
        DOCUMENT = "document", "a déposé le document"
        VERSION = "version", "a déposé une nouvelle version de"
        JOINED = "joined", "a rejoint le groupe"

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="activities")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    verb = models.CharField(max_length=10, choices=Verb.choices)
    target_title = models.CharField(max_length=200, blank=True)
    target_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "activité"
        ordering = ["-created_at", "-pk"]
        # Mon espace counts and lists each group's lines newer than the member's last visit.
        indexes = [models.Index(fields=["group", "created_at"], name="groups_activity_recent")]

    def __str__(self):
        return self.sentence

    @property
    def sentence(self):
        """The event in words, as Mon espace and the e-mails write it (groups.wording)."""
        from groups import wording

        actor = self.actor.display_name if self.actor else ""
        return wording.sentence(self.verb, actor=actor, title=self.target_title)
