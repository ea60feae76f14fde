from django.apps import AppConfig


class CdeSiteConfig(AppConfig):
    name = "cde_site"
    verbose_name = "Site des cités de l'emploi"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.apps import apps

        # The host composes sibling apps that must not import each other: a café-cité question
        # left unanswered continues in the national group (cafes_cites.registry).
        if apps.is_installed("cafes_cites") and apps.is_installed("groups"):
            from cafes_cites.registry import register_question_destination
            from groups.registrations import open_national_discussion

            register_question_destination(open_national_discussion)
