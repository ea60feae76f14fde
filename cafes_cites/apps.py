from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def grant_anct_permissions(**kwargs):
    """post_migrate: ANCT edits series and sessions in the Wagtail admin."""
    from django.contrib.auth.management import create_permissions

    from accounts.roles import add_anct_permissions

    # This app is listed before django.contrib.auth: its permissions may not exist yet.
    create_permissions(kwargs["app_config"], verbosity=0, using=kwargs.get("using", "default"))
    add_anct_permissions(
        [
            ("cafes_cites", f"{action}_{model}")
            for model in ("series", "session")
            for action in ("add", "change", "delete", "view")
        ]
        + [("cafes_cites", "view_registration"), ("cafes_cites", "moderate_chat")]
    )


class CafesCitesConfig(AppConfig):
    name = "cafes_cites"
    verbose_name = "Cafés-cités"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cafes_cites.api import register as register_api

        register_api()

        from cafes_cites.activity import cafes_activity
        from commons.activity import register_activity_provider

        register_activity_provider(cafes_activity)

        from accounts.personal_data import register_eraser, register_exporter
        from cafes_cites import personal_data

        register_eraser("cafes_cites", personal_data.erase)
        register_exporter("cafes_cites.json", personal_data.export, order=30)
        register_exporter("profil.json", personal_data.export_profile, order=30)
        from cafes_cites.conf import DEFAULTS
        from commons.conf import apply_defaults

        apply_defaults(DEFAULTS)
        from django.conf import settings
        from django.contrib.auth.signals import user_logged_out
        from django.db.models.signals import post_delete, post_save

        from cafes_cites import session_auth, signals
        from cafes_cites.models import Session
        from cafes_cites.theme_sections import sessions_for_theme
        from themes.registry import register_theme_section

        register_theme_section(sessions_for_theme)
        if apps.is_installed("notifications"):
            # The reminders' e-mails carry a one-click unsubscribe answered by notifications/.
            from cafes_cites.emails import REMINDERS_SOURCE
            from cafes_cites.services import unsubscribe_reminders
            from notifications.services import register_unsubscribe_handler

            register_unsubscribe_handler(REMINDERS_SOURCE.split(":")[0], unsubscribe_reminders)
        post_migrate.connect(grant_anct_permissions, sender=self)
        # Open chat sockets close promptly on logout, password change, deactivation, deletion.
        user_logged_out.connect(session_auth.on_logged_out, dispatch_uid="cafes_cites_logout")
        post_save.connect(
            session_auth.on_user_saved,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="cafes_cites_user_saved",
        )
        post_save.connect(
            signals.session_saved, sender=Session, dispatch_uid="cafes_cites_session_saved"
        )
        post_delete.connect(
            session_auth.on_user_deleted,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="cafes_cites_user_deleted",
        )
