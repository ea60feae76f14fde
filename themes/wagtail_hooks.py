from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from themes.models import PublicCible, Theme


class ThemeViewSet(SnippetViewSet):
    """ANCT edits labels, descriptions and pictograms; the 8 slugs are fixed (no add/delete)."""

    model = Theme
    icon = "tag"
    menu_label = "Champs d'action"
    list_display = ["label", "short_label", "slug", "position"]
    ordering = ["position"]
    add_to_admin_menu = False


class PublicCibleViewSet(SnippetViewSet):
    model = PublicCible
    icon = "group"
    menu_label = "Publics cibles"
    list_display = ["label", "slug", "position"]
    ordering = ["position"]


class TaxonomyViewSetGroup(SnippetViewSetGroup):
    items = (ThemeViewSet, PublicCibleViewSet)
    menu_icon = "tag"
    menu_label = "Référentiels"
    menu_name = "referentiels"


register_snippet(TaxonomyViewSetGroup)
