"""Writes of espace/: saving the preferences page through each app's own services."""

from django.db import transaction

from cafes_cites import services as cafes_cites_services
from groups import services as group_services
from ressources import services as ressources_services
from ressources.models import Subscriber


def bulletin_subscriber(user):
    return Subscriber.objects.active().filter(email__iexact=user.email).first()


def bulletin_state(user):
    """("subscribed" | "pending" | "none", date of the pending confirmation e-mail or None)."""
    if bulletin_subscriber(user) is not None:
        return "subscribed", None
    since = ressources_services.pending_subscription_since(user.email)
    return ("pending", since) if since else ("none", None)


@transaction.atomic
def save_preferences(user, *, group_modes, reminders, bulletin, library=None, ip=None):
    """Returns the French messages to show. Subscribing to the bulletin keeps its double opt-in:
    a confirmation e-mail goes out (within the bulletin's rate limit) and nothing is subscribed
    until its link is followed; meanwhile the page shows the request as pending."""
    notes = []
    for group, mode in group_modes.items():
        group_services.set_email_mode(group, user, mode)
    cafes_cites_services.set_reminders(user, reminders)
    if library is not None:
        ressources_services.set_library_email_mode(user, library)
    state, _since = bulletin_state(user)
    if bulletin and state == "none":
        try:
            ressources_services.check_subscription_rate(user.email, ip)
        except ressources_services.TooManyRequests as refusal:
            notes.append(str(refusal))
        else:
            ressources_services.request_subscription(user.email, None)
            notes.append(
                f"Un courriel de confirmation de l'abonnement au bulletin de veille a été envoyé "
                f"à {user.email} : ouvrez-le et suivez son lien pour confirmer."
            )
    elif bulletin and state == "pending":
        notes.append(
            f"Votre abonnement au bulletin de veille attend toujours votre confirmation : ouvrez "
            f"le courriel envoyé à {user.email}."
        )
    elif not bulletin and state == "pending":
        ressources_services.forget_subscription_requests(user.email)
        notes.append(
            "Demande d'abonnement au bulletin de veille abandonnée : ne suivez pas le lien du "
            "courriel de confirmation."
        )
    elif not bulletin and state == "subscribed":
        subscriber = bulletin_subscriber(user)
        ressources_services.unsubscribe(ressources_services.unsubscribe_token(subscriber))
        notes.append("Vous êtes désabonné(e) du bulletin de veille.")
    return notes
