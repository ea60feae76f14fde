"""Deleting a user in the Wagtail admin erases the account the RGPD way instead of deleting the
row: what the person wrote stays (chat messages would otherwise disappear with the row), attributed
to "Compte supprimé", and the action is logged."""

from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks

from rgpd.models import ErasedAccount
from rgpd.services import erase_account


@hooks.register("before_delete_user")
def erase_instead_of_deleting(request, user):
    if request.method != "POST":
        return None  # the confirmation page, which Wagtail shows as usual
    erase_account(user, reason=ErasedAccount.Reason.ADMIN, actor=request.user)
    messages.success(
        request,
        f"Compte n° {user.pk} supprimé : ses données personnelles sont effacées, ses "
        "contributions restent sous le nom « Compte supprimé ».",
    )
    return redirect("wagtailusers_users:index")
