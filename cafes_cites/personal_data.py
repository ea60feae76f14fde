"""What cafes_cites/ erases of an account (registered in accounts.personal_data, run by rgpd/)."""

from django.utils import timezone

from cafes_cites import services
from cafes_cites.models import CalendarToken, ChatMute, ChatPresence, Registration


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
