from django.apps import AppConfig


class ProConnectConfig(AppConfig):
    """Only there so that allauth's provider registry imports accounts.proconnect.provider."""

    name = "accounts.proconnect"
    label = "proconnect"
    verbose_name = "ProConnect"

    def ready(self):
        from allauth.account.signals import user_logged_in

        from accounts.proconnect.session import remember_id_token

        user_logged_in.connect(remember_id_token, dispatch_uid="proconnect_remember_id_token")
