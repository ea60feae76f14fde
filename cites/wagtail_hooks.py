from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cites.models import Cite


class CiteViewSet(SnippetViewSet):
    model = Cite
    icon = "site"
    menu_label = "Cités de l'emploi"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "code", "region_label", "wave", "is_published"]
    list_filter = ["region", "wave", "is_published", "themes"]
    search_fields = ["name", "short_name", "code"]
    ordering = ["short_name"]


register_snippet(CiteViewSet)
