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
    add_anct_permissions(ANCT_GROUP_PERMISSIONS)
