from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = "Groupes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from commons.activity import register_activity_provider
        from groups.activity import group_activity

        register_activity_provider(group_activity)

        from accounts.personal_data import register_eraser, register_exporter
        from groups import personal_data

        register_eraser("groups", personal_data.erase)
        register_exporter("groupes.json", personal_data.export, order=20)
        from commons.conf import apply_defaults
        from groups.conf import DEFAULTS

        apply_defaults(DEFAULTS)
        from django.db.models.signals import post_migrate, post_save

        from cites.models import Cite
        from groups import signals
        from groups.registrations import groups_for_theme
        from themes.registry import register_theme_section

        post_save.connect(signals.create_cite_group, sender=Cite, dispatch_uid="groups_cite_group")
        post_migrate.connect(signals.grant_anct_permissions, sender=self)
        register_theme_section(groups_for_theme)

        from cites.registry import register_cite_panel
        from groups.registrations import cite_group_panel

        register_cite_panel(cite_group_panel)

        from groups.emails import post_email_content
        from groups.services import (
            describe_group_emails,
            hidden_group_notifications,
            unsubscribe_group,
        )
        from groups.wording import CONTENT_KINDS, SENTENCES
        from notifications.services import (
            register_email_content,
            register_secondary_kinds,
            register_unsubscribe_handler,
            register_visibility_filter,
        )

        register_secondary_kinds(set(SENTENCES) - set(CONTENT_KINDS))

        register_unsubscribe_handler("group", unsubscribe_group, describe_group_emails)
        register_email_content("post", post_email_content)
        register_visibility_filter(hidden_group_notifications)
