"""Ending a user's sessions on the server (allauth.usersessions keeps the list per user)."""

from allauth.usersessions.models import UserSession


def end_all_sessions(user):
    """Delete every session of `user`: its cookies no longer authenticate anyone, even if the
    account is later reactivated or its password set back."""
    for session in UserSession.objects.filter(user_id=user.pk):
        session.end()


def end_sessions_of_deactivated_user(sender, instance, **kwargs):
    """post_save of the user model: a deactivated account loses its open sessions at once."""
    if instance.pk and not instance.is_active:
        end_all_sessions(instance)
