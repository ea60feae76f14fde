"""Wagtail publication and review events of the library (connected in RessourcesConfig.ready)."""

from ressources import services
from ressources.models import FicheDispositifPage, RessourcePage


def ressource_published(sender, instance, revision=None, **kwargs):
    if not isinstance(instance, RessourcePage):
        return
    services.proposal_published(instance, revision)
    if isinstance(instance, FicheDispositifPage) and revision is not None:
        services.record_major_change(instance, revision)


def review_task_rejected(sender, instance, user=None, **kwargs):
    """A reviewer asked for changes ("refused"): instance is the TaskState, with their comment."""
    page = instance.workflow_state.content_object
    if page is not None:  # only pages that came from a proposal have anything to do
        services.proposal_refused(page, instance.comment, actor=user)
