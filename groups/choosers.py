"""The person picker of the groups admin: a Wagtail chooser (modal with a search field) instead
of a <select> of every account. ANCT types part of a name, an e-mail or a cité and picks among
the active accounts, each shown as « Nom — courriel — cité ». Only the picker: the memberships
are still saved through groups.services by the group views of groups.wagtail_hooks."""

from django import forms
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.chooser import (
    ChooseResultsView,
    ChooseView,
    ChosenMultipleView,
    ChosenView,
)
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets import BaseChooser

from groups import permissions


def person_label(user):
    """« Nom — courriel — cité »: two people may share a name."""
    parts = [user.display_name, user.email]
    if user.cite_id:
        parts.append(user.cite.name)
    return " — ".join(parts)


class PersonSearchForm(BaseFilterForm):
    """Search on first and last name (either order), e-mail and cité, every word matching."""

    q = forms.CharField(
        label="Rechercher une personne",
        help_text="Une partie du nom, de l’adresse électronique ou de la cité.",
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "data-person-search": ""}
        ),
    )

    def filter(self, objects):
        query = self.cleaned_data.get("q", "").strip() if self.is_valid() else ""
        if not query:
            return objects
        for word in query.split()[:6]:
            objects = objects.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(cite__name__icontains=word)
            )
        self.is_searching = True
        self.search_query = query
        return objects


class _PersonListing:
    """The listing of the modal: active accounts only, the picker of people who run groups."""

    per_page = 20
    ordering = ["last_name", "first_name", "email"]
    filter_form_class = PersonSearchForm

    def dispatch(self, request, *args, **kwargs):
        # The picker lists names and e-mails: only for those who manage groups in the admin.
        if not permissions.can_administer_groups(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_object_list(self):
        return get_user_model().objects.filter(is_active=True).select_related("cite")

    def can_create(self):
        return False

    @property
    def columns(self):
        return [
            TitleColumn(
                "name",
                label="Nom",
                accessor="display_name",
                get_url=lambda user: self.append_preserved_url_parameters(
                    reverse(self.chosen_url_name, args=(quote(user.pk),))
                ),
                link_attrs={"data-chooser-modal-choice": True},
            ),
            Column("email", label="Adresse électronique", accessor="email"),
            Column(
                "cite",
                label="Cité de l’emploi",
                accessor=lambda user: user.cite.name if user.cite_id else "—",
            ),
        ]


class PersonChooseView(_PersonListing, ChooseView):
    pass


class PersonChooseResultsView(_PersonListing, ChooseResultsView):
    pass


class _PersonChosen:
    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_administer_groups(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, pk):
        return get_user_model().objects.select_related("cite").get(pk=pk, is_active=True)

    def get_display_title(self, instance):
        return person_label(instance)

    def get_edit_item_url(self, instance):
        return None


class PersonChosenView(_PersonChosen, ChosenView):
    pass


class PersonChosenMultipleView(_PersonChosen, ChosenMultipleView):
    pass


class PersonChooser(BaseChooser):
    """The widget: the chosen person as « Nom — courriel — cité », a button that opens the modal."""

    show_edit_link = False
    clear_choice_text = "Retirer cette personne"

    def get_display_title(self, instance):
        return person_label(instance)

    @cached_property
    def media(self):
        return super().media + forms.Media(js=["groups/person-chooser.js"])


class PersonChooserViewSet(ChooserViewSet):
    model = "accounts.User"
    icon = "user"
    choose_one_text = "Choisir une personne"
    choose_another_text = "Choisir une autre personne"
    page_title = "Choisir une personne"
    search_tab_label = "Rechercher"
    edit_item_text = "Modifier"
    base_widget_class = PersonChooser
    choose_view_class = PersonChooseView
    choose_results_view_class = PersonChooseResultsView
    chosen_view_class = PersonChosenView
    chosen_multiple_view_class = PersonChosenMultipleView
    # Only the groups admin uses it: other admin forms keep their own widget for user links.
    register_widget = False
    url_prefix = "groupes/personnes"


person_chooser_viewset = PersonChooserViewSet("groups_person_chooser")
PersonChooserWidget = person_chooser_viewset.widget_class
