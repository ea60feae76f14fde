"""Wagtail publication and review events of the library (connected in RessourcesConfig.ready)."""

from wagtail.admin.mail import (
    WorkflowStateApprovalEmailNotifier,
    WorkflowStateRejectionEmailNotifier,
)
from wagtail.models import WorkflowState
from wagtail.signals import workflow_approved, workflow_rejected

from ressources import services
from ressources.models import (
    FicheDispositifPage,
    LibraryProposal,
    LibraryReviewTask,
    RessourcePage,
)


def ressource_published(sender, instance, revision=None, **kwargs):
    if not isinstance(instance, RessourcePage):
        return
    services.proposal_published(instance, revision)
    if isinstance(instance, FicheDispositifPage) and revision is not None:
        services.record_major_change(instance, revision)


def review_task_rejected(sender, instance, user=None, **kwargs):
    """A review task ended as rejected: instance is the TaskState, with its comment. In the
    library's own task, « Demander des modifications » is not a refusal (« Refuser la
    proposition » calls services.refuse_proposal); a plain group approval task created before it
    (a review still in progress at the upgrade) refused through « Demander des modifications »."""
    if isinstance(instance.task.specific, LibraryReviewTask):
        return
    page = instance.workflow_state.content_object
    if page is not None:  # only pages that came from a proposal have anything to do
        services.proposal_refused(page, instance.comment, actor=user)


def _without_proposers_outside_admin(recipients, workflow_state):
    """Wagtail's decision e-mail, minus the proposer of a page proposed from a group when they
    have no admin access: the library's own notification tells them (in French, with a link they
    can open), Wagtail's would point them to an admin they cannot use."""
    page_id = getattr(workflow_state.content_object, "pk", None)
    proposers = set(
        LibraryProposal.objects.filter(page_id=page_id).values_list("proposer_id", flat=True)
    )
    return {
        user
        for user in recipients
        if user.pk not in proposers or user.has_perm("wagtailadmin.access_admin")
    }


class ApprovalEmailNotifier(WorkflowStateApprovalEmailNotifier):
    def get_recipient_users(self, workflow_state, **kwargs):
        recipients = super().get_recipient_users(workflow_state, **kwargs)
        return _without_proposers_outside_admin(recipients, workflow_state)


class RejectionEmailNotifier(WorkflowStateRejectionEmailNotifier):
    def get_recipient_users(self, workflow_state, **kwargs):
        recipients = super().get_recipient_users(workflow_state, **kwargs)
        return _without_proposers_outside_admin(recipients, workflow_state)


approval_email_notifier = ApprovalEmailNotifier()
rejection_email_notifier = RejectionEmailNotifier()


def replace_workflow_email_notifiers():
    """Connected under Wagtail's own dispatch_uids: ressources is ready before wagtail.admin,
    whose connection of its notifiers under the same keys then does nothing (Signal.connect keeps
    the first receiver of a key)."""
    workflow_approved.connect(
        approval_email_notifier,
        sender=WorkflowState,
        dispatch_uid="workflow_state_approved_email_notification",
    )
    workflow_rejected.connect(
        rejection_email_notifier,
        sender=WorkflowState,
        dispatch_uid="workflow_state_rejected_email_notification",
    )
