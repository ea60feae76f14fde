"""Writes of espace/: saving the preferences page through each app's own services."""

from allauth.account.models import EmailAddress
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


def has_verified_email(user):
    """Is the account's address one its owner proved they read (allauth's verification, or an
    identity provider that vouches for it)?"""
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


@transaction.atomic
def save_preferences(
    user, *, group_modes, reminders, bulletin, library=None, ip=None, bulletin_themes=None
):
    """Returns the French messages to show. `bulletin_themes`: the champs d'action chosen (slugs),
    None for the whole bulletin.

    The bulletin's double opt-in proves that whoever subscribes an address reads it. An account
    whose address is verified has proved it already: it is subscribed at once, with its champs.
    Otherwise a confirmation e-mail goes out (within the bulletin's rate limit) and nothing is
    subscribed until its link is followed; meanwhile the page shows the request as pending."""
    notes = []
    for group, mode in group_modes.items():
        group_services.set_email_mode(group, user, mode)
    cafes_cites_services.set_reminders(user, reminders)
    if library is not None:
        ressources_services.set_library_email_mode(user, library)
    state, _since = bulletin_state(user)
    if bulletin and state == "subscribed":
        subscriber = bulletin_subscriber(user)
        if subscriber.chosen_theme_slugs() != set(bulletin_themes or ()):
            ressources_services.set_subscriber_themes(subscriber, bulletin_themes)
            notes.append("Les champs d'action de votre bulletin de veille sont enregistrés.")
    elif bulletin and has_verified_email(user):
        ressources_services.confirm_subscription(user.email, bulletin_themes)
        ressources_services.forget_subscription_requests(user.email)
        notes.append(f"Vous êtes abonné(e) au bulletin de veille, à l'adresse {user.email}.")
    elif bulletin and (
        state == "none"
        # Other champs than those of the pending link: a new link carries them (the page shows
        # the pending champs ticked, so saving again unchanged keeps the pending request).
        or ressources_services.pending_subscription_themes(user.email)
        != (sorted(bulletin_themes) if bulletin_themes else None)
    ):
        try:
            ressources_services.check_subscription_rate(user.email, ip)
        except ressources_services.TooManyRequests as refusal:
            notes.append(str(refusal))
        else:
            ressources_services.record_subscription_themes(user.email, bulletin_themes)
            ressources_services.request_subscription(user.email, bulletin_themes)
            notes.append(
                f"Un courriel de confirmation de l'abonnement au bulletin de veille a été envoyé "
                f"à {user.email} : ouvrez-le et suivez son lien pour confirmer"
                + (
                    # The links are signed, not stored: an earlier one still confirms its own
                    # champs. Said as it is.
                    " ; ce nouveau lien porte ces champs d'action (celui d'un courriel précédent "
                    "porte les anciens, modifiables ici ensuite)."
                    if state == "pending"
                    else "."
                )
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
