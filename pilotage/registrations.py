"""What pilotage/ plugs into lower apps' registries (registered in PilotageConfig.ready)."""

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from accounts.roles import is_cite_coordinator, is_cite_member
from cites.registry import CitePanel
from pilotage.models import Campaign, CampaignStatus, Response
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


def questionnaire_home_section(user, cite):
    """In Mon espace (espace.registry, wired by the host), a cité's coordinator and partners see
    the open campaign, its closing date (or their cité's extension) and where their answer
    stands. One query, none for people without a cité."""
    if cite is None or not is_cite_member(user, cite):
        return None
    # One query: the newest open campaign with the cité's answer read alongside.
    answer = Response.objects.filter(campaign=OuterRef("pk"), cite=cite)
    campaign = (
        Campaign.objects.filter(status=CampaignStatus.OPEN)
        .annotate(
            response_status=Subquery(answer.values("status")[:1]),
            response_extended_until=Subquery(answer.values("extended_until")[:1]),
            response_submitted_at=Subquery(answer.values("submitted_at")[:1]),
        )
        .order_by("-year", "-quarter")
        .first()
    )
    if campaign is None:
        return None
    response = None
    if campaign.response_status:
        response = Response(
            campaign=campaign,
            cite=cite,
            status=campaign.response_status,
            extended_until=campaign.response_extended_until,
            submitted_at=campaign.response_submitted_at,
        )
    deadline = response.deadline if response else campaign.closes_on
    today = timezone.localdate()
    return CitePanel(
        title="Questionnaire trimestriel",
        text="",
        template="pilotage/includes/espace_questionnaire.html",
        context={
            "campaign": campaign,
            "response": response,
            "deadline": deadline,
            "days_left": (deadline - today).days,
            "url": reverse("pilotage:questionnaire", args=[cite.slug, campaign.code, 1]),
            "history_url": reverse("pilotage:cite", args=[cite.slug]),
            "can_submit": is_cite_coordinator(user, cite),
        },
    )
