from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from groups.models import Group


class GroupViewSet(SnippetViewSet):
    """ANCT creates groups and appoints animateurs (inline memberships)."""

    model = Group
    icon = "group"
    menu_label = "Groupes"
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["name", "kind", "access", "is_archived"]
    list_filter = ["kind", "access", "is_archived"]
    search_fields = ["name"]


register_snippet(GroupViewSet)
