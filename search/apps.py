from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    verbose_name = "Recherche"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from search import indexing
        from search.openapi import register as register_api

        # Each app declares its searchable content in <app>/search_indexes.py.
        autodiscover_modules("search_indexes")
        indexing.connect_signals()
        register_api()
