from functools import cached_property

from django.core.exceptions import ValidationError
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, EditView, IndexView, SnippetViewSet

from commons.french import without_accents
from groups import services
from groups.choosers import person_chooser_viewset
from groups.forms import GroupAdminForm
from groups.models import Group, Role


def _group_fields(form):
    return {
        name: form.cleaned_data[name]
        for name in services.GROUP_ADMIN_FIELDS
        if name in form.cleaned_data
    }


class _SavedThroughServices:
    """A rule broken between validation and saving (a concurrent edit) comes back as a form
    error, the transaction of form_valid rolled back."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)


class GroupCreateView(_SavedThroughServices, CreateView):
    def save_instance(self):
        wanted = self.form.wanted_memberships(creator=self.request.user)
        fields = _group_fields(self.form)
        group = services.create_group(
            **fields,
            themes=self.form.cleaned_data.get("themes", ()),
            animateurs=[user for user, role in wanted.items() if role == Role.ANIMATEUR],
            members=[user for user, role in wanted.items() if role != Role.ANIMATEUR],
            actor=self.request.user,
        )
        log(instance=group, action="wagtail.create", user=self.request.user)
        return group

    def get_success_buttons(self):
        # Straight to the group on the site, where its animatrice runs it.
        return [
            *super().get_success_buttons(),
            messages.button(self.object.get_absolute_url(), "Voir le groupe sur le site"),
        ]


class GroupCopyView(generic.CopyViewMixin, GroupCreateView):
    pass


class GroupEditView(_SavedThroughServices, EditView):
    def save_instance(self):
        # The form already wrote the posted values on self.object: compare with the stored row.
        group = Group.objects.get(pk=self.object.pk)
        fields = _group_fields(self.form)
        services.update_group(
            group,
            actor=self.request.user,
            themes=self.form.cleaned_data.get("themes"),
            **fields,
        )
        services.set_memberships(group, self.form.wanted_memberships(), actor=self.request.user)
        log(instance=group, action="wagtail.edit", user=self.request.user)
        return group

    def get_success_buttons(self):
        return [
            *super().get_success_buttons(),
            messages.button(self.object.get_absolute_url(), "Voir le groupe sur le site"),
        ]

    @cached_property
    def header_more_buttons(self):
        # The admin page of a group leads to the group itself (walk 12e).
        return [
            *super().header_more_buttons,
            Button(
                "Voir le groupe sur le site",
                url=self.object.get_absolute_url(),
                icon_name="view",
                priority=5,
            ),
        ]


def _folded(text):
    """Lower case without accents: « Opérateurs » is found by « operateurs »."""
    return without_accents(text).casefold()


class GroupIndexView(IndexView):
    # Wagtail's French for "Add %(model_name)s" is "Ajouter un(e) groupe".
    add_item_label = "Créer un groupe"

    def search_queryset(self, queryset):
        """Part of the name, accents and case ignored. Filtered here rather than through the
        search index, which only matches whole words and is not refreshed for groups; there
        are a few hundred groups at most."""
        if not self.is_searching:
            return queryset
        wanted = _folded(self.search_query).split()
        names = queryset.values_list("pk", "name")
        return queryset.filter(
            pk__in=[pk for pk, name in names if all(word in _folded(name) for word in wanted)]
        )


class GroupViewSet(SnippetViewSet):
    """ANCT creates groups and appoints animateurs (inline memberships). Saved through
    groups.services (eligibility rule, "at least one animateur", audit log, activity feed)."""

    model = Group
    icon = "group"
    menu_label = "Groupes"
    menu_order = 220
    add_to_admin_menu = True
    list_display = [
        "name",
        "kind",
        "access",
        # Words, not Python's True/False.
        Column(
            "is_archived",
            label="État",
            accessor=lambda group: "Archivé" if group.is_archived else "Actif",
            sort_key="is_archived",
        ),
    ]
    list_filter = ["kind", "access", "is_archived"]
    search_fields = ["name"]
    index_view_class = GroupIndexView
    add_view_class = GroupCreateView
    copy_view_class = GroupCopyView
    edit_view_class = GroupEditView
    # The creator's box (GroupAdminForm.creator_animates, new groups only) just before the list.
    edit_handler = ObjectList(
        [*Group.panels[:-1], FieldPanel("creator_animates"), Group.panels[-1]],
        base_form_class=GroupAdminForm,
    )


register_snippet(GroupViewSet)


@hooks.register("register_admin_viewset")
def register_person_chooser():
    """The searchable person picker of the memberships (groups.choosers)."""
    return person_chooser_viewset
