"""Writes of espace/: saving the preferences page through each app's own services."""

from django.db import transaction

from cafes_cites import services as cafes_cites_services
from groups import services as group_services
from ressources import services as ressources_services
from ressources.models import Subscriber


def bulletin_subscriber(user):
    return Subscriber.objects.active().filter(email__iexact=user.email).first()


@transaction.atomic
def save_preferences(user, *, group_modes, reminders, bulletin, library=None):
    """Returns the French messages to show. Subscribing to the bulletin keeps its double opt-in:
    a confirmation e-mail goes out and nothing is stored until its link is followed."""
    notes = []
    for group, mode in group_modes.items():
        group_services.set_email_mode(group, user, mode)
    cafes_cites_services.set_reminders(user, reminders)
    if library is not None:
        ressources_services.set_library_email_mode(user, library)
    subscriber = bulletin_subscriber(user)
    if bulletin and subscriber is None:
        ressources_services.request_subscription(user.email, None)
        notes.append(
            f"Un courriel de confirmation de l'abonnement au bulletin de veille a été envoyé à "
            f"{user.email}."
        )
    elif not bulletin and subscriber is not None:
        ressources_services.unsubscribe(ressources_services.unsubscribe_token(subscriber))
        notes.append("Vous êtes désabonné(e) du bulletin de veille.")
    return notes
