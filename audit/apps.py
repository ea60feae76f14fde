from django.apps import AppConfig
from django.db.models.signals import post_migrate


def grant_anct_permissions(**kwargs):
    """post_migrate: the ANCT team reads the audit log (and nobody edits it)."""
    from django.contrib.auth.management import create_permissions

    from accounts.roles import add_anct_permissions

    # This app is listed before django.contrib.auth: its permissions may not exist yet.
    create_permissions(kwargs["app_config"], verbosity=0, using=kwargs.get("using", "default"))
    add_anct_permissions([("audit", "view_auditentry")])


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Journal d'audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.personal_data import register_exporter
        from audit import personal_data

        register_exporter("journal.json", personal_data.export, order=60)
        post_migrate.connect(grant_anct_permissions, sender=self)
