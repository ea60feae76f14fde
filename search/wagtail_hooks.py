"""The thesaurus in the Wagtail admin: the ANCT team adds, edits and switches off groups of
synonyms; a save applies to the next search (the compiled thesaurus cache is cleared)."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from search.models import SynonymGroup


class SynonymGroupViewSet(SnippetViewSet):
    model = SynonymGroup
    icon = "list-ul"
    menu_label = "Thésaurus de la recherche"
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["__str__", "note", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["terms", "note"]


register_snippet(SynonymGroupViewSet)
