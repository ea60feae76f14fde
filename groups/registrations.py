from cites.registry import CitePanel
from groups.models import Group
from groups.permissions import can_view_group, visible_groups_for
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


def cite_group_panel(cite, user):
    """On a cité's page, its members get a shortcut to their reserved group; nobody else learns
    anything about it."""
    group = Group.objects.filter(cite=cite).first()
    if group is None or not can_view_group(user, group):
        return None
    return CitePanel(
        title="Votre espace d'équipe",
        text="Discussions, documents et membres de l'équipe projet, réservés aux membres.",
        link_url=group.get_absolute_url(),
        link_label="Ouvrir le groupe de la cité",
    )
