"""What notifications/ erases of an account (registered in accounts.personal_data, run by
rgpd/)."""

from notifications.models import Notification


def erase(user, old_email, new_email, files):
    Notification.objects.filter(recipient=user).delete()
