from django.contrib import messages
from django.http import Http404
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permission_policies.pages import PagePermissionPolicy

from commons.french import quoted
from ressources.models import (
    BulletinPage,
    LibraryProposal,
    LibraryReviewTask,
    ProposalStatus,
    RessourcePage,
)
from ressources.permissions import can_manage_bulletin, can_view_page, document_is_hidden_from
from ressources.reports import FichesToReviewView


@hooks.register("before_serve_page", order=-10)
def private_looks_missing(page, request, serve_args, serve_kwargs):
    """A members-only ressource answers 404 to whoever may not read it, like a missing page
    (runs before Wagtail's own restriction check, which would redirect to the login form)."""
    if isinstance(page, RessourcePage | BulletinPage) and not can_view_page(request.user, page):
        raise Http404


@hooks.register("before_serve_document")
def documents_follow_their_pages(document, request):
    """Wagtail checks only a document's collection: a document placed in members-only pages
    answers 404 to whoever may open none of the pages that use it (its address is guessable)."""
    if document_is_hidden_from(request.user, document):
        raise Http404


class BulletinSendingMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage_bulletin(request.user)


@hooks.register("register_admin_menu_item")
def register_sending_menu_item():
    return BulletinSendingMenuItem(
        "Envois du bulletin", reverse("ressources:sendings"), icon_name="mail", order=320
    )


@hooks.register("register_admin_urls")
def register_fiches_to_review_urls():
    return [
        path(
            "reports/fiches-a-revoir/",
            FichesToReviewView.as_view(),
            name="ressources_fiches_to_review",
        ),
        path(
            "reports/fiches-a-revoir/results/",
            FichesToReviewView.as_view(results_only=True),
            name="ressources_fiches_to_review_results",
        ),
    ]


class FichesToReviewMenuItem(MenuItem):
    def is_shown(self, request):
        return PagePermissionPolicy().user_has_any_permission(request.user, ["change", "publish"])


@hooks.register("register_reports_menu_item")
def register_fiches_to_review_menu_item():
    return FichesToReviewMenuItem(
        "Fiches à revoir",
        reverse("ressources_fiches_to_review"),
        name="fiches-a-revoir",
        icon_name="time",
        order=650,
    )


@hooks.register("after_edit_page")
def say_the_proposal_is_published(request, page):
    """After « Approuver et publier » of a proposal, as after a refusal: the reviewer reads that
    the page is online and its proposer credited and told, not only « a été mise à jour »."""
    if request.POST.get("workflow-action-name") != "approve":
        return None
    page = page.specific
    proposal = (
        LibraryProposal.objects.filter(page_id=page.pk, status=ProposalStatus.PUBLISHED)
        .select_related("proposer")
        .first()
    )
    if proposal is None or not page.live:
        return None
    for _ in messages.get_messages(request):  # iterating clears Wagtail's message
        pass
    proposer = proposal.proposer
    told = (
        f"La page indique « Proposé par {proposer.display_name} » ; {proposer.display_name} "
        "reçoit une notification et un courriel."
        if proposer and proposer.is_active
        else "Le compte qui l'avait proposée n'existe plus : personne n'est prévenu."
    )
    messages.success(
        request,
        f"Proposition {quoted(page.title)} publiée : la page est en ligne dans la bibliothèque "
        f"de ressources. {told}",
    )
    return None


@hooks.register("after_edit_page")
def say_the_proposal_is_closed(request, page):
    """After « Refuser la proposition », Wagtail's own « La page … a été mise à jour » says
    nothing of the decision: the reviewer reads instead that the proposal is closed and that its
    author was told."""
    if request.POST.get("workflow-action-name") != LibraryReviewTask.REFUSE:
        return None
    proposal = (
        LibraryProposal.objects.filter(page_id=page.pk, status=ProposalStatus.REFUSED)
        .select_related("proposer")
        .first()
    )
    if proposal is None:
        return None
    for _ in messages.get_messages(request):  # iterating clears Wagtail's message
        pass
    proposer = proposal.proposer
    told = (
        f"{proposer.display_name} reçoit une notification et un courriel avec votre message."
        if proposer and proposer.is_active
        else "Le compte qui l'avait proposée n'existe plus : personne n'est prévenu."
    )
    messages.success(
        request,
        f"Proposition {quoted(page.title)} refusée : elle est close et reste dans la "
        f"bibliothèque comme brouillon marqué « Proposition refusée », jamais publié. {told}",
    )
    return None
