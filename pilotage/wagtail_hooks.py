"""The référentiel and the campaigns in the Wagtail admin. Opening, closing, extending and
reopening happen on the ANCT steering pages (pilotage.views), which freeze the version and write
the audit log through pilotage.services."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from pilotage.models import Campaign, Indicator


class IndicatorViewSet(SnippetViewSet):
    model = Indicator
    icon = "list-ol"
    menu_label = "Référentiel des indicateurs"
    list_display = ["code", "label", "enjeu", "kind", "required", "is_public", "is_active"]
    list_filter = ["enjeu", "kind", "is_public", "is_active"]
    search_fields = ["code", "label"]
    ordering = ["enjeu", "position", "code"]


class CampaignViewSet(SnippetViewSet):
    model = Campaign
    icon = "date"
    menu_label = "Campagnes trimestrielles"
    list_display = ["code", "opens_on", "closes_on", "status", "version"]
    list_filter = ["status", "year"]
    ordering = ["-year", "-quarter"]


class PilotageViewSetGroup(SnippetViewSetGroup):
    items = (IndicatorViewSet, CampaignViewSet)
    menu_icon = "table"
    menu_label = "Pilotage"
    menu_order = 220


register_snippet(PilotageViewSetGroup)


@hooks.register("register_admin_menu_item")
def register_dashboard_link():
    return MenuItem(
        "Tableau de bord du pilotage",
        reverse("pilotage:dashboard"),
        icon_name="view",
        order=221,
    )
