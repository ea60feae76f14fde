"""What ressources/ keeps about an account, its Bulletin de veille subscription (found by
address) and the "utile / pas utile" it gave on its cité's suggestions: exported and erased by
the app (accounts.personal_data, run by rgpd/)."""

from ressources.models import Subscriber, SuggestionFeedback


def erase(user, old_email, new_email, files):
    Subscriber.objects.filter(email__iexact=old_email).delete()
    # The opinion stays the cité's (it orders its suggestions); who gave it is forgotten.
    SuggestionFeedback.objects.filter(given_by=user).update(given_by=None)


def _feedback(user):
    return [
        {
            "cite": row.cite.name,
            "type": row.get_kind_display(),
            "identifiant": row.target_id,
            "utile": row.useful,
            "date": row.updated_at,
        }
        for row in SuggestionFeedback.objects.filter(given_by=user).select_related("cite")
    ]


def export(user, out):
    subscriber = Subscriber.objects.filter(email__iexact=user.email).first()
    if subscriber is None:
        return {"abonnement_bulletin": None, "avis_suggestions": _feedback(user)}
    return {
        "avis_suggestions": _feedback(user),
        "abonnement_bulletin": {
            "adresse": subscriber.email,
            "tous_les_champs": subscriber.all_themes,
            "champs_d_action": list(subscriber.themes.values_list("label", flat=True)),
            "inscription": subscriber.created_at,
            "confirmation": subscriber.confirmed_at,
            "desinscription": subscriber.unsubscribed_at,
        },
    }
