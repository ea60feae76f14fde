"""Editor panels of the bulletin de veille."""

from django.urls import reverse
from wagtail.admin.panels import Panel


class ComposeFromLibraryPanel(Panel):
    """A link, above the sections, to compose the issue from what the library published since
    the last one (ressources.views.compose_bulletin). A new bulletin is saved first: the
    composition writes a revision of an existing page."""

    @property
    def clean_name(self):
        return super().clean_name or "composer"

    class BoundPanel(Panel.BoundPanel):
        template_name = "ressources/admin/compose_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            pk = getattr(self.instance, "pk", None)
            context["compose_url"] = reverse("ressources:compose", args=[pk]) if pk else ""
            return context
