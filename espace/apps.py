from django.apps import AppConfig


class EspaceConfig(AppConfig):
    """Mon espace, the page of every notification setting, and replies by e-mail: above groups/,
    cafes_cites/, notifications/ and ressources/, whose services it calls."""

    name = "espace"
    verbose_name = "Mon espace"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.personal_data import register_eraser, register_exporter
        from commons.conf import apply_defaults
        from espace import personal_data
        from espace.conf import DEFAULTS

        apply_defaults(DEFAULTS)
        register_eraser("espace", personal_data.erase)
        register_exporter("courriels_recus.json", personal_data.export, order=45)
