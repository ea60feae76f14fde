"""Who may do what with cafés-cités. Views, feeds and the chat consumer all call these."""

import datetime
import functools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
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


@functools.cache
def moderator_sql(user_ref):
    """SQL condition: is the user whose id is `user_ref` (an SQL column, or "%s") one that
    `can_moderate_chat` accepts (active; superuser, ANCT team, or the permission given to them
    or to one of their groups)? Written once from the models' metadata: the same condition
    through the ORM (OR-ed joins and a nested subquery) cost 1.4 ms of query compilation each
    time (docs/benchmarks.md, issue #7)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    quote = connection.ops.quote_name

    def table(model):
        return quote(model._meta.db_table)

    def column(model, name):
        return quote(model._meta.get_field(name).column)

    user_model = get_user_model()
    memberships = user_model.groups.through
    user_permissions = user_model.user_permissions.through
    group_permissions = Group.permissions.through
    # Identifiers come from the models' metadata (quoted), values are parameters.
    permission = (
        f"SELECT p.{column(Permission, 'id')} FROM {table(Permission)} p "  # noqa: S608
        f"INNER JOIN {table(ContentType)} ct "
        f"ON ct.{column(ContentType, 'id')} = p.{column(Permission, 'content_type')} "
        f"WHERE p.{column(Permission, 'codename')} = %s AND ct.{column(ContentType, 'app_label')} = %s"
    )
    user_id = f"u.{column(user_model, 'id')}"
    sql = (
        f"EXISTS (SELECT 1 FROM {table(user_model)} u WHERE {user_id} = {user_ref} "  # noqa: S608
        f"AND u.{column(user_model, 'is_active')} AND (u.{column(user_model, 'is_superuser')} "
        f"OR EXISTS (SELECT 1 FROM {table(memberships)} m INNER JOIN {table(Group)} g "
        f"ON g.{column(Group, 'id')} = m.{column(memberships, 'group')} "
        f"WHERE m.{column(memberships, 'user')} = {user_id} AND g.{column(Group, 'name')} = %s) "
        f"OR EXISTS (SELECT 1 FROM {table(user_permissions)} up "
        f"WHERE up.{column(user_permissions, 'user')} = {user_id} "
        f"AND up.{column(user_permissions, 'permission')} IN ({permission})) "
        f"OR EXISTS (SELECT 1 FROM {table(memberships)} m INNER JOIN {table(group_permissions)} gp "
        f"ON gp.{column(group_permissions, 'group')} = m.{column(memberships, 'group')} "
        f"WHERE m.{column(memberships, 'user')} = {user_id} "
        f"AND gp.{column(group_permissions, 'permission')} IN ({permission}))))"
    )
    params = (ANCT_GROUP_NAME, *MODERATE_CHAT, *MODERATE_CHAT)
    return sql, params


MODERATE_CHAT = ("moderate_chat", "cafes_cites")  # codename, app label


def is_moderator(user_id):
    """Boolean expression for annotate(): is the user `user_id` an animateur?"""
    sql, params = moderator_sql("%s")
    return RawSQL(sql, (user_id, *params), output_field=BooleanField())  # noqa: S611


def moderator_ids(user_ids):
    """Which of `user_ids` are animateurs, in one query: a history names up to 50 authors."""
    from django.db import connection

    user_ids = sorted({user_id for user_id in user_ids if user_id is not None})
    if not user_ids:
        return set()
    quote = connection.ops.quote_name
    users = get_user_model()
    table, pk = quote(users._meta.db_table), quote(users._meta.pk.column)
    condition, params = moderator_sql(f"{table}.{pk}")
    placeholders = ", ".join(["%s"] * len(user_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {table}.{pk} FROM {table} WHERE {table}.{pk} IN ({placeholders}) "  # noqa: S608
            f"AND {condition}",
            [*user_ids, *params],
        )
        return {row[0] for row in cursor.fetchall()}


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
