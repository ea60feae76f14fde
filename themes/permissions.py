"""Theme editing rights: labels and descriptions only, never the fixed slugs or the list."""

from django.contrib.auth.models import Permission


def theme_permissions():
    """Permissions ANCT editors receive on themes/ (change only: the 8 champs are fixed)."""
    return Permission.objects.filter(
        content_type__app_label="themes",
        codename__in=["change_theme", "view_theme", "change_publiccible", "view_publiccible"],
    )
