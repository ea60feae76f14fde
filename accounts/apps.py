from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Comptes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.roles import ensure_anct_group

        post_migrate.connect(ensure_anct_group, sender=self)
