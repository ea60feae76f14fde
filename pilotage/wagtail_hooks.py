"""The référentiel and the campaigns in the Wagtail admin. Opening, closing, extending and
reopening happen on the ANCT steering pages (pilotage.views), which freeze the version and write
the audit log through pilotage.services."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    CreateView,
    EditView,
    IndexView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from pilotage.forms import IndicatorAdminForm
from pilotage.models import Campaign, Indicator


def yes_no(name, label):
    """Oui / Non rather than Python's True / False."""
    return Column(
        name,
        label=label,
        accessor=lambda obj: "Oui" if getattr(obj, name) else "Non",
        sort_key=name,
    )


def french_views(noun, article, feminine=False, str_has_noun=False):
    """Index, create and edit views that speak of « un indicateur », « une campagne » instead of
    Wagtail's generic « un(e) … », « créé(e) » and « Campagne « Campagne 2027-T1 » » (a campaign's
    name already says « Campagne »)."""
    ending = "e" if feminine else ""
    named = "%(object)s" if str_has_noun else f"{noun.capitalize()} « %(object)s »"

    class Index(IndexView):
        add_item_label = f"Ajouter {article} {noun}"

    class Create(CreateView):
        error_message = f"{noun.capitalize()} non créé{ending} : corrigez les erreurs signalées."

        def get_success_message(self, instance=None):
            return f"{named} créé{ending}." % {"object": instance or self.object}

    class Edit(EditView):
        error_message = (
            f"{noun.capitalize()} non enregistré{ending} : corrigez les erreurs signalées."
        )

        def get_success_message(self, instance=None):
            return f"{named} modifié{ending}." % {"object": instance or self.object}

    return Index, Create, Edit


class IndicatorViewSet(SnippetViewSet):
    model = Indicator
    icon = "list-ol"
    menu_label = "Référentiel des indicateurs"
    list_display = [
        "code",
        "label",
        "enjeu",
        "kind",
        yes_no("required", "Obligatoire"),
        yes_no("is_public", "Publié"),
        yes_no("is_active", "Dans le questionnaire"),
    ]
    list_filter = ["enjeu", "kind", "is_public", "is_active"]
    search_fields = ["code", "label"]
    ordering = ["enjeu", "position", "code"]
    index_view_class, add_view_class, edit_view_class = french_views("indicateur", "un")
    edit_handler = ObjectList(Indicator.panels, base_form_class=IndicatorAdminForm)


class CampaignViewSet(SnippetViewSet):
    model = Campaign
    icon = "date"
    menu_label = "Campagnes trimestrielles"
    list_display = ["code", "opens_on", "closes_on", "closed_at", "status", "version"]
    list_filter = ["status", "year"]
    ordering = ["-year", "-quarter"]
    index_view_class, add_view_class, edit_view_class = french_views(
        "campagne", "une", feminine=True, str_has_noun=True
    )


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
