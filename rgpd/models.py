"""What rgpd/ remembers: which accounts were erased, and which inactive accounts were warned."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ErasedAccount(models.Model):
    """An erased account: the user row stays (what the person wrote stays in groups and chats,
    attributed to "Compte supprimé") but holds no personal data any more."""

    class Reason(models.TextChoices):
        SELF = "self", "Suppression par la personne"
        INACTIVE = "inactive", "Compte inactif"
        ADMIN = "admin", "Suppression par un administrateur"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rgpd_erasure"
    )
    reason = models.CharField("motif", max_length=10, choices=Reason.choices)
    erased_at = models.DateTimeField("date", default=timezone.now)

    class Meta:
        verbose_name = "compte supprimé"
        verbose_name_plural = "comptes supprimés"

    def __str__(self):
        return f"Compte supprimé n° {self.user_id}"


class InactivityWarning(models.Model):
    """The warning e-mail sent before an inactive account is anonymised. Written with the e-mail,
    so a resumed run never warns twice; a login after `sent_at` makes it void."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rgpd_inactivity_warning"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "avertissement d'inactivité"

    def __str__(self):
        return f"Avertissement du compte {self.user_id}"
