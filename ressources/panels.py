"""Admin panels of the library pages and of the bulletin de veille."""

from django.urls import reverse
from wagtail.admin.panels import Panel


class ProposalPanel(Panel):
    """For ANCT reviewers: who proposed the page, from which group document (a link back to the
    original, which stays in its group), and where the decision stands."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "ressources/admin/proposal_panel.html"

        def _proposal(self):
            from ressources.models import LibraryProposal

            if not hasattr(self, "_cached_proposal"):
                self._cached_proposal = (
                    LibraryProposal.objects.filter(page_id=self.instance.pk)
                    .select_related("proposer", "proposer__cite", "document")
                    .first()
                    if self.instance.pk
                    else None
                )
            return self._cached_proposal

        def is_shown(self):
            return self._proposal() is not None

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["proposal"] = self._proposal()
            return context


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
