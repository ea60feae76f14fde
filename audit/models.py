"""The audit log: who did which moderation or administration action, on what, when.

Entries are written by the services of the other apps (audit.services.record_action) and are
never edited; the Wagtail admin lists them read-only. Labels are snapshots taken at the time of the
action, so an entry stays readable after its target is deleted; an erased account is never named.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class Action(models.TextChoices):
    GROUP_CREATE = "group.create", "Groupe créé"
    GROUP_UPDATE = "group.update", "Groupe modifié"
    MEMBER_ADD = "group.member.add", "Membre ajouté à un groupe"
    POST_HIDE = "group.post.hide", "Message masqué"
    POST_UNHIDE = "group.post.unhide", "Message rendu visible"
    MEMBER_REMOVE = "group.member.remove", "Membre retiré d'un groupe"
    MEMBER_ROLE = "group.member.role", "Rôle modifié dans un groupe"
    ANIMATEUR_SUCCESSION = (
        "group.animateur.succession",
        "Animateur nommé à la place d'un compte supprimé",
    )
    GROUP_ORPHANED = "group.orphaned", "Groupe resté sans animateur"
    REQUEST_APPROVE = "group.request.approve", "Demande d'adhésion acceptée"
    REQUEST_REFUSE = "group.request.refuse", "Demande d'adhésion refusée"
    CHAT_DELETE = "chat.message.delete", "Message du chat supprimé"
    CHAT_MUTE = "chat.user.mute", "Participant rendu muet dans le chat"
    ACCOUNT_DELETE = "account.delete", "Compte supprimé par son titulaire"
    ACCOUNT_ANONYMISE = "account.anonymise", "Compte inactif anonymisé"
    ACCOUNT_ADMIN_ERASE = "account.admin_erase", "Compte supprimé par un administrateur"
    RETENTION_CHAT = "retention.chat", "Archives de chat effacées (durée de conservation)"
    PILOTAGE_CAMPAIGN_OPEN = "pilotage.campaign.open", "Campagne de pilotage ouverte"
    PILOTAGE_CAMPAIGN_CLOSE = "pilotage.campaign.close", "Campagne de pilotage close"
    PILOTAGE_EXTEND = "pilotage.response.extend", "Questionnaire d'une cité prolongé"
    PILOTAGE_REOPEN = "pilotage.response.reopen", "Questionnaire d'une cité rouvert"
    PILOTAGE_SAVE = "pilotage.response.save", "Réponses au questionnaire enregistrées"
    PILOTAGE_SUBMIT = "pilotage.response.submit", "Questionnaire transmis à l'ANCT"
    PILOTAGE_REMIND = "pilotage.reminder.send", "Relance du questionnaire envoyée"
    LIBRARY_PROPOSE = "library.proposal.submit", "Document proposé à la bibliothèque"
    LIBRARY_PUBLISH = "library.proposal.publish", "Proposition publiée dans la bibliothèque"
    LIBRARY_REFUSE = "library.proposal.refuse", "Proposition non retenue par l'ANCT"
    LIBRARY_KIND = "library.proposal.kind", "Type d'une proposition changé"


class AuditEntry(models.Model):
    created_at = models.DateTimeField("date", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField("auteur", max_length=200, blank=True)
    action = models.CharField("action", max_length=40, choices=Action.choices, db_index=True)
    target_type = models.CharField("type de cible", max_length=100, blank=True, db_index=True)
    target_id = models.CharField("identifiant de la cible", max_length=64, blank=True)
    target_label = models.CharField("cible", max_length=255, blank=True)
    details = models.JSONField("détails", default=dict, blank=True, encoder=DjangoJSONEncoder)
    ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True)

    class Meta:
        verbose_name = "entrée du journal d'audit"
        verbose_name_plural = "journal d'audit"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"{self.get_action_display()} — {self.target_label or self.target_id}"

    def target_type_label(self):
        """The target's kind in French (« Message », « Adhésion »), from its model's verbose
        name, rather than the stored "groups.post"; the stored value when the model is gone."""
        from django.apps import apps
        from django.utils.text import capfirst

        if not self.target_type:
            return ""
        try:
            model = apps.get_model(self.target_type)
        except (LookupError, ValueError):
            return self.target_type
        return capfirst(model._meta.verbose_name)

    target_type_label.short_description = "type de cible"
