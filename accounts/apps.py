from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Comptes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.personal_data import export_login_traces, register_exporter

        register_exporter("sessions.json", export_login_traces, order=5)

        from accounts.roles import ensure_anct_group

        post_migrate.connect(ensure_anct_group, sender=self)

        from django.contrib.auth.signals import user_logged_in

        from accounts.sessions import end_sessions_of_deactivated_user, record_login_session

        user_logged_in.connect(record_login_session, dispatch_uid="accounts_record_login_session")
        post_save.connect(
            end_sessions_of_deactivated_user,
            sender=self.get_model("User"),
            dispatch_uid="accounts_end_sessions_of_deactivated_user",
        )

        from allauth.account.signals import password_changed, password_set

        from accounts.sessions import end_other_sessions_on_password_change

        for signal in (password_changed, password_set):
            signal.connect(
                end_other_sessions_on_password_change,
                dispatch_uid=f"accounts_end_other_sessions_{id(signal)}",
            )

        from allauth.account.signals import password_reset

        from accounts.security import lift_lockout_on_password_reset

        password_reset.connect(
            lift_lockout_on_password_reset, dispatch_uid="accounts_lift_lockout_on_password_reset"
        )
        from accounts.sessions import end_all_sessions_on_password_reset

        password_reset.connect(
            end_all_sessions_on_password_reset,
            dispatch_uid="accounts_end_all_sessions_on_password_reset",
        )

        from allauth.account.models import EmailAddress

        from accounts.services import make_login_address_primary

        post_save.connect(
            make_login_address_primary,
            sender=EmailAddress,
            dispatch_uid="accounts_make_login_address_primary",
        )
