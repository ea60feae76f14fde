from django.apps import AppConfig
from django.db.models.signals import post_migrate


def grant_search_permissions(**kwargs):
    """post_migrate: the ANCT team edits the search thesaurus in the Wagtail admin. Granted by
    the host: search sits below accounts (where the ANCT role lives) and may not import it."""
    from django.contrib.auth.management import create_permissions

    from accounts.roles import add_anct_permissions

    # search is listed before django.contrib.auth: its permissions may not exist yet.
    create_permissions(kwargs["app_config"], verbosity=0, using=kwargs.get("using", "default"))
    add_anct_permissions(
        [("search", f"{action}_synonymgroup") for action in ("add", "change", "delete", "view")]
    )


class CdeSiteConfig(AppConfig):
    name = "cde_site"
    verbose_name = "Site des cités de l'emploi"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.apps import apps

        if apps.is_installed("search"):
            post_migrate.connect(grant_search_permissions, sender=apps.get_app_config("search"))

        # The host composes sibling apps that must not import each other: a café-cité question
        # left unanswered continues in the national group (cafes_cites.registry).
        if apps.is_installed("cafes_cites") and apps.is_installed("groups"):
            from cafes_cites.registry import register_question_destination
            from groups.registrations import open_national_discussion

            register_question_destination(open_national_discussion)

        # A group document proposed to the national library becomes a draft ressource in the
        # "Relecture ANCT" workflow (groups.registry).
        if apps.is_installed("groups") and apps.is_installed("ressources"):
            from groups.registry import register_library_destination
            from ressources.services import describe_proposal, proposal_kinds, propose_document

            register_library_destination(
                propose_document, describe=describe_proposal, kinds=proposal_kinds()
            )
        # Café-cité replays are offered to the bulletin de veille (ressources.bulletin_sources).
        if apps.is_installed("cafes_cites") and apps.is_installed("ressources"):
            from cafes_cites.bulletin import published_replays
            from ressources.bulletin_sources import register_bulletin_source

            register_bulletin_source("replay", "Replay de café-cité", published_replays)
        # Mon espace shows the cité's quarterly questionnaire due (espace.registry).
        if apps.is_installed("espace") and apps.is_installed("pilotage"):
            from espace.registry import register_home_section
            from pilotage.registrations import questionnaire_home_section

            register_home_section(questionnaire_home_section)
