from django.apps import AppConfig
from django.db.models.signals import post_migrate


def grant_anct_permissions(**kwargs):
    """post_migrate: ANCT edits the référentiel and the campaigns in the Wagtail admin."""
    from django.contrib.auth.management import create_permissions

    from accounts.roles import add_anct_permissions

    # This app is listed before django.contrib.auth: its permissions may not exist yet.
    create_permissions(kwargs["app_config"], verbosity=0, using=kwargs.get("using", "default"))
    add_anct_permissions(
        [
            ("pilotage", action + "_" + model)
            for model in ("indicator", "campaign")
            for action in ("add", "change", "view")
        ]
    )


class PilotageConfig(AppConfig):
    name = "pilotage"
    verbose_name = "Pilotage"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(grant_anct_permissions, sender=self)

        from cites.registry import register_cite_panel
        from pilotage.registrations import cite_pilotage_panel

        register_cite_panel(cite_pilotage_panel)

        from accounts.personal_data import register_exporter
        from pilotage.personal_data import personal_data

        register_exporter("pilotage.json", lambda user, out: personal_data(user), order=55)
