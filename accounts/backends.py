from allauth.account.auth_backends import AuthenticationBackend
from django.conf import settings


class PlatformAuthenticationBackend(AuthenticationBackend):
    """allauth's backend (used by the site and the Wagtail admin), refusing demo accounts
    when DEBUG is off, for new logins and existing sessions alike."""

    def user_can_authenticate(self, user):
        if getattr(user, "is_demo", False) and not settings.DEBUG:
            return False
        return super().user_can_authenticate(user)
