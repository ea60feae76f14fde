from django.urls import reverse

from ressources.models import RessourcePage
from ressources.permissions import visible_pages
from themes.registry import ThemeItem, ThemeSection

LIMIT = 6


def ressources_for_theme(theme, user):
    pages = visible_pages(RessourcePage.objects.live().filter(themes=theme), user)
    pages = list(pages.order_by("-date", "title")[:LIMIT])
    if not pages:
        return None
    return ThemeSection(
        key="ressources",
        title="Ressources : dispositifs et actions inspirantes",
        items=[
            ThemeItem(
                title=page.title,
                url=page.url,
                description=page.summary,
                detail=page.specific_class._meta.verbose_name.capitalize(),
            )
            for page in pages
        ],
        more_url=f"{reverse('ressources:index')}?theme={theme.slug}",
        more_label="Toutes les ressources de ce champ d'action",
        position=50,
    )


def propose_action_panel(cite, user):
    """On their own cité's page, team members are invited to propose an action inspirante."""
    from django.urls import reverse

    from cites.registry import CitePanel
    from ressources.permissions import can_propose_action

    if not user.is_authenticated or user.cite_id != cite.pk or not can_propose_action(user):
        return None
    return CitePanel(
        title="Partagez une action inspirante",
        text="Votre cité a mené une action qui marche ? Proposez-la : l'équipe ANCT la relit avant publication.",
        link_url=reverse("ressources:propose"),
        link_label="Proposer une action inspirante",
    )
