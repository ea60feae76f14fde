"""What pilotage/ plugs into lower apps' registries (registered in PilotageConfig.ready)."""

from django.urls import reverse

from cites.registry import CitePanel
from pilotage.permissions import can_view_cite_answers


def cite_pilotage_panel(cite, user):
    """On a cité's page, its team and ANCT get a shortcut to its quarterly questionnaire."""
    if not can_view_cite_answers(user, cite):
        return None
    return CitePanel(
        title="Pilotage trimestriel",
        text="Le questionnaire de l'ANCT et l'évolution des indicateurs de la cité, réservés à "
        "l'équipe projet et à l'équipe nationale.",
        link_url=reverse("pilotage:cite", args=[cite.slug]),
        link_label="Ouvrir le pilotage de la cité",
    )
