from django.apps import AppConfig


class CdeSiteConfig(AppConfig):
    name = "cde_site"
    verbose_name = "Site des cités de l'emploi"
    default_auto_field = "django.db.models.BigAutoField"
