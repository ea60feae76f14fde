from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


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

        from search import indexing, pipeline
        from search.models import SynonymGroup
        from search.openapi import register as register_api

        # Each app declares its searchable content in <app>/search_indexes.py.
        autodiscover_modules("search_indexes")
        indexing.connect_signals()
        register_api()
        for signal in (post_save, post_delete):
            signal.connect(
                pipeline.clear_thesaurus_cache,
                sender=SynonymGroup,
                dispatch_uid=f"thesaurus:{signal}",
            )
