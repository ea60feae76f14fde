"""What pilotage/ plugs into lower apps' registries (registered in PilotageConfig.ready)."""

from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from accounts.roles import is_cite_coordinator, is_cite_member
from cites.registry import CitePanel
from pilotage.models import Answer, Campaign, CampaignStatus, Response, ResponseStatus
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
    every questionnaire their cité still has to transmit, soonest deadline first: each open
    campaign's, and one ANCT reopened after the closing (two campaigns may be open at once, and a
    reopened draft must not hide behind the newest). Once everything is transmitted, the newest
    open campaign says so. One query, none for people without a cité."""
    if cite is None or not is_cite_member(user, cite):
        return None
    answer = Response.objects.filter(campaign=OuterRef("pk"), cite=cite)
    reopened = Response.objects.filter(
        campaign=OuterRef("pk"),
        cite=cite,
        status=ResponseStatus.DRAFT,
        extended_until__isnull=False,
    )
    saved = Answer.objects.filter(
        response__campaign=OuterRef("pk"), response__cite=cite, prefilled=False
    )
    campaigns = (
        Campaign.objects.filter(
            Q(status=CampaignStatus.OPEN)
            | Q(status=CampaignStatus.CLOSED, pk__in=reopened.values("campaign"))
        )
        .annotate(
            response_status=Subquery(answer.values("status")[:1]),
            response_extended_until=Subquery(answer.values("extended_until")[:1]),
            response_submitted_at=Subquery(answer.values("submitted_at")[:1]),
            response_started=Exists(saved),
        )
        .order_by("-year", "-quarter")
    )
    today = timezone.localdate()
    items = []
    for campaign in campaigns:
        response = None
        if campaign.response_status:
            response = Response(
                campaign=campaign,
                cite=cite,
                status=campaign.response_status,
                extended_until=campaign.response_extended_until,
                submitted_at=campaign.response_submitted_at,
            )
            # Values carried over from last quarter that nobody saved are no draft.
            response.started = campaign.response_started
        deadline = response.deadline if response else campaign.closes_on
        items.append(
            {
                "campaign": campaign,
                "response": response,
                "deadline": deadline,
                "days_left": (deadline - today).days,
                "url": reverse("pilotage:questionnaire", args=[cite.slug, campaign.code, 1]),
            }
        )
    if not items:
        return None
    due = [item for item in items if not (item["response"] and item["response"].is_submitted)]
    due.sort(key=lambda item: item["deadline"])
    return CitePanel(
        title="Questionnaire trimestriel",
        text="",
        template="pilotage/includes/espace_questionnaire.html",
        context={
            # The newest open campaign (transmitted) when nothing is left to transmit.
            "items": due or items[:1],
            "has_due": bool(due),
            "history_url": reverse("pilotage:cite", args=[cite.slug]),
            "can_submit": is_cite_coordinator(user, cite),
        },
    )
