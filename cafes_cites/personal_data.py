"""What cafes_cites/ erases of an account (registered in accounts.personal_data, run by rgpd/)."""

import datetime

from django.conf import settings
from django.utils import timezone

from audit.models import Action
from audit.services import record_action
from cafes_cites import services
from cafes_cites.models import CalendarToken, ChatMessage, ChatMute, ChatPresence, Registration
from commons.batches import delete_in_batches


def erase(user, old_email, new_email, files):
    upcoming = Registration.objects.filter(user=user, session__end__gt=timezone.now())
    for registration in upcoming.select_related("session"):
        services.unregister(user, registration.session)  # promotes the waiting list
    Registration.objects.filter(user=user).delete()
    CalendarToken.objects.filter(user=user).delete()
    ChatMute.objects.filter(user=user).delete()
    ChatPresence.objects.filter(user=user).delete()


def export(user, out):
    from cafes_cites.models import ChatMessage, ChatMute, Registration

    return {
        "inscriptions": [
            {
                "seance": r.session.label,
                "debut": r.session.start,
                "etat": r.get_status_display(),
                "le": r.created_at,
            }
            for r in Registration.objects.filter(user=user).select_related("session")
        ],
        "messages_chat": [
            {
                "seance": m.session.label,
                "texte": m.body,
                "question": m.is_question,
                "le": m.created_at,
                "supprime_le": m.deleted_at,
            }
            for m in ChatMessage.objects.filter(author=user)
            .select_related("session")
            .iterator(chunk_size=500)
        ],
        "suspensions_chat": [
            {"seance": m.session.label, "le": m.created_at}
            for m in ChatMute.objects.filter(user=user).select_related("session")
        ],
    }


def export_profile(user, out):
    """Joins profil.json: whether a personal calendar link exists (never the link itself)."""
    return {"lien_calendrier_personnel": CalendarToken.objects.filter(user=user).exists()}


def purge_chat_archives(now=None, progress=None, dry_run=False):
    """Delete café-cité chat messages (and mutes) RGPD_CHAT_RETENTION_DAYS days after the end of
    their session, in batches: an interrupted run resumes where it stopped. Called by rgpd's
    apply_retention (whose settings these are): rgpd/ reads no table of this app."""
    days = settings.RGPD_CHAT_RETENTION_DAYS
    if not days:
        return 0
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=days)
    expired = ChatMessage.objects.filter(session__end__lt=cutoff)
    if dry_run:
        return expired.count()
    done = delete_in_batches(expired, settings.RGPD_BATCH_SIZE, progress, "messages de chat")
    ChatMute.objects.filter(session__end__lt=cutoff).delete()
    if done:
        record_action(
            None,
            Action.RETENTION_CHAT,
            target_label=f"Séances terminées avant le {cutoff:%d/%m/%Y}",
            details={"messages": done, "cutoff": cutoff, "days": days},
        )
    return done
