"""In-app notifications, and the e-mail that may follow each one (at once or in a daily digest).

Apps that notify (groups/, later cafes_cites/) decide the e-mail mode from their own preferences;
this app only stores, lists, e-mails and unsubscribes.
"""

from django.conf import settings
from django.db import models


class EmailMode(models.TextChoices):
    EACH = "each", "Un courriel à chaque événement"
    DIGEST = "digest", "Un récapitulatif quotidien"
    NONE = "none", "Aucun courriel"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def digest_pending(self):
        return self.filter(email_mode=EmailMode.DIGEST, emailed_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30)
    title = models.CharField(max_length=255)
    url = models.CharField(max_length=300)
    # Where it comes from, e.g. "group:12" / "Groupe mobilité": for digests and unsubscribing.
    source_key = models.CharField(max_length=60, blank=True)
    source_label = models.CharField(max_length=150, blank=True)
    # What the notification is about, e.g. "post:42": the e-mail then carries that content (see
    # notifications.services.register_email_content).
    target_key = models.CharField(max_length=60, blank=True)
    email_mode = models.CharField(max_length=10, choices=EmailMode.choices, default=EmailMode.NONE)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.title


class OutboxEmail(models.Model):
    """An e-mail kept in the database instead of being sent (notifications.outbox, demo only):
    the demo's users read it on the outbox page."""

    subject = models.CharField(max_length=300)
    from_email = models.CharField(max_length=300)
    to = models.TextField()
    reply_to = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    html = models.TextField(blank=True)
    message = models.TextField(help_text="Le message complet (RFC 5322).")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "courriel de démonstration"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.subject
