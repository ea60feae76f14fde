from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


def grant_anct_permissions(**kwargs):
    """post_migrate: the ANCT team edits the search thesaurus in the Wagtail admin."""
    from django.contrib.auth.management import create_permissions

    from accounts.roles import add_anct_permissions

    create_permissions(kwargs["app_config"], verbosity=0, using=kwargs.get("using", "default"))
    add_anct_permissions(
        [("search", f"{action}_synonymgroup") for action in ("add", "change", "delete", "view")]
    )


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    verbose_name = "Recherche"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from search import indexing, pipeline
        from search.models import SynonymGroup
        from search.openapi import register as register_api

        # Each app declares its searchable content in <app>/search_indexes.py.
        autodiscover_modules("search_indexes")
        indexing.connect_signals()
        register_api()
        post_migrate.connect(grant_anct_permissions, sender=self)
        for signal in (post_save, post_delete):
            signal.connect(
                pipeline.clear_thesaurus_cache,
                sender=SynonymGroup,
                dispatch_uid=f"thesaurus:{signal}",
            )
