"""Idempotent set-up: the "Relecture ANCT" workflow, ANCT's rights, the library pages."""

from django.db import transaction
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from accounts.roles import add_anct_permissions

WORKFLOW_NAME = "Relecture ANCT"
TASK_NAME = "Validation par l'équipe ANCT"
ANCT_MODEL_PERMISSIONS = [
    ("ressources", "view_subscriber"),
    ("ressources", "change_subscriber"),
    ("ressources", "delete_subscriber"),
    ("ressources", "view_bulletinsending"),
    ("wagtailcore", "add_workflow"),
    ("wagtailcore", "change_workflow"),
]
PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]


def review_workflow():
    group = add_anct_permissions(ANCT_MODEL_PERMISSIONS)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    from ressources.models import LibraryReviewTask

    task = LibraryReviewTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = LibraryReviewTask.objects.create(name=TASK_NAME)
    task.groups.add(group)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    # Databases set up before the library's own task had a plain group approval task: it is
    # deactivated (Wagtail moves the reviews in progress on to the next active task, this one)
    # and leaves the workflow.
    for former in GroupApprovalTask.objects.filter(name=TASK_NAME, active=True):
        former.deactivate()
    WorkflowTask.objects.filter(
        workflow=workflow, task__in=GroupApprovalTask.objects.filter(name=TASK_NAME)
    ).delete()
    return workflow


def grant_library_permissions(page):
    from django.contrib.auth.models import Permission

    group = add_anct_permissions([])
    for codename in PAGE_PERMISSIONS:
        permission = Permission.objects.filter(
            content_type__app_label="wagtailcore", codename=codename
        ).first()
        if permission:
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def attach_review_workflow(sender=None, instance=None, created=False, raw=False, **kwargs):
    """post_save of a library: it gets the review workflow and ANCT's page rights."""
    if raw or instance is None:
        return
    workflow = review_workflow()
    WorkflowPage.objects.get_or_create(page=instance, defaults={"workflow": workflow})
    grant_library_permissions(instance)


def ensure_review_setup(**kwargs):
    """post_migrate: the workflow exists on every database, attached to existing libraries."""
    from ressources.models import RessourcesIndexPage

    review_workflow()
    for page in RessourcesIndexPage.objects.all():
        attach_review_workflow(instance=page)


# The bulletin's stated frequency lives in this one text (the archive page's intro, which ANCT
# edits): the issues come out every two weeks (see the demo issues' dates).
BULLETIN_INTRO = (
    "Toutes les deux semaines, l'équipe nationale de l'ANCT sélectionne l'actualité de l'emploi "
    "dans les quartiers, classée par champ d'action."
)


@transaction.atomic
def ensure_library(home):
    """The library and its bulletin archive under the home page (created once)."""
    from ressources.models import BulletinIndexPage, RessourcesIndexPage

    library = RessourcesIndexPage.objects.first()
    if library is None:
        library = RessourcesIndexPage(
            title="Ressources",
            slug="ressources",
            intro=(
                "Fiches dispositifs, actions inspirantes des cités, portraits et parcours : "
                "ce que chaque équipe projet peut mobiliser et ce que les autres ont réussi."
            ),
        )
        home.add_child(instance=library)
        library.save_revision().publish()
    archive = BulletinIndexPage.objects.child_of(library).first()
    if archive is None:
        archive = BulletinIndexPage(
            title="Bulletin de veille",
            slug="veille",
            intro=BULLETIN_INTRO,
        )
        library.add_child(instance=archive)
        archive.save_revision().publish()
    attach_review_workflow(instance=library)
    return library, archive
