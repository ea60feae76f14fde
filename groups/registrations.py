from django.core.exceptions import ValidationError

from cites.registry import CitePanel
from groups import services
from groups.models import Group
from groups.permissions import can_post, can_view_group, visible_groups_for
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


def open_national_discussion(actor, title, body_html):
    """A discussion of the national Opérateurs group, for a café-cité question left unanswered
    (the host plugs it into cafes_cites.registry). Returns its URL."""
    group = services.ensure_national_group()
    if not can_post(actor, group):
        raise ValidationError(
            "Vous devez être membre du groupe « Opérateurs cités de l'emploi » pour y ouvrir "
            "une discussion."
        )
    return services.create_thread(group, actor, title=title, body=body_html).get_absolute_url()
