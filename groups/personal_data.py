"""What groups/ erases of an account (registered in accounts.personal_data, run by rgpd/)."""

from groups.models import Invitation, Post
from groups.services import remove_departing_account


def erase(user, old_email, new_email, files):
    remove_departing_account(user)
    Invitation.objects.filter(email__iexact=old_email).update(email=new_email)
    Post.mentions.through.objects.filter(user_id=user.pk).delete()
