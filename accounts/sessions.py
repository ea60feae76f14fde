"""Ending a user's sessions on the server (allauth.usersessions keeps the list per user)."""

from allauth.usersessions.models import UserSession


def end_all_sessions(user):
    """Delete every session of `user`: its cookies no longer authenticate anyone, even if the
    account is later reactivated or its password set back."""
    for session in UserSession.objects.filter(user_id=user.pk):
        session.end()


def record_login_session(sender, request=None, user=None, **kwargs):
    """Django's user_logged_in, sent by every login through a request (allauth's forms,
    ProConnect, the Wagtail admin's own login page): each gets allauth's session record, so that
    end_all_sessions is the one way to end a person's sessions (allauth records its own logins
    under the same key: still one record). A login without a client address (a test client's
    force_login) has nothing to record; changing the password still voids its session."""
    if request is None or not hasattr(request, "session") or not request.META.get("REMOTE_ADDR"):
        return
    UserSession.objects.create_from_request(request)


def end_sessions_of_deactivated_user(sender, instance, **kwargs):
    """post_save of the user model: a deactivated account loses its open sessions at once."""
    if instance.pk and not instance.is_active:
        end_all_sessions(instance)


def end_other_sessions_on_password_change(sender, request=None, user=None, **kwargs):
    """allauth's password_changed and password_set: the session the change was made from stays
    open (ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE is off), every other one is deleted on the server at
    once, not merely voided by Django's session hash the next time it is used."""
    if request is None or user is None:
        return
    current = getattr(getattr(request, "session", None), "session_key", None)
    for session in UserSession.objects.filter(user_id=user.pk).exclude(session_key=current):
        session.end()


def end_all_sessions_on_password_reset(sender, request=None, user=None, **kwargs):
    """allauth's password_reset (the e-mailed link): whoever knew the old password is logged out
    everywhere, as the done page says; the person logs in again with the new one."""
    if user is not None:
        end_all_sessions(user)
