"""What ressources/ adds to a cité's page (cites.registry): the cité's own actions inspirantes,
for everyone, and « Pour ma cité », for its team and ANCT."""

from django.urls import reverse

from cites.registry import CitePanel
from ressources import suggestions
from ressources.permissions import can_give_suggestion_feedback, can_see_suggestions

OWN_ACTIONS_SHOWN = 10


def cite_actions_section(cite, user):
    """The cité's actions inspirantes the viewer may open (reserved ones only to those allowed)."""
    actions = suggestions.cite_actions(cite, user, limit=OWN_ACTIONS_SHOWN + 1)
    if not actions:
        return None
    return CitePanel(
        title="Actions inspirantes de la cité",
        text="",
        template="ressources/includes/cite_actions_section.html",
        context={
            "actions": actions[:OWN_ACTIONS_SHOWN],
            "more_url": f"{reverse('ressources:index')}?type=action&cite={cite.slug}"
            if len(actions) > OWN_ACTIONS_SHOWN
            else "",
        },
    )


def cite_suggestions_section(cite, user):
    if not can_see_suggestions(user, cite):
        return None
    return CitePanel(
        title="Pour ma cité",
        text="",
        template="ressources/includes/cite_suggestions_section.html",
        context={
            "cite": cite,
            "suggestions": suggestions.suggestions_for(cite, user),
            "can_feedback": can_give_suggestion_feedback(user, cite),
            "just_dismissed": suggestions.just_dismissed(cite, user),
            # Back on the outcome message (base.html's #message-resultat, focusable: the browser
            # focuses a focusable fragment target, JavaScript or not). The section's own fragment
            # made Chromium clear the focus (a non-focusable target) and left the message unseen.
            "next": f"{cite.get_absolute_url()}#message-resultat",
            "all_url": reverse("ressources:cite_suggestions", args=[cite.slug]),
        },
    )
