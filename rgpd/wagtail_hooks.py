"""Deleting users in the Wagtail admin, one by one or in bulk, erases the accounts the RGPD way
(rgpd.services.erase_account, as when people delete their own account) instead of deleting the
rows: personal data erased, sessions ended, what the people wrote kept under "Compte supprimé"
(deleting the row would take their chat messages with it), one audit entry per account. The
confirmation pages say so (rgpd/templates/wagtailusers/)."""

from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.users.views.bulk_actions.delete import DeleteBulkAction

from rgpd.models import ErasedAccount
from rgpd.services import erase_account


def _erase(request, users):
    for user in users:
        erase_account(user, reason=ErasedAccount.Reason.ADMIN, actor=request.user)


@hooks.register("before_delete_user")
def erase_instead_of_deleting(request, user):
    if request.method != "POST":
        return None  # the confirmation page
    _erase(request, [user])
    messages.success(
        request,
        f"Compte n° {user.pk} supprimé : ses données personnelles sont effacées et ses "
        "sessions fermées ; ses contributions restent sous le nom « Compte supprimé ».",
    )
    return redirect("wagtailusers_users:index")


@hooks.register("before_bulk_action")
def erase_in_bulk_instead_of_deleting(request, action_type, objects, action):
    if not isinstance(action, DeleteBulkAction):
        return None
    _erase(request, objects)
    count = len(objects)
    messages.success(
        request,
        f"{count} compte{'s' if count > 1 else ''} supprimé{'s' if count > 1 else ''} : "
        "données personnelles effacées, sessions fermées ; leurs contributions restent sous le "
        "nom « Compte supprimé ».",
    )
    return redirect(action.next_url)
