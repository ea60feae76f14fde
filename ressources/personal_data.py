"""What ressources/ keeps about an account, its Bulletin de veille subscription (found by
address): exported and erased by the app (accounts.personal_data, run by rgpd/)."""

from ressources.models import Subscriber


def erase(user, old_email, new_email, files):
    Subscriber.objects.filter(email__iexact=old_email).delete()


def export(user, out):
    subscriber = Subscriber.objects.filter(email__iexact=user.email).first()
    if subscriber is None:
        return {"abonnement_bulletin": None}
    return {
        "abonnement_bulletin": {
            "adresse": subscriber.email,
            "tous_les_champs": subscriber.all_themes,
            "champs_d_action": list(subscriber.themes.values_list("label", flat=True)),
            "inscription": subscriber.created_at,
            "confirmation": subscriber.confirmed_at,
            "desinscription": subscriber.unsubscribed_at,
        }
    }
