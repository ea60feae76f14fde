"""Who may do what with cafés-cités. Views, feeds and the chat consumer all call these."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from accounts.roles import ANCT_GROUP_NAME, is_anct
from cafes_cites.models import ChatMute, Registration, RegistrationStatus, Session


def can_view_session(user, session):
    """The agenda is public: the network advertises its cafés-cités."""
    return True


def get_session_for_user_or_404(user, pk):
    session = Session.objects.filter(pk=pk).select_related("series").first()
    if session is None or not can_view_session(user, session):
        raise Http404("Cette séance n'existe pas.")
    return session


def can_register(user, session, now=None):
    now = now or timezone.now()
    return user.is_authenticated and not session.is_cancelled and now < session.end


def registration_for(user, session):
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(user=user, session=session).first()


def can_see_video_link(user, session, registration=None, now=None):
    """Registered participants only, and only from a few minutes before the start."""
    now = now or timezone.now()
    if not session.video_url or session.is_cancelled or not user.is_authenticated:
        return False
    registration = registration if registration is not None else registration_for(user, session)
    if registration is None or registration.status != RegistrationStatus.CONFIRMED:
        return False
    opens = session.start - datetime.timedelta(minutes=settings.CAFES_CITES_VIDEO_LINK_BEFORE)
    return opens <= now < session.end


def can_moderate_chat(user, session=None):
    """Animateurs: the ANCT team and anyone given the moderation permission."""
    if not user.is_authenticated or not user.is_active:
        return False
    return is_anct(user) or user.has_perm("cafes_cites.moderate_chat")


def moderators():
    """The users `can_moderate_chat` accepts, as a queryset (active; superuser, ANCT team, or
    the permission given to them or to one of their groups): a single query for many users,
    or an EXISTS inside another query, instead of two or three queries per person."""
    permission = Permission.objects.filter(
        codename="moderate_chat", content_type__app_label="cafes_cites"
    ).values("pk")
    return (
        get_user_model()
        ._default_manager.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__name=ANCT_GROUP_NAME)
            | Q(user_permissions__in=permission)
            | Q(groups__permissions__in=permission)
        )
    )


def is_moderator(user_ref):
    """EXISTS expression: is the user `user_ref` (a pk or an OuterRef) an animateur?"""
    return Exists(moderators().filter(pk=user_ref))


def is_author_moderator():
    """EXISTS expression for a ChatMessage queryset: was its author an animateur?"""
    return is_moderator(OuterRef("author_id"))


def can_read_chat(user, session):
    return user.is_authenticated and user.is_active and can_view_session(user, session)


def chat_post_refusal(user, session, now=None, *, muted=None, registered=None, moderator=None):
    """None when `user` may post now, else (code, French message). `muted`, `registered` and
    `moderator`, when the caller already read them (in one query: services.post_message,
    services.chat_room_for), spare a query each."""
    if not can_read_chat(user, session):
        return ("forbidden", "Connectez-vous pour participer au chat.")
    if not session.chat_is_open(now):
        return ("closed", "Le chat est fermé : il est en lecture seule en dehors de la séance.")
    if moderator is None:
        moderator = can_moderate_chat(user, session)
    if moderator:
        return None
    if muted is None:
        muted = ChatMute.objects.filter(session=session, user=user).exists()
    if muted:
        return ("muted", "Un animateur a suspendu votre participation au chat de cette séance.")
    if settings.CAFES_CITES_CHAT_REQUIRES_REGISTRATION and registered is None:
        registered = Registration.objects.filter(
            session=session, user=user, status=RegistrationStatus.CONFIRMED
        ).exists()
    if settings.CAFES_CITES_CHAT_REQUIRES_REGISTRATION and not registered:
        return ("not_registered", "Inscrivez-vous à la séance pour écrire dans le chat.")
    return None
