from groups.permissions import visible_groups_for
from themes.registry import ThemeItem, ThemeSection


def groups_for_theme(theme, user):
    """Working groups on this champ d'action that the user may know about (never reserved ones
    they are not in)."""
    groups = visible_groups_for(user).filter(themes=theme).order_by("name")
    items = [
        ThemeItem(
            title=group.name, url=group.get_absolute_url(), description=group.description[:160]
        )
        for group in groups
    ]
    if not items:
        return None
    return ThemeSection(key="groupes", title="Groupes de travail", items=items, position=60)
