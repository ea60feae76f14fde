from django.apps import AppConfig


class CitesConfig(AppConfig):
    name = "cites"
    verbose_name = "Cités de l'emploi"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cites.api import register as register_api

        register_api()
        from cites.theme_sections import cites_for_theme
        from themes.registry import register_theme_section

        register_theme_section(cites_for_theme)
