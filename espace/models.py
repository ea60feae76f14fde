"""Incoming e-mails (replies to notifications). One row per Message-ID, unique: the same message
delivered twice (MTA retry, IMAP poll and pipe both configured) is handled once. The rows also
count each sender's messages for the rate limit."""

from django.conf import settings
from django.db import models


class InboundStatus(models.TextChoices):
    RECEIVED = "received", "Reçu"
    POSTED = "posted", "Publié"
    REFUSED = "refused", "Refusé"
    IGNORED = "ignored", "Ignoré (réponse automatique ou message d'erreur)"


class InboundEmail(models.Model):
    message_id = models.CharField("Message-ID", max_length=255, unique=True)
    sender = models.EmailField("expéditeur", max_length=254, db_index=True)
    subject = models.CharField("objet", max_length=255, blank=True)
    size = models.PositiveIntegerField("taille (octets)", default=0)
    received_at = models.DateTimeField("reçu le", auto_now_add=True, db_index=True)
    status = models.CharField(
        "état", max_length=10, choices=InboundStatus.choices, default=InboundStatus.RECEIVED
    )
    # Why it was refused or ignored: a short code (see espace.inbound) and the French text sent.
    code = models.CharField("code", max_length=20, blank=True)
    reason = models.TextField("motif", blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    post = models.ForeignKey(
        "groups.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "courriel reçu"
        verbose_name_plural = "courriels reçus"
        ordering = ["-received_at", "-pk"]

    def __str__(self):
        return f"{self.sender} — {self.message_id}"
