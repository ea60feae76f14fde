"""What notifications/ erases of an account (registered in accounts.personal_data, run by
rgpd/)."""

from notifications.models import Notification


def erase(user, old_email, new_email, files):
    Notification.objects.filter(recipient=user).delete()


def export(user, out):
    from notifications.models import Notification

    return [
        {
            "titre": n.title,
            "lien": n.url,
            "source": n.source_label,
            "le": n.created_at,
            "lue_le": n.read_at,
            "envoyee_par_courriel_le": n.emailed_at,
        }
        for n in Notification.objects.filter(recipient=user).iterator(chunk_size=500)
    ]
