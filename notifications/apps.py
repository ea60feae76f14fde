from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.personal_data import register_eraser, register_exporter
        from notifications import personal_data

        register_eraser("notifications", personal_data.erase, order=900)
        register_exporter("notifications.json", personal_data.export, order=40)
