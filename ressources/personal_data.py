"""What ressources/ erases of an account (registered in accounts.personal_data, run by rgpd/):
its Bulletin de veille subscription, found by address."""

from ressources.models import Subscriber


def erase(user, old_email, new_email, files):
    Subscriber.objects.filter(email__iexact=old_email).delete()
