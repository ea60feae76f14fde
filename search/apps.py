from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    verbose_name = "Recherche"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from commons.conf import apply_defaults
        from search.conf import DEFAULTS

        apply_defaults(DEFAULTS)
        from django.utils.module_loading import autodiscover_modules

        from search import indexing

        # Each app declares its searchable content in <app>/search_indexes.py.
        autodiscover_modules("search_indexes")
        indexing.connect_signals()
