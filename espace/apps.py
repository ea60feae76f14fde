from django.apps import AppConfig


class EspaceConfig(AppConfig):
    """Mon espace, the page of every notification setting, and replies by e-mail: above groups/,
    cafes_cites/, notifications/ and ressources/, whose services it calls."""

    name = "espace"
    verbose_name = "Mon espace"
    default_auto_field = "django.db.models.BigAutoField"
