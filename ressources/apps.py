from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save


class RessourcesConfig(AppConfig):
    name = "ressources"
    verbose_name = "Ressources et veille"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ressources.api import register as register_api

        register_api()

        from commons.activity import register_activity_provider
        from ressources.activity import bulletin_activity

        register_activity_provider(bulletin_activity)

        from accounts.personal_data import register_eraser, register_exporter
        from ressources import personal_data

        register_eraser("ressources", personal_data.erase)
        register_exporter("ressources.json", personal_data.export, order=50)
        from ressources.models import RessourcesIndexPage
        from ressources.setup import attach_review_workflow, ensure_review_setup
        from ressources.theme_sections import ressources_for_theme
        from themes.registry import register_theme_section

        register_theme_section(ressources_for_theme)

        from cites.registry import register_cite_panel
        from ressources.theme_sections import propose_action_panel

        register_cite_panel(propose_action_panel)
        from ressources.cite_sections import cite_actions_section, cite_suggestions_section

        register_cite_panel(cite_actions_section)
        register_cite_panel(cite_suggestions_section)

        from ressources.bulletin_sources import register_bulletin_source
        from ressources.composition import published_ressources

        register_bulletin_source("page", "Ressource", published_ressources)
        post_migrate.connect(ensure_review_setup, sender=self)

        from wagtail.signals import page_published, task_rejected

        from notifications.services import register_email_content, register_unsubscribe_handler
        from ressources.services import (
            describe_library_emails,
            fiche_change_email_content,
            proposal_email_content,
            unsubscribe_library,
        )
        from ressources.signals import (
            replace_workflow_email_notifiers,
            ressource_published,
            review_task_rejected,
        )

        replace_workflow_email_notifiers()

        page_published.connect(ressource_published, dispatch_uid="ressources_published")
        task_rejected.connect(review_task_rejected, dispatch_uid="ressources_task_rejected")
        register_unsubscribe_handler("library", unsubscribe_library, describe_library_emails)
        register_email_content("proposal", proposal_email_content)
        register_email_content("fiche_change", fiche_change_email_content)
        post_save.connect(attach_review_workflow, sender=RessourcesIndexPage)
