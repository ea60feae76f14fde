from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cafes_cites.models import Series, Session


class SessionViewSet(SnippetViewSet):
    model = Session
    icon = "date"
    menu_label = "Séances"
    list_display = ["label", "start", "status_label", "capacity"]
    list_filter = ["series", "is_cancelled", "themes"]
    search_fields = ["title"]
    ordering = ["-start"]


class SeriesViewSet(SnippetViewSet):
    model = Series
    icon = "repeat"
    menu_label = "Séries"
    list_display = ["title", "first_date", "local_time", "interval_weeks", "is_active"]


class CafesCitesGroup(SnippetViewSetGroup):
    items = (SessionViewSet, SeriesViewSet)
    menu_icon = "group"
    menu_label = "Cafés-cités"
    menu_name = "cafes_cites"
    menu_order = 220


register_snippet(CafesCitesGroup)
