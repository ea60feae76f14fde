from django.apps import AppConfig


class RgpdConfig(AppConfig):
    name = "rgpd"
    verbose_name = "Données personnelles (RGPD)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from commons.conf import apply_defaults
        from rgpd.conf import DEFAULTS

        apply_defaults(DEFAULTS)
        from accounts.registry import register_profile_link

        register_profile_link("Mes données", "rgpd:my_data")
