from django.apps import AppConfig


class RgpdConfig(AppConfig):
    name = "rgpd"
    verbose_name = "Données personnelles (RGPD)"
    default_auto_field = "django.db.models.BigAutoField"
