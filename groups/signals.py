from accounts.roles import add_anct_permissions

ANCT_GROUP_PERMISSIONS = [
    ("groups", "add_group"),
    ("groups", "change_group"),
    ("groups", "view_group"),
]


def create_cite_group(sender, instance, created, raw=False, **kwargs):
    """Each cité gets its reserved group as soon as it exists."""
    if raw:
        return
    from groups.services import ensure_cite_group

    ensure_cite_group(instance)


def grant_anct_permissions(**kwargs):
    """post_migrate: ANCT creates groups and names animateurs in the Wagtail admin."""
    from django.contrib.auth.management import create_permissions

    # This app is listed before django.contrib.auth, whose post_migrate creates the permissions:
    # on a fresh database they would not exist yet and ANCT would get none of them.
    create_permissions(kwargs["app_config"], verbosity=0, using=kwargs.get("using", "default"))
    add_anct_permissions(ANCT_GROUP_PERMISSIONS)
