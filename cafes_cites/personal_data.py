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
