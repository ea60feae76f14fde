"""The audit log in the Wagtail admin: a read-only, filterable listing for ANCT and superusers,
next to Wagtail's own history of page and snippet edits."""

from django.urls import reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from audit.models import AuditEntry


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Viewing needs audit.view_auditentry (ANCT, superusers); nobody adds, edits or deletes."""

    def user_has_permission(self, user, action):
        if action != "view":
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action == "view"]
        if not actions:
            return self.auth_model.objects.none()
        return super().users_with_any_permission(actions)


register_permission_policy(AuditEntry, ReadOnlyPermissionPolicy(AuditEntry), exact_class=True)


class AuditEntryViewSet(ModelViewSet):
    model = AuditEntry
    icon = "list-ul"
    menu_label = "Journal d'audit"
    url_prefix = "journal-audit"
    name = "audit"
    list_display = [
        "created_at",
        "actor_label",
        "action",
        # French names of the models, not "groups.post".
        Column(
            "target_type",
            label="Type de cible",
            accessor="target_type_label",
            sort_key="target_type",
        ),
        "target_label",
    ]
    list_filter = ["action", "target_type", "created_at"]
    search_fields = ["actor_label", "target_label", "target_id"]
    ordering = ["-created_at"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "created_at",
        "actor_label",
        "action",
        "target_type_label",
        "target_id",
        "target_label",
        "details",
        "ip_address",
    ]
    copy_view_enabled = False
    add_to_reference_index = False
    form_fields = []


class WagtailHistoryMenuItem(MenuItem):
    """Wagtail keeps its own log of page, snippet and user edits: linked, not duplicated."""

    def is_shown(self, request):
        return request.user.is_superuser or request.user.has_perm("audit.view_auditentry")


class AuditGroup(ViewSetGroup):
    items = (AuditEntryViewSet,)
    menu_icon = "history"
    menu_label = "Journal"
    menu_name = "journal"
    menu_order = 900

    def get_submenu_items(self):
        return [
            *super().get_submenu_items(),
            WagtailHistoryMenuItem(
                "Historique des modifications (Wagtail)",
                reverse_lazy("wagtailadmin_reports:site_history"),
                icon_name="history",
                order=200,
            ),
        ]


@hooks.register("register_admin_viewset")
def register_audit_viewset():
    return AuditGroup()
