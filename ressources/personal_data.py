"""What ressources/ keeps about an account: its Bulletin de veille subscription (found by
address), the fiches it follows, its library e-mail setting, the documents it proposed and the
"utile / pas utile" it gave on its cité's suggestions:
exported and erased by the app (accounts.personal_data, run by rgpd/). Proposals are
contributions: kept, like group messages."""

from notifications.models import EmailMode
from ressources.models import (
    FicheFollow,
    LibraryEmailSetting,
    LibraryProposal,
    Subscriber,
    SuggestionFeedback,
)


def erase(user, old_email, new_email, files):
    Subscriber.objects.filter(email__iexact=old_email).delete()
    FicheFollow.objects.filter(user=user).delete()
    LibraryEmailSetting.objects.filter(user=user).delete()
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


def _library_email_mode(user):
    """The library e-mail setting in the words of the settings page, not its stored value."""
    setting = LibraryEmailSetting.objects.filter(user=user).first()
    if setting is None:
        return EmailMode.EACH.label
    return setting.get_email_mode_display()


def _library(user):
    return {
        "fiches_suivies": [
            {"fiche": follow.fiche.title, "depuis": follow.created_at}
            for follow in FicheFollow.objects.filter(user=user).select_related("fiche")
        ],
        "courriels_bibliotheque": _library_email_mode(user),
        "documents_proposes": [
            {
                "origine": proposal.source_label,
                "etat": proposal.get_status_display(),
                "proposee_le": proposal.created_at,
                "decidee_le": proposal.decided_at,
                "message": proposal.message,
            }
            for proposal in LibraryProposal.objects.filter(proposer=user)
        ],
    }


def export(user, out):
    subscriber = Subscriber.objects.filter(email__iexact=user.email).first()
    if subscriber is None:
        return {
            "abonnement_bulletin": None,
            "avis_suggestions": _feedback(user),
            **_library(user),
        }
    return {
        **_library(user),
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
