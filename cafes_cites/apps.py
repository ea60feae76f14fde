from django.apps import AppConfig
from django.db.models.signals import post_migrate


def grant_anct_permissions(**kwargs):
    """post_migrate: ANCT edits series and sessions in the Wagtail admin."""
    from django.contrib.auth.management import create_permissions

    from accounts.roles import add_anct_permissions

    # This app is listed before django.contrib.auth: its permissions may not exist yet.
    create_permissions(kwargs["app_config"], verbosity=0, using=kwargs.get("using", "default"))
    add_anct_permissions(
        [
            ("cafes_cites", f"{action}_{model}")
            for model in ("series", "session")
            for action in ("add", "change", "delete", "view")
        ]
        + [("cafes_cites", "view_registration"), ("cafes_cites", "moderate_chat")]
    )


class CafesCitesConfig(AppConfig):
    name = "cafes_cites"
    verbose_name = "Cafés-cités"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cafes_cites.theme_sections import sessions_for_theme
        from themes.registry import register_theme_section

        register_theme_section(sessions_for_theme)
        post_migrate.connect(grant_anct_permissions, sender=self)
