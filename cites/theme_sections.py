from django.urls import reverse

from cites.models import Cite
from themes.registry import ThemeItem, ThemeSection


def cites_for_theme(theme, user):
    cites = Cite.objects.published().filter(themes=theme).order_by("short_name")
    items = [
        ThemeItem(
            title=cite.name,
            url=cite.get_absolute_url(),
            detail=f"{cite.departement} · {cite.region_label}",
        )
        for cite in cites
    ]
    if not items:
        return None
    return ThemeSection(
        key="cites",
        title="Cités qui en font une priorité",
        items=items,
        more_url=f"{reverse('cites:directory')}?theme={theme.slug}",
        more_label="Voir ces cités dans l'annuaire",
        position=90,
    )
